// Command kafdrop-standin stands in for the Kafdrop image in CI, where no
// registry can be reached (scripts/compose-ci.sh builds it into the image
// tagged obsidiandynamics/kafdrop inside its private Docker engine). It is
// not Kafdrop: it proves the wiring users most often get wrong.
//
// Like Kafdrop, it reads KAFKA_BROKERCONNECT and serves on SERVER_PORT
// (default 9000). /actuator/health answers 200 {"status":"UP"} only once it
// has read the cluster's metadata through those addresses and every broker
// in it answered at the address it advertises on that listener (for
// kafkastack, the INTERNAL listener kafkaN:1909N). A broker advertising an
// address this container cannot reach, such as 127.0.0.1:909N, keeps it at
// 503 {"status":"DOWN"} with the reason. / lists the brokers it read.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// state is the last check's outcome.
type state struct {
	mu      sync.Mutex
	up      bool
	reason  string
	brokers []string // "id host:port"
}

func (s *state) set(up bool, reason string, brokers []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if up != s.up || reason != s.reason {
		log.Printf("health %s: %s", map[bool]string{true: "UP", false: "DOWN"}[up], reason)
	}
	s.up, s.reason, s.brokers = up, reason, brokers
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	connect := strings.TrimSpace(os.Getenv("KAFKA_BROKERCONNECT"))
	if connect == "" {
		log.Fatal("KAFKA_BROKERCONNECT is not set: give it the brokers' INTERNAL addresses, e.g. kafka1:19091,kafka2:19092,kafka3:19093")
	}
	var seeds []string
	for _, s := range strings.Split(connect, ",") {
		if s = strings.TrimSpace(s); s != "" {
			seeds = append(seeds, s)
		}
	}
	port := os.Getenv("SERVER_PORT")
	if port == "" {
		port = "9000"
	}
	st := &state{reason: "not checked yet"}
	go watch(seeds, st)

	mux := http.NewServeMux()
	mux.HandleFunc("/actuator/health", func(w http.ResponseWriter, _ *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		body := map[string]any{"status": "DOWN", "details": map[string]any{"reason": st.reason, "brokerConnect": connect}}
		code := http.StatusServiceUnavailable
		if st.up {
			body = map[string]any{"status": "UP", "details": map[string]any{"brokers": st.brokers, "brokerConnect": connect}}
			code = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(body)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Kafdrop stand-in</title><h1>Kafdrop stand-in (kafkastack CI)</h1>\n<p>Not Kafdrop: a stand-in built for CI, connected through KAFKA_BROKERCONNECT=%s.</p>\n<ul>\n", html.EscapeString(connect))
		for _, b := range st.brokers {
			fmt.Fprintf(w, "<li>broker %s</li>\n", html.EscapeString(b))
		}
		fmt.Fprintf(w, "</ul>\n<p>health: %s</p>\n", html.EscapeString(map[bool]string{true: "UP", false: "DOWN: " + st.reason}[st.up]))
	})
	srv := &http.Server{Addr: ":" + port, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("Kafdrop stand-in serving on :%s, brokers %s", port, connect)
	log.Fatal(srv.ListenAndServe())
}

// watch checks the brokers every 2 s, each check bounded.
func watch(seeds []string, st *state) {
	for {
		up, reason, brokers := check(seeds)
		st.set(up, reason, brokers)
		time.Sleep(2 * time.Second) // the polling period, not a readiness wait
	}
}

// check reads the metadata through the seeds, then asks every broker of it
// for its API versions at the address it advertises to this listener. It
// is UP when at least as many brokers as seeds answered.
func check(seeds []string) (bool, string, []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DialTimeout(3*time.Second))
	if err != nil {
		return false, err.Error(), nil
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	md, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return false, "reading metadata through " + strings.Join(seeds, ",") + ": " + err.Error(), nil
	}
	var brokers []string
	addr := map[int32]string{}
	for _, b := range md.Brokers {
		addr[b.NodeID] = net.JoinHostPort(b.Host, fmt.Sprint(b.Port))
		brokers = append(brokers, fmt.Sprintf("%d %s", b.NodeID, addr[b.NodeID]))
	}
	sort.Strings(brokers)
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return false, "asking the brokers: " + err.Error(), brokers
	}
	answered := 0
	var problems []string
	for _, v := range vs.Sorted() {
		if v.Err != nil {
			problems = append(problems, fmt.Sprintf("broker %d at %s: %v", v.NodeID, addr[v.NodeID], v.Err))
			continue
		}
		answered++
	}
	if len(problems) > 0 {
		return false, strings.Join(problems, "; "), brokers
	}
	if answered < len(seeds) {
		return false, fmt.Sprintf("%d of %d brokers answered", answered, len(seeds)), brokers
	}
	return true, fmt.Sprintf("%d brokers answered: %s", answered, strings.Join(brokers, ", ")), brokers
}
