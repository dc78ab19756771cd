package proc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestAPortHeldByAListenerFailsAtOnceUnlessTransient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	start := time.Now()
	err = AwaitPortsReleased(context.Background(), "127.0.0.1", []int{port}, time.Minute, nil, nil)
	var pe *PortError
	if !errors.As(err, &pe) || pe.Port != port || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s, want a PortError for %d at once", err, time.Since(start), port)
	}
	// A listener its caller knows is stopping is waited for, until it goes.
	var lines []string
	logf := func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
	done := make(chan error, 1)
	go func() {
		done <- AwaitPortsReleased(context.Background(), "127.0.0.1", []int{port}, time.Minute, func(string) bool { return true }, logf)
	}()
	select {
	case err := <-done:
		t.Fatalf("returned %v while the listener was open", err)
	case <-time.After(500 * time.Millisecond):
	}
	ln.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting 10s after the listener closed")
	}
	if len(lines) != 2 || !strings.Contains(lines[0], fmt.Sprintf("port %d is still held by", port)) || !strings.Contains(lines[1], "free again") {
		t.Fatalf("progress lines %q", lines)
	}
}

func TestAwaitPortsReleasedGivesUpAfterItsBound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	err = AwaitPortsReleased(context.Background(), "127.0.0.1", []int{port}, 600*time.Millisecond, func(string) bool { return true }, nil)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d is already in use", port)) {
		t.Fatalf("err %v", err)
	}
}
