// Package verify makes the records a check run produces and proves, from
// what was read back, that none was lost, none duplicated, order was kept
// per partition and every payload is intact.
package verify

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Header keys every check record carries.
const (
	HeaderRun = "kafkastack-run"
	HeaderSeq = "kafkastack-seq"
	HeaderCRC = "kafkastack-crc32c"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// NewRunID returns a fresh random run id, unique per run.
func NewRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Payload is the value of record seq of run: readable text that names the
// run and sequence, padded to at least size bytes. It is derived from run
// and seq alone, so a reader can tell a damaged payload from a good one.
func Payload(run string, seq int64, size int) []byte {
	b := []byte(fmt.Sprintf("kafkastack run=%s seq=%d", run, seq))
	for i := 0; len(b) < size; i++ {
		b = append(b, "abcdefghijklmnopqrstuvwxyz"[(int(seq)+i)%26])
	}
	return b
}

// NewRecord builds record seq of run for topic, keyed by seq (so records
// spread over partitions) and carrying run, seq and the payload's CRC32-C
// in headers.
func NewRecord(topic, run string, seq int64, size int) *kgo.Record {
	v := Payload(run, seq, size)
	return &kgo.Record{
		Topic: topic,
		Key:   []byte(strconv.FormatInt(seq, 10)),
		Value: v,
		Headers: []kgo.RecordHeader{
			{Key: HeaderRun, Value: []byte(run)},
			{Key: HeaderSeq, Value: []byte(strconv.FormatInt(seq, 10))},
			{Key: HeaderCRC, Value: []byte(strconv.FormatUint(uint64(crc32.Checksum(v, castagnoli)), 10))},
		},
	}
}

// Record is what a check needs of one record read back.
type Record struct {
	Partition int32
	Offset    int64
	Run       string
	Seq       int64
	// CRCOK reports whether the value matches both its CRC header and the
	// payload its run and seq call for.
	CRCOK bool
}

// Decode reads a check record's headers. It returns false for records that
// carry no kafkastack run (another program's records).
func Decode(r *kgo.Record, size int) (Record, bool) {
	out := Record{Partition: r.Partition, Offset: r.Offset, Seq: -1}
	var crcHdr string
	for _, h := range r.Headers {
		switch h.Key {
		case HeaderRun:
			out.Run = string(h.Value)
		case HeaderSeq:
			if n, err := strconv.ParseInt(string(h.Value), 10, 64); err == nil {
				out.Seq = n
			}
		case HeaderCRC:
			crcHdr = string(h.Value)
		}
	}
	if out.Run == "" {
		return out, false
	}
	want := strconv.FormatUint(uint64(crc32.Checksum(r.Value, castagnoli)), 10)
	out.CRCOK = crcHdr == want && out.Seq >= 0 && string(r.Value) == string(Payload(out.Run, out.Seq, size))
	return out, true
}
