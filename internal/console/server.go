// Package console is kafkastack's own web console: the cluster's brokers,
// topics, partitions, messages and consumer groups in a browser, from
// Go's net/http and html/template with franz-go and kadm, and no
// JavaScript. It serves on loopback only; see safety.go for what it
// refuses.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/topics"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options are what the console shows and talks to.
type Options struct {
	// Client is the cluster's client (the caller closes it) and Admin the
	// admin client over it (made from Client when nil).
	Client *kgo.Client
	Admin  *kadm.Client
	// ClientOpts make a client of the cluster (seed brokers, TLS, SASL),
	// for the message browser's short-lived consumers.
	ClientOpts []kgo.Opt
	// Runtime and Bootstrap are shown on the overview.
	Runtime   string
	Bootstrap []string
	// Services lists the runtime's processes, when it can.
	Services func(context.Context) ([]cluster.ServiceState, error)
	// Secrets are scrubbed from every text shown (errors, warnings).
	Secrets []string
	// TopicDefaults is the shape of topics created through the form.
	TopicDefaults topics.Defaults
	// Timeout bounds each request's talk with the cluster (default 15s).
	Timeout time.Duration
	// Log receives one line per refused request and per change made.
	Log *log.Logger
}

// Server is the console's HTTP handler.
type Server struct {
	o     Options
	token string
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New returns the console for o.
func New(o Options) (*Server, error) {
	if o.Client == nil {
		return nil, fmt.Errorf("starting the console: no client")
	}
	if o.Admin == nil {
		o.Admin = kadm.NewClient(o.Client)
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Log == nil {
		o.Log = log.New(nopWriter{}, "", 0)
	}
	tok := make([]byte, 32)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("starting the console: making a token: %w", err)
	}
	s := &Server{o: o, token: hex.EncodeToString(tok), pages: map[string]*template.Template{}}
	funcs := template.FuncMap{"join": joinAny, "ms": formatTime, "bytes": humanBytes}
	for _, page := range []string{"overview", "topics", "topic", "confirm", "messages", "groups", "group", "error"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("starting the console: parsing %s: %w", page, err)
		}
		s.pages[page] = t
	}
	static, _ := fs.Sub(staticFS, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /{$}", s.overview)
	mux.HandleFunc("GET /topics", s.topicList)
	mux.HandleFunc("POST /topics", s.topicCreate)
	mux.HandleFunc("GET /topics/{name}", s.topic)
	mux.HandleFunc("GET /topics/{name}/messages", s.messages)
	mux.HandleFunc("GET /topics/{name}/delete", s.topicDeleteConfirm)
	mux.HandleFunc("POST /topics/{name}/delete", s.topicDelete)
	mux.HandleFunc("GET /groups", s.groupList)
	mux.HandleFunc("GET /groups/{id}", s.group)
	s.mux = mux
	return s, nil
}

// ServeHTTP refuses what safety.go refuses, then serves the page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w)
	if err := checkHost(r); err != nil {
		s.o.Log.Printf("refused %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusMisdirectedRequest)
		return
	}
	if r.Method == http.MethodPost {
		if err := s.checkPost(r); err != nil {
			s.o.Log.Printf("refused %s %s: %v", r.Method, r.URL.Path, err)
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// page is what every template gets.
type page struct {
	Title   string
	Nav     string
	Token   string
	Runtime string
	Notice  string
	Error   string
	Data    any
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	p.Token, p.Runtime = s.token, s.o.Runtime
	p.Error = s.scrub(p.Error)
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.o.Log.Printf("rendering %s: %v", name, err)
		http.Error(w, "rendering the page failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows an error page with one line.
func (s *Server) fail(w http.ResponseWriter, status int, title string, err error) {
	s.render(w, status, "error", page{Title: title, Error: err.Error()})
}

func (s *Server) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.o.Timeout)
}

func (s *Server) scrub(text string) string {
	for _, sec := range s.o.Secrets {
		if sec != "" {
			text = strings.ReplaceAll(text, sec, "***")
		}
	}
	return text
}

type nopWriter struct{}

func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }

func joinAny(v any) string {
	switch x := v.(type) {
	case []int32:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = fmt.Sprint(n)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000Z")
}

func humanBytes(n any) string {
	var v float64
	switch x := n.(type) {
	case int64:
		v = float64(x)
	case *int64:
		if x == nil {
			return "-"
		}
		v = float64(*x)
	case int:
		v = float64(x)
	default:
		return fmt.Sprint(n)
	}
	for _, u := range []string{"B", "KiB", "MiB", "GiB"} {
		if v < 1024 || u == "GiB" {
			if u == "B" {
				return fmt.Sprintf("%.0f B", v)
			}
			return fmt.Sprintf("%.1f %s", v, u)
		}
		v /= 1024
	}
	return ""
}
