package embedded

import (
	"net"
	"testing"
	"time"

	"kafkastack/internal/proc"
)

// TestKillBrokerDropsItsConnections checks that a stopped broker's clients
// are disconnected, as when a broker process dies, while the other
// brokers' connections stay open.
func TestKillBrokerDropsItsConnections(t *testing.T) {
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	s := startTest(t, t.TempDir(), ports)
	t.Cleanup(s.Close)
	addrs := s.Addrs()
	killed, kept := dial(t, addrs[0]), dial(t, addrs[2])
	if err := s.KillBroker(1); err != nil {
		t.Fatal(err)
	}
	if !closedByPeer(killed) {
		t.Fatal("a connection to the stopped broker 1 is still open")
	}
	if closedByPeer(kept) {
		t.Fatal("a connection to broker 3 was closed when broker 1 stopped")
	}
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByPeer reports whether the peer closed c: a read ends with EOF or a
// reset within a second, rather than timing out.
func closedByPeer(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	_, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}
