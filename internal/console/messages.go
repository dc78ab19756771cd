package console

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/kio"
)

// Browse bounds: a browse never asks for more records or bytes than this,
// however large the partition.
const (
	DefaultBrowseCount = 50
	MaxBrowseCount     = 500
	MaxBrowseBytes     = 4 << 20
	// maxShown is how much of one key or value a page shows.
	maxShown = 16 << 10
)

// Format is how keys and values are shown.
type Format string

// The formats.
const (
	FormatText Format = "text"
	FormatJSON Format = "json"
	FormatHex  Format = "hex"
)

// Message is one record as the browser shows it.
type Message struct {
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       Shown
	Value     Shown
	Headers   []Header
}

// Header is one record header, its value shown as text.
type Header struct {
	Key   string
	Value Shown
}

// Shown is a key or value rendered for the page. Text is plain text: the
// template escapes it.
type Shown struct {
	Text string
	// Null is a nil key or value; Note says it was cut or shown as hex.
	Null bool
	Note string
	Size int
}

// BrowseRequest is one browse: a partition, where to start and how many.
type BrowseRequest struct {
	Topic     string
	Partition int32
	Offset    int64 // -1: from the partition's first offset
	Count     int
	Format    Format
}

// BrowseResult is what a browse read and why it stopped.
type BrowseResult struct {
	BrowseRequest
	First, End int64
	Messages   []Message
	Bytes      int
	// Stopped says why fewer than Count records came back, or "".
	Stopped string
}

// Next is the offset after the last record shown.
func (b BrowseResult) Next() int64 {
	if n := len(b.Messages); n > 0 {
		return b.Messages[n-1].Offset + 1
	}
	return b.Offset
}

// Prev is the offset of the page before this one.
func (b BrowseResult) Prev() int64 { return max(b.First, b.Offset-int64(b.Count)) }

// Browse reads at most Count records (at most MaxBrowseCount, and at most
// MaxBrowseBytes of keys and values) of one partition from Offset, with a
// short-lived consumer assigned to that partition alone.
func Browse(ctx context.Context, s *Server, q BrowseRequest) (BrowseResult, error) {
	res := BrowseResult{BrowseRequest: q}
	starts, err := s.o.Admin.ListStartOffsets(ctx, q.Topic)
	if err != nil {
		return res, fmt.Errorf("listing the first offsets of %s: %w", q.Topic, err)
	}
	ends, err := s.o.Admin.ListEndOffsets(ctx, q.Topic)
	if err != nil {
		return res, fmt.Errorf("listing the end offsets of %s: %w", q.Topic, err)
	}
	st, ok1 := starts.Lookup(q.Topic, q.Partition)
	en, ok2 := ends.Lookup(q.Topic, q.Partition)
	if !ok1 || !ok2 {
		return res, fmt.Errorf("topic %s has no partition %d", q.Topic, q.Partition)
	}
	if st.Err != nil || en.Err != nil {
		return res, fmt.Errorf("listing the offsets of %s partition %d: %v", q.Topic, q.Partition, firstErr(st.Err, en.Err))
	}
	res.First, res.End = st.Offset, en.Offset
	if res.Offset < 0 || res.Offset < res.First {
		res.Offset = res.First
	}
	if res.Offset >= res.End {
		res.Offset = min(res.Offset, res.End)
		res.Stopped = "no records at or after this offset yet"
		return res, nil
	}
	until := min(res.End, res.Offset+int64(res.Count))
	cl, err := kgo.NewClient(append(append([]kgo.Opt{}, s.o.ClientOpts...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{q.Topic: {q.Partition: kgo.NewOffset().At(res.Offset)}}),
		kgo.FetchMaxBytes(MaxBrowseBytes),
		kgo.FetchMaxPartitionBytes(MaxBrowseBytes),
		kgo.FetchMaxWait(200*time.Millisecond),
	)...)
	if err != nil {
		return res, fmt.Errorf("creating a consumer: %w", err)
	}
	defer cl.Close()
	_, err = kio.Poll(ctx, cl, res.Count, 2*time.Second, func(r *kgo.Record) bool {
		if r.Offset >= until {
			return false
		}
		res.Bytes += len(r.Key) + len(r.Value)
		res.Messages = append(res.Messages, message(r, q.Format))
		if res.Bytes >= MaxBrowseBytes {
			res.Stopped = fmt.Sprintf("stopped at %d records: the browse is bounded to %s", len(res.Messages), humanBytes(MaxBrowseBytes))
			return false
		}
		return r.Offset+1 < until
	})
	if err != nil {
		return res, s.scrubErr(err)
	}
	if res.Stopped == "" && len(res.Messages) < res.Count && res.Next() < res.End {
		res.Stopped = "no more records came within 2s (transaction markers or compacted offsets)"
	}
	return res, nil
}

