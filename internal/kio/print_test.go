package kio

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestFormatRecordIsKafkaPythonsRepr(t *testing.T) {
	r := &kgo.Record{Topic: "my-topic-three", Partition: 2, Offset: 7, Timestamp: time.UnixMilli(1700000000123),
		Value: []byte("Hello World!"), Headers: []kgo.RecordHeader{{Key: "k"}}}
	want := "ConsumerRecord(topic='my-topic-three', partition=2, offset=7, timestamp=1700000000123, key=None, value=b'Hello World!', headers=1)"
	if got := FormatRecord(r); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	r.Key = []byte("it's")
	r.Value = []byte{'a', '\\', '\n', 0x00, 0xff}
	want = `ConsumerRecord(topic='my-topic-three', partition=2, offset=7, timestamp=1700000000123, key=b'it\'s', value=b'a\\\n\x00\xff', headers=1)`
	if got := FormatRecord(r); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
