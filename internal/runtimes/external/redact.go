package external

import (
	"sort"
	"strings"

	"kafkastack/internal/config"
)

// Redact returns s with every occurrence of each non-empty secret replaced
// by config.Redacted ("***"). Longer secrets are replaced first, so one
// secret inside another leaves nothing behind. It cannot fail.
func Redact(s string, secrets ...string) string {
	sorted := make([]string, 0, len(secrets))
	for _, sec := range secrets {
		if sec != "" {
			sorted = append(sorted, sec)
		}
	}
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, sec := range sorted {
		s = strings.ReplaceAll(s, sec, config.Redacted)
	}
	return s
}

// redactedError shows its cause's text with the secrets redacted and still
// unwraps to the cause, so errors.Is and errors.As keep working.
type redactedError struct {
	err     error
	secrets []string
}

func (e *redactedError) Error() string { return Redact(e.err.Error(), e.secrets...) }
func (e *redactedError) Unwrap() error { return e.err }

// RedactError returns err with the secrets redacted from its text (nil for
// nil, err itself when its text holds none of them). The result unwraps to
// err. It cannot fail.
func RedactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if Redact(msg, secrets...) == msg {
		return err
	}
	return &redactedError{err: err, secrets: secrets}
}
