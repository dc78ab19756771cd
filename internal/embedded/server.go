// Package embedded runs an in-process Kafka-protocol cluster (franz-go's
// kfake) with the topology's broker ids and ports, persisted to a folder,
// and a small loopback control endpoint that stops and starts one broker.
// It simulates Kafka: replication is not real, which the failover checks
// say plainly when they run here.
package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Options describe the cluster to serve.
type Options struct {
	// IDs and Ports are the brokers' ids and their ports on 127.0.0.1.
	IDs   []int32
	Ports []int
	// DataDir is where kfake persists topics, records and group offsets.
	DataDir string
	// ControlFile receives the control endpoint's address once serving.
	ControlFile string
	// ClusterID is reported in metadata.
	ClusterID string
	// BrokerConfigs are passed to kfake, e.g. min.insync.replicas.
	BrokerConfigs map[string]string
	// Extra are further kfake options (SASL, TLS) for tests.
	Extra []kfake.Opt
}

// Server is a running embedded cluster.
type Server struct {
	c       *kfake.Cluster
	opts    Options
	mu      sync.Mutex
	stopped map[int32]bool
	conns   *conns
	ctl     net.Listener
	http    *http.Server
}

// Start starts the cluster. It fails when a port cannot be listened on (the
// error names the port), or when the persisted data cannot be loaded.
func Start(o Options) (*Server, error) {
	if len(o.IDs) == 0 || len(o.IDs) != len(o.Ports) {
		return nil, fmt.Errorf("starting embedded cluster: %d ids for %d ports", len(o.IDs), len(o.Ports))
	}
	for _, p := range o.Ports {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return nil, fmt.Errorf("starting embedded cluster: port %d is already in use", p)
		}
		ln.Close()
	}
	if o.ClusterID == "" {
		o.ClusterID = "kafkastack-embedded"
	}
	// kfake numbers its brokers 0..n-1 and makes the last one it starts
	// the controller for good. Ids 1..n are reached by starting a throwaway
	// broker 0 and brokers 1..n-1, then replacing broker 0 by broker n; the
	// controller (n-1) stays valid.
	initial, renumber := o.Ports, false
	switch {
	case isRange(o.IDs, 0):
	case isRange(o.IDs, 1) && len(o.IDs) >= 2:
		initial = append([]int{0}, o.Ports[:len(o.Ports)-1]...)
		renumber = true
	default:
		return nil, fmt.Errorf("starting embedded cluster: broker ids %v must be 0..n-1 or 1..n", o.IDs)
	}
	tracked := newConns()
	opts := []kfake.Opt{
		kfake.Ports(initial...),
		kfake.ClusterID(o.ClusterID),
		kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			_, port, _ := net.SplitHostPort(addr)
			ln, err := net.Listen(network, net.JoinHostPort("127.0.0.1", port))
			if err != nil {
				return nil, err
			}
			return tracked.listen(port, ln), nil
		}),
	}
	if len(o.BrokerConfigs) > 0 {
		opts = append(opts, kfake.BrokerConfigs(o.BrokerConfigs))
	}
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("starting embedded cluster: %w", err)
		}
		opts = append(opts, kfake.DataDir(o.DataDir))
	}
	opts = append(opts, o.Extra...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("starting embedded cluster: %w", err)
	}
	if renumber {
		last := len(o.IDs) - 1
		if _, _, err := c.AddNode(o.IDs[last], o.Ports[last]); err != nil {
			c.Close()
			return nil, fmt.Errorf("starting broker %d on port %d: %w", o.IDs[last], o.Ports[last], err)
		}
		if err := c.RemoveNode(0); err != nil {
			c.Close()
			return nil, fmt.Errorf("starting embedded cluster: %w", err)
		}
	}
	s := &Server{c: c, opts: o, stopped: map[int32]bool{}, conns: tracked}
	if o.ControlFile != "" {
		if err := s.serveControl(); err != nil {
			c.Close()
			return nil, err
		}
	}
	return s, nil
}

// isRange reports whether ids are from, from+1, ... in order.
func isRange(ids []int32, from int32) bool {
	for i, id := range ids {
		if id != from+int32(i) {
			return false
		}
	}
	return true
}

