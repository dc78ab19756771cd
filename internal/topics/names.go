// Package topics creates, lists, describes and deletes topics through kadm,
// with Kafka's own name rules checked before any network call.
package topics

import (
	"fmt"
	"strings"
)

// MaxNameLength is Kafka's limit on a topic name.
const MaxNameLength = 249

// ValidateName applies Kafka's topic name rules: 1 to 249 characters of
// ASCII letters, digits, '.', '_' and '-', and not "." or "..". It fails
// with an error that names the rule broken.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("topic name is empty")
	case name == "." || name == "..":
		return fmt.Errorf("topic name %q is not allowed", name)
	case len(name) > MaxNameLength:
		return fmt.Errorf("topic name is %d characters long; Kafka allows at most %d", len(name), MaxNameLength)
	}
	for i, r := range name {
		ok := r == '.' || r == '_' || r == '-' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("topic name %q has %q at position %d; Kafka allows only letters, digits, '.', '_' and '-'", name, r, i)
		}
	}
	return nil
}

// CollisionKey is the name Kafka uses to find colliding topics: '.' and '_'
// are the same in metric names, so "a.b" and "a_b" cannot both exist.
func CollisionKey(name string) string { return strings.ReplaceAll(name, ".", "_") }
