package console

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/topics"
)

// BenchmarkPages measures each page of the console and a browse of 500
// records, in process over a kfake cluster holding an e2e-shaped topic
// (my-topic-three: 3 partitions, replication factor 3, 1500 records of 100
// bytes, 600 of them in partition 0) and a consumer group. With
// KAFKASTACK_CONSOLE_URL it measures that running console over HTTP
// instead (after e2e: its topic my-topic-three, or KAFKASTACK_CONSOLE_TOPIC).
//
//	go test ./internal/console -run '^$' -bench Pages -benchtime 20x
//
// Targets: every page under 200 ms, the 500-record browse under 300 ms.
func BenchmarkPages(b *testing.B) {
	get, topic := benchTarget(b)
	partition := busiestPartition(b, get, topic)
	_, groupsPage := get("/groups")
	m := regexp.MustCompile(`href="/groups/([^"]+)"`).FindStringSubmatch(groupsPage)
	if m == nil {
		b.Fatal("no consumer group to show: run a consumer with a group first (KAFKA_GROUP=g go run magefile.go consume my-topic-three)")
	}
	for _, pg := range []struct{ name, path string }{
		{"overview", "/"},
		{"topics", "/topics"},
		{"topic", "/topics/" + topic},
		{"messages-50", "/topics/" + topic + "/messages?partition=" + partition},
		{"browse-500", "/topics/" + topic + "/messages?partition=" + partition + "&offset=0&count=500"},
		{"groups", "/groups"},
		{"group", "/groups/" + m[1]},
	} {
		b.Run(pg.name, func(b *testing.B) {
			for b.Loop() {
				code, body := get(pg.path)
				if code != http.StatusOK {
					b.Fatalf("%s: status %d\n%s", pg.path, code, body)
				}
				if pg.name == "browse-500" {
					if n := strings.Count(body, "<td class=\"msg\">") / 2; n != 500 {
						b.Fatalf("%s showed %d records, want 500", pg.path, n)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}

// benchTarget returns a GET on the console to measure and the e2e topic.
func benchTarget(b *testing.B) (func(string) (int, string), string) {
	if base := strings.TrimSuffix(os.Getenv("KAFKASTACK_CONSOLE_URL"), "/"); base != "" {
		topic := os.Getenv("KAFKASTACK_CONSOLE_TOPIC")
		if topic == "" {
			topic = "my-topic-three"
		}
		hc := &http.Client{Timeout: 30 * time.Second}
		return func(path string) (int, string) {
			resp, err := hc.Get(base + path)
			if err != nil {
				b.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}, topic
	}
	f := newFixture(b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const topic = "my-topic-three"
	if _, err := topics.Create(ctx, f.cl, topics.Spec{Name: topic, Partitions: 3, ReplicationFactor: 3, Configs: map[string]string{"min.insync.replicas": "2"}}); err != nil {
		b.Fatal(err)
	}
	cl, err := kgo.NewClient(append(f.opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i := 0; i < 1500; i++ {
		p := int32(0)
		if i >= 600 {
			p = int32(1 + i%2)
		}
		recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Key: []byte(fmt.Sprint(i)), Value: []byte(strings.Repeat("v", 100))})
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	return func(path string) (int, string) { return f.get(b, path) }, topic
}

// busiestPartition reads the topic page and returns the partition with
// the most records, for the 500-record browse.
func busiestPartition(b *testing.B, get func(string) (int, string), topic string) string {
	code, body := get("/topics/" + topic)
	if code != http.StatusOK {
		b.Fatalf("topic %s: status %d", topic, code)
	}
	row := regexp.MustCompile(`<tr><td class="n">(\d+)</td>(?s:.*?)<td class="n">(\d+)</td><td class="n">(?:\d+|-)</td><td class="n">(\d+)</td>`)
	best, most := "", -1
	for _, m := range row.FindAllStringSubmatch(body, -1) {
		var n int
		fmt.Sscan(m[3], &n)
		if n > most {
			best, most = m[1], n
		}
	}
	if most < 500 {
		b.Fatalf("no partition of %s holds 500 records (most: %d); produce more first", topic, most)
	}
	return best
}
