package bench

import (
	"strings"
	"testing"
)

func TestParseMemTotal(t *testing.T) {
	n, err := ParseMemTotal("MemTotal:       24684084 kB\nMemFree:        24434084 kB\n")
	if err != nil || n != 24684084*1024 {
		t.Fatalf("got %d, %v", n, err)
	}
	if _, err := ParseMemTotal("MemFree: 1 kB\n"); err == nil {
		t.Fatal("no MemTotal parsed")
	}
	if _, err := ParseMemTotal("MemTotal: lots kB\n"); err == nil {
		t.Fatal("bad number parsed")
	}
}

func TestParseCPUModel(t *testing.T) {
	in := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)   CPU @ 2.20GHz\n"
	if got := ParseCPUModel(in); got != "Intel(R) Xeon(R) CPU @ 2.20GHz" {
		t.Fatalf("got %q", got)
	}
	if got := ParseCPUModel("processor: 0\n"); got != "" {
		t.Fatalf("got %q", got)
	}
}

func TestMachineString(t *testing.T) {
	m := Machine{Cores: 2, MemBytes: 24684084 * 1024, CPU: "X", OS: "linux/amd64", Go: "go1.26"}
	if got := m.String(); !strings.Contains(got, "2 cores (X)") || !strings.Contains(got, "23.5 GiB") {
		t.Fatalf("got %q", got)
	}
}