func message(r *kgo.Record, f Format) Message {
	m := Message{Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp,
		Key: show(r.Key, f), Value: show(r.Value, f)}
	for _, h := range r.Headers {
		m.Headers = append(m.Headers, Header{Key: h.Key, Value: show(h.Value, FormatText)})
	}
	return m
}

// show renders b as text, pretty JSON or hex. Text that is not UTF-8 is
// shown as hex, and JSON that does not parse as text, each with a note.
func show(b []byte, f Format) Shown {
	if b == nil {
		return Shown{Null: true}
	}
	s := Shown{Size: len(b)}
	cut := b
	if len(cut) > maxShown {
		cut = cut[:maxShown]
		s.Note = fmt.Sprintf("first %s of %s", humanBytes(maxShown), humanBytes(len(b)))
	}
	switch {
	case f == FormatHex:
		s.Text = hex.Dump(cut)
	case f == FormatJSON && json.Valid(b):
		var buf bytes.Buffer
		if err := json.Indent(&buf, b, "", "  "); err == nil {
			s.Text = buf.String()
			if len(s.Text) > maxShown {
				s.Text = s.Text[:maxShown]
			}
		}
	case !utf8.Valid(cut) && utf8.Valid(trimPartialRune(cut)):
		s.Text = string(trimPartialRune(cut))
	case !utf8.Valid(cut):
		s.Text = hex.Dump(cut)
		s.Note = join(s.Note, "not UTF-8, shown as hex")
	default:
		s.Text = string(cut)
		if f == FormatJSON {
			s.Note = join(s.Note, "not JSON, shown as text")
		}
	}
	return s
}

// trimPartialRune drops a rune cut in half at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *Server) scrubErr(err error) error { return fmt.Errorf("%s", s.scrub(err.Error())) }

// browseRequest reads and checks the query: one line per bad field.
func browseRequest(r *http.Request) (BrowseRequest, error) {
	q := r.URL.Query()
	b := BrowseRequest{Topic: r.PathValue("name"), Offset: -1, Count: DefaultBrowseCount, Format: FormatText}
	if v := q.Get("partition"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 {
			return b, fmt.Errorf("partition must be a whole number of at least 0, got %q", v)
		}
		b.Partition = int32(n)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return b, fmt.Errorf("offset must be a whole number of at least 0, got %q", v)
		}
		b.Offset = n
	}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxBrowseCount {
			return b, fmt.Errorf("count must be a whole number from 1 to %d, got %q", MaxBrowseCount, v)
		}
		b.Count = n
	}
	switch f := Format(q.Get("format")); f {
	case "":
	case FormatText, FormatJSON, FormatHex:
		b.Format = f
	default:
		return b, fmt.Errorf("format must be text, json or hex, got %q", string(f))
	}
	return b, nil
}

// messagesData is the message browser page.
type messagesData struct {
	BrowseResult
	Partitions []int32
	Formats    []Format
}

func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadTopic(w, r)
	if !ok {
		return
	}
	data := messagesData{Formats: []Format{FormatText, FormatJSON, FormatHex}}
	for _, p := range d.PartitionDetails {
		data.Partitions = append(data.Partitions, p.Partition)
	}
	sort.Slice(data.Partitions, func(i, j int) bool { return data.Partitions[i] < data.Partitions[j] })
	q, err := browseRequest(r)
	data.BrowseRequest = q
	if err != nil {
		s.render(w, http.StatusBadRequest, "messages", page{Title: "Messages of " + d.Name, Nav: "topics", Error: err.Error(), Data: data})
		return
	}
	if !slices.Contains(data.Partitions, q.Partition) {
		err := fmt.Errorf("topic %s has no partition %d", d.Name, q.Partition)
		s.render(w, http.StatusNotFound, "messages", page{Title: "Messages of " + d.Name, Nav: "topics", Error: err.Error(), Data: data})
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	res, err := Browse(ctx, s, q)
	data.BrowseResult = res
	if err != nil {
		s.render(w, http.StatusBadGateway, "messages", page{Title: "Messages of " + d.Name, Nav: "topics", Error: err.Error(), Data: data})
		return
	}
	s.render(w, http.StatusOK, "messages", page{Title: "Messages of " + d.Name, Nav: "topics", Data: data})
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