// Controller returns the id of the broker kfake made the controller. The
// embedded cluster cannot move it, so KillBroker refuses to stop it.
func (s *Server) Controller() int32 {
	if isRange(s.opts.IDs, 1) && len(s.opts.IDs) >= 2 {
		return s.opts.IDs[len(s.opts.IDs)-2]
	}
	return s.opts.IDs[len(s.opts.IDs)-1]
}

func contains(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Addrs returns the brokers' addresses.
func (s *Server) Addrs() []string {
	out := make([]string, len(s.opts.Ports))
	for i, p := range s.opts.Ports {
		out[i] = net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
	}
	return out
}

// Cluster returns the underlying kfake cluster.
func (s *Server) Cluster() *kfake.Cluster { return s.c }

// KillBroker removes broker id from the cluster, as if it had died. It
// fails for an unknown broker, or for the last one running.
func (s *Server) KillBroker(id int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !contains(s.opts.IDs, id) {
		return fmt.Errorf("no broker %d", id)
	}
	if s.stopped[id] {
		return nil
	}
	if id == s.Controller() {
		return fmt.Errorf("broker %d is the embedded cluster's controller, which kfake cannot move; stop another broker", id)
	}
	if err := s.c.RemoveNode(id); err != nil {
		return fmt.Errorf("stopping broker %d: %w", id, err)
	}
	for i, x := range s.opts.IDs {
		if x == id {
			s.conns.closePort(strconv.Itoa(s.opts.Ports[i]))
		}
	}
	s.stopped[id] = true
	return nil
}

// StartBroker brings broker id back on its port. Starting a running broker
// is not an error.
func (s *Server) StartBroker(id int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.opts.IDs {
		if x != id {
			continue
		}
		if !s.stopped[id] {
			return nil
		}
		if _, _, err := s.c.AddNode(id, s.opts.Ports[i]); err != nil {
			return fmt.Errorf("starting broker %d: %w", id, err)
		}
		delete(s.stopped, id)
		return nil
	}
	return fmt.Errorf("no broker %d", id)
}

// Close stops the cluster and writes its state to the data folder.
func (s *Server) Close() {
	if s.http != nil {
		_ = s.http.Shutdown(context.Background())
	}
	if s.opts.ControlFile != "" {
		_ = os.Remove(s.opts.ControlFile)
	}
	s.c.Close()
}

// serveControl listens on a loopback port for /kill?id=N and /start?id=N
// and writes the address to the control file.
func (s *Server) serveControl() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the control endpoint: %w", err)
	}
	mux := http.NewServeMux()
	handle := func(fn func(int32) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				http.Error(w, "POST only", http.StatusMethodNotAllowed)
				return
			}
			id, err := strconv.Atoi(r.URL.Query().Get("id"))
			if err != nil {
				http.Error(w, "id must be a broker id", http.StatusBadRequest)
				return
			}
			if err := fn(int32(id)); err != nil {
				http.Error(w, err.Error(), http.StatusConflict)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true})
		}
	}
	mux.HandleFunc("/kill", handle(s.KillBroker))
	mux.HandleFunc("/start", handle(s.StartBroker))
	s.ctl = ln
	s.http = &http.Server{Handler: mux}
	go func() { _ = s.http.Serve(ln) }()
	if err := os.MkdirAll(filepath.Dir(s.opts.ControlFile), 0o755); err != nil {
		return fmt.Errorf("writing the control file: %w", err)
	}
	tmp := s.opts.ControlFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(ln.Addr().String()), 0o644); err != nil {
		return fmt.Errorf("writing the control file: %w", err)
	}
	if err := os.Rename(tmp, s.opts.ControlFile); err != nil {
		return fmt.Errorf("writing the control file: %w", err)
	}
	return nil
}

// Control asks a running server, through its control file, to kill or start
// broker id. It fails when no server answers.
func Control(ctx context.Context, controlFile, action string, id int32) error {
	addr, err := os.ReadFile(controlFile)
	if err != nil {
		return errors.New("the embedded cluster is not running (no control file)")
	}
	url := fmt.Sprintf("http://%s/%s?id=%d", string(addr), action, id)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("asking the embedded cluster to %s broker %d: %w", action, id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b [512]byte
		n, _ := resp.Body.Read(b[:])
		return fmt.Errorf("asking the embedded cluster to %s broker %d: %s", action, id, strings.TrimSpace(string(b[:n])))
	}
	return nil
}
