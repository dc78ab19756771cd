package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestUpOnlyOnceEveryBrokerAnswered(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	seeds := c.ListenAddrs()
	up, reason, brokers := check(seeds)
	if !up || len(brokers) != 3 || !strings.HasPrefix(reason, "3 brokers answered") {
		t.Fatalf("up %v, reason %q, brokers %v", up, reason, brokers)
	}
	// More seeds than brokers in the metadata: not every broker was read.
	up, reason, _ = check(append(seeds, seeds[0]))
	if up || reason != "3 of 4 brokers answered" {
		t.Fatalf("up %v, reason %q", up, reason)
	}
}

func TestDownWhenNoSeedAnswers(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	addr := c.ListenAddrs()[0]
	c.Close() // nothing listens there any more
	up, reason, _ := check([]string{addr})
	if up || !strings.HasPrefix(reason, fmt.Sprintf("reading metadata through %s: ", addr)) {
		t.Fatalf("up %v, reason %q", up, reason)
	}
}
