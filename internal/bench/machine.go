package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Machine is what the bench ran on.
type Machine struct {
	Cores    int    `json:"cores"`
	MemBytes int64  `json:"mem_bytes"`
	CPU      string `json:"cpu,omitempty"`
	OS       string `json:"os"`
	Go       string `json:"go"`
}

// String is e.g. "2 cores (Intel Xeon ...), 23.5 GiB memory, linux/amd64, go1.26.0".
func (m Machine) String() string {
	s := fmt.Sprintf("%d cores", m.Cores)
	if m.CPU != "" {
		s += " (" + m.CPU + ")"
	}
	if m.MemBytes > 0 {
		s += fmt.Sprintf(", %.1f GiB memory", float64(m.MemBytes)/(1<<30))
	}
	return s + ", " + m.OS + ", " + m.Go
}

// DescribeMachine reads the cores from the Go runtime and the memory and
// CPU model from /proc; what it cannot read stays empty.
func DescribeMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemBytes, _ = ParseMemTotal(string(b))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = ParseCPUModel(string(b))
	}
	return m
}

// ParseMemTotal returns MemTotal from /proc/meminfo text, in bytes. It
// fails when the line is missing or not a number of kB.
func ParseMemTotal(meminfo string) (int64, error) {
	sc := bufio.NewScanner(strings.NewReader(meminfo))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("reading MemTotal %q: %w", f[1], err)
			}
			if len(f) >= 3 && f[2] != "kB" {
				return 0, fmt.Errorf("reading MemTotal: unit %q is not kB", f[2])
			}
			return n * 1024, nil
		}
	}
	return 0, fmt.Errorf("no MemTotal line in meminfo")
}

// ParseCPUModel returns the first "model name" of /proc/cpuinfo text, or
// "" when there is none.
func ParseCPUModel(cpuinfo string) string {
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}
