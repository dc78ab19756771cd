package console

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// loopbackHost reports whether host (without port) names this machine's
// loopback: localhost, 127.0.0.0/8 or ::1.
func loopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// hostOnly strips the port from a Host header value.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// checkHost refuses a request whose Host is not a loopback name: a page
// of another site that rebinds its name to 127.0.0.1 (DNS rebinding)
// still sends its own name.
func checkHost(r *http.Request) error {
	if !loopbackHost(hostOnly(r.Host)) {
		return fmt.Errorf("refused: Host %q is not a loopback name; open the console at http://127.0.0.1 or http://localhost", r.Host)
	}
	return nil
}

// checkPost refuses a state-changing request that does not come from the
// console's own pages: its Origin must be the console's, and its form must
// carry the console's token.
func (s *Server) checkPost(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return errors.New("refused: a change needs the Origin header of the console's own page")
	}
	if origin != "http://"+r.Host {
		return fmt.Errorf("refused: Origin %q is not this console (http://%s)", origin, r.Host)
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("refused: reading the form: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("token")), []byte(s.token)) != 1 {
		return errors.New("refused: the form's token is missing or stale; reload the page and try again")
	}
	return nil
}

// securityHeaders keep the pages out of frames, stop type sniffing, and
// allow no script, no plugins and no third-party resources.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}
