package embedded

import (
	"net"
	"sync"
)

// conns tracks the connections each broker port accepted, so that stopping
// a broker drops its clients as a dying process would. kfake only closes a
// removed broker's listener: without this, clients connected before the
// stop keep talking to the removed broker, which answers
// NOT_LEADER_FOR_PARTITION forever once it is started again.
type conns struct {
	mu     sync.Mutex
	byPort map[string]map[net.Conn]struct{}
}

func newConns() *conns { return &conns{byPort: map[string]map[net.Conn]struct{}{}} }

// listen wraps ln so that the connections it accepts are tracked under port.
func (c *conns) listen(port string, ln net.Listener) net.Listener {
	return &trackedListener{Listener: ln, port: port, conns: c}
}

// closePort closes every connection accepted on port.
func (c *conns) closePort(port string) {
	c.mu.Lock()
	set := c.byPort[port]
	delete(c.byPort, port)
	c.mu.Unlock()
	for conn := range set {
		_ = conn.Close()
	}
}

func (c *conns) add(port string, conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byPort[port] == nil {
		c.byPort[port] = map[net.Conn]struct{}{}
	}
	c.byPort[port][conn] = struct{}{}
}

func (c *conns) remove(port string, conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byPort[port], conn)
}

type trackedListener struct {
	net.Listener
	port  string
	conns *conns
}

func (l *trackedListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: conn, port: l.port, conns: l.conns}
	l.conns.add(l.port, tc)
	return tc, nil
}

type trackedConn struct {
	net.Conn
	port  string
	conns *conns
	once  sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.conns.remove(c.port, c) })
	return c.Conn.Close()
}
