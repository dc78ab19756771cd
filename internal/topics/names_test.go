package topics

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	good := []string{"my-topic-three", "a", "A.b_c-9", "z", "Z", "0", "azAZ09", strings.Repeat("x", 249)}
	for _, n := range good {
		if err := ValidateName(n); err != nil {
			t.Errorf("%q rejected: %v", n, err)
		}
	}
	bad := map[string]string{
		"":                       "empty",
		".":                      "not allowed",
		"..":                     "not allowed",
		strings.Repeat("x", 250): "at most 249",
		"with space":             "position 4",
		"slash/topic":            "'/'",
		"ümlaut":                 "letters, digits",
		"a`b":                    "position 1", // the characters just outside a-z, A-Z and 0-9
		"a{b":                    "position 1",
		"a@b":                    "position 1",
		"a[b":                    "position 1",
		"a/b":                    "position 1",
		"a:b":                    "position 1",
	}
	for n, want := range bad {
		err := ValidateName(n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to mention %q", n, err, want)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	for _, ok := range []Spec{
		{Name: "t", Partitions: 3, ReplicationFactor: 3, Configs: map[string]string{"min.insync.replicas": "2"}},
		// The smallest shape, and min.insync.replicas equal to the replication factor.
		{Name: "t", Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{"min.insync.replicas": "1"}},
		{Name: "t", Partitions: 1, ReplicationFactor: 3, Configs: map[string]string{"min.insync.replicas": "3"}},
	} {
		if err := ok.Validate(); err != nil {
			t.Fatalf("%+v: %v", ok, err)
		}
	}
	for name, s := range map[string]Spec{
		"partitions":                   {Name: "t", Partitions: 0, ReplicationFactor: 1},
		"replication factor must":      {Name: "t", Partitions: 1, ReplicationFactor: 0},
		"above the replication factor": {Name: "t", Partitions: 1, ReplicationFactor: 2, Configs: map[string]string{"min.insync.replicas": "3"}},
		"letters":                      {Name: "a b", Partitions: 1, ReplicationFactor: 1},
	} {
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%+v: err = %v, want %q", s, err, name)
		}
	}
}

func TestCollisionKey(t *testing.T) {
	if CollisionKey("a.b") != CollisionKey("a_b") {
		t.Fatal("a.b and a_b should collide")
	}
}
