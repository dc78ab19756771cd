package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// reader reads settings through getenv and keeps the first error, so that a
// settings function reads as the list of its variables, checked in order.
// After an error the reads go on but change nothing the caller keeps: the
// caller returns err.
type reader struct {
	getenv func(string) string
	err    error
}

// str is name's value with the blanks around it trimmed; "" when unset.
func (r *reader) str(name string) string { return strings.TrimSpace(r.getenv(name)) }

// lower is str in lower case.
func (r *reader) lower(name string) string { return strings.ToLower(r.str(name)) }

// fail keeps the first error.
func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

// ok reports whether no read has failed yet.
func (r *reader) ok() bool { return r.err == nil }

// atLeast reads name as a whole number from min to max, where max only
// guards the type: the message names the lower bound alone. It returns the
// number and whether name was set and valid.
func (r *reader) atLeast(name string, min, max int64) (int64, bool) {
	return r.whole(name, min, max, fmt.Sprintf("a whole number of at least %d", min))
}

// within reads name as a whole number from min to max, both named in the
// message. It returns the number and whether name was set and valid.
func (r *reader) within(name string, min, max int64) (int64, bool) {
	return r.whole(name, min, max, fmt.Sprintf("a whole number from %d to %d", min, max))
}

func (r *reader) whole(name string, min, max int64, what string) (int64, bool) {
	v := r.str(name)
	if v == "" {
		return 0, false
	}
	n, ok := parseWhole(v, min, max)
	if !ok {
		r.fail("%s=%q must be %s", name, v, what)
	}
	return n, ok
}

// duration reads name as a duration (see parseDuration): positive, or also
// zero when zeroOK. example ends the message, e.g. "90s, 2m". It returns the
// duration and whether name was set and valid.
func (r *reader) duration(name string, zeroOK bool, example string) (time.Duration, bool) {
	v := r.str(name)
	if v == "" {
		return 0, false
	}
	d, err := parseDuration(v)
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		r.fail("%s=%q is not a positive duration (e.g. %s)", name, v, example)
		return 0, false
	}
	return d, true
}

// onOff reads name as a switch (see parseSwitch). It returns the switch and
// whether name was set and valid; a bad value fails with "is not a switch;
// use on or off".
func (r *reader) onOff(name string) (on, set bool) {
	v := r.str(name)
	if v == "" {
		return false, false
	}
	on, ok := parseSwitch(v)
	if !ok {
		r.fail("%s=%q is not a switch; use on or off", name, v)
	}
	return on, ok
}

// oneOf reads name, in lower case, as one of choices. It returns the value
// and whether name was set and valid; a bad value fails with
// "NAME=%q is not " + what.
func (r *reader) oneOf(name string, choices []string, what string) (string, bool) {
	v := r.lower(name)
	if v == "" {
		return "", false
	}
	for _, c := range choices {
		if c == v {
			return v, true
		}
	}
	r.fail("%s=%q is not %s", name, v, what)
	return "", false
}

// parseWhole reads v as a whole number from min to max; underscores may
// group its digits (1_000_000).
func parseWhole(v string, min, max int64) (int64, bool) {
	n, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 10, 64)
	if err != nil || n < min || n > max {
		return 0, false
	}
	return n, true
}

// parseDuration accepts Go durations and bare seconds.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(v)
}

// parseSwitch reads on, true, yes, 1 and off, false, no, 0 (any case). The
// second result is false for anything else.
func parseSwitch(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0":
		return false, true
	}
	return false, false
}
