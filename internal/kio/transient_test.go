package kio

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

func TestTransient(t *testing.T) {
	for _, err := range []error{
		kerr.NotCoordinator, kerr.CoordinatorLoadInProgress, kerr.NotLeaderForPartition,
		fmt.Errorf("listing: %w", kerr.OffsetNotAvailable),
		&net.OpError{Op: "dial", Err: errors.New("connection refused")},
		fmt.Errorf("reading: %w", io.EOF),
	} {
		if !Transient(err) {
			t.Errorf("%v is not transient", err)
		}
	}
	for _, err := range []error{nil, kerr.TopicAuthorizationFailed, kerr.InvalidReplicationFactor, errors.New("bad spec")} {
		if Transient(err) {
			t.Errorf("%v is transient", err)
		}
	}
}
