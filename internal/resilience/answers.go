package resilience

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// answers counts the error codes brokers answered to a producer's
// requests. A record that runs out of time fails with a bare "timed out"
// (kgo keeps only its own timeout), so the probe listens to the client's
// debug line for each produce response, "produced ... to topic[p{retrying@
// 0,5(NOT_ENOUGH_REPLICAS: ...)}]", to show what the brokers really said.
// It implements kgo.Logger and logs nothing.
type answers struct {
	mu     sync.Mutex
	counts map[string]int
}

// answerCode matches one partition's error in a "produced" debug line.
var answerCode = regexp.MustCompile(`\(([A-Z][A-Z_]+):`)

func newAnswers() *answers { return &answers{counts: map[string]int{}} }

// Level asks kgo for debug lines, the only ones that carry the answers.
func (a *answers) Level() kgo.LogLevel { return kgo.LogLevelDebug }

// Log counts the error codes of a "produced" line and drops everything.
func (a *answers) Log(_ kgo.LogLevel, msg string, keyvals ...any) {
	if msg != "produced" {
		return
	}
	for i := 0; i+1 < len(keyvals); i += 2 {
		if keyvals[i] != "to" {
			continue
		}
		a.mu.Lock()
		for _, m := range answerCode.FindAllStringSubmatch(fmt.Sprint(keyvals[i+1]), -1) {
			a.counts[m[1]]++
		}
		a.mu.Unlock()
	}
}

// snapshot returns the counts so far.
func (a *answers) snapshot() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.counts))
	for k, v := range a.counts {
		out[k] = v
	}
	return out
}
