package console

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/testkit"
	"kafkastack/internal/topics"
)

const (
	htmlValue  = `<script>alert("owned")</script>`
	jsonValue  = `{"user":"ada","n":1}`
	secretText = "s3cret-Password-42"
	perPart    = 20
)

// fixture is a three-broker kfake cluster with topic "orders" (3
// partitions, replication factor 3, records in each, one holding HTML,
// one JSON, one binary, with headers), group "billing" that read part of
// it and left, and a console over it.
type fixture struct {
	srv   *Server
	cl    *kgo.Client
	adm   *kadm.Client
	addrs []string
	opts  []kgo.Opt
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	c := testkit.FakeCluster(t, 3, kfake.ClusterID("console-test-cluster"))
	addrs := c.ListenAddrs()
	opts := []kgo.Opt{kgo.SeedBrokers(addrs...)}
	cl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	spec := topics.Spec{Name: "orders", Partitions: 3, ReplicationFactor: 3, Configs: map[string]string{"min.insync.replicas": "2"}}
	if _, err := topics.Create(ctx, cl, spec); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for p := int32(0); p < 3; p++ {
		for i := 0; i < perPart; i++ {
			recs = append(recs, &kgo.Record{Topic: "orders", Partition: p, Key: []byte(fmt.Sprintf("k-%d-%d", p, i)), Value: []byte(fmt.Sprintf("order-%d-%d", p, i))})
		}
	}
	recs = append(recs,
		&kgo.Record{Topic: "orders", Partition: 0, Value: []byte(htmlValue), Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("<b>t1</b>")}}},
		&kgo.Record{Topic: "orders", Partition: 0, Value: []byte(jsonValue)},
		&kgo.Record{Topic: "orders", Partition: 0, Value: []byte{0xff, 0x00, 0xfe}},
	)
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	commit := kadm.Offsets{}
	for p := int32(0); p < 3; p++ {
		commit.AddOffset("orders", p, 5, -1)
	}
	if err := adm.CommitAllOffsets(ctx, "billing", commit); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{
		Client:     cl,
		Admin:      adm,
		ClientOpts: opts,
		Runtime:    "embedded",
		Bootstrap:  addrs,
		Services: func(context.Context) ([]cluster.ServiceState, error) {
			return []cluster.ServiceState{{Service: "embedded", State: "running", PID: 42}}, fmt.Errorf("login as alice with %s failed", secretText)
		},
		Secrets:       []string{secretText},
		TopicDefaults: topics.Defaults{Partitions: 3, ReplicationFactor: 3, MinInsyncReplicas: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, cl: cl, adm: adm, addrs: addrs, opts: opts}
}

// get requests path as a browser on 127.0.0.1:9000 would.
func (f *fixture) get(t testing.TB, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000"+path, nil)
	return f.do(t, req)
}

func (f *fixture) do(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

// post submits a form as the console's own page would.
func (f *fixture) post(t testing.TB, path string, form url.Values, mutate func(*http.Request)) (int, string, http.Header) {
	t.Helper()
	if form.Get("token") == "" && form["token"] == nil {
		form.Set("token", f.srv.token)
	}
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://127.0.0.1:9000")
	if mutate != nil {
		mutate(req)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b), rec.Result().Header
}

func mustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", body)
	}
}

func mustNotContain(t testing.TB, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("page holds %q", b)
		}
	}
}

func TestOverviewShowsClusterAndBrokers(t *testing.T) {
	f := newFixture(t)
	code, body := f.get(t, "/")
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, body)
	}
	mustContain(t, body, "console-test-cluster", `id="broker-count">3<`, `id="topic-count">1<`, `id="partition-count">3<`,
		`id="under-replicated">0<`, `id="offline">0<`, f.addrs[0], f.addrs[1], f.addrs[2], "embedded runtime")
	// The services' error is shown, its secret scrubbed.
	mustContain(t, body, "login as alice with *** failed")
	mustNotContain(t, body, secretText)
}

func TestTopicsListsShapeAndMessages(t *testing.T) {
	f := newFixture(t)
	code, body := f.get(t, "/topics")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	// orders: 3 partitions, RF 3, 0 under-replicated, 0 offline, min ISR 2, 63 messages.
	mustContain(t, body, `<a href="/topics/orders">orders</a>`, `<td class="n">63</td>`, `id="create-topic"`, f.srv.token)
}

func TestTopicPageShowsPartitionsOffsetsAndConfigs(t *testing.T) {
	f := newFixture(t)
	code, body := f.get(t, "/topics/orders")
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, body)
	}
	mustContain(t, body, `id="records">63<`, "min.insync.replicas", `href="/topics/orders/messages"`,
		`href="/topics/orders/messages?partition=2"`, `<td class="n">23</td>`, `<td class="n">20</td>`, "In-sync replicas")
	// Every partition shows its three replicas and its three in-sync replicas.
	if n := len(regexp.MustCompile(`<td>[0-2], [0-2], [0-2]</td>`).FindAllString(body, -1)); n != 6 {
		t.Errorf("replicas and ISR shown %d times, want 6\n%s", n, body)
	}

	code, body = f.get(t, "/topics/no-such-topic")
	if code != http.StatusNotFound {
		t.Errorf("unknown topic: status %d", code)
	}
	mustContain(t, body, "topic no-such-topic does not exist")
}

func TestMessagesAreShownEscaped(t *testing.T) {
	f := newFixture(t)
	code, body := f.get(t, "/topics/orders/messages?partition=0&offset=18")
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, body)
	}
	mustContain(t, body, "order-0-18", "k-0-19", "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;", "trace: ", "&lt;b&gt;t1&lt;/b&gt;",
		"not UTF-8, shown as hex", "Showing 5 records from offset 18")
	mustNotContain(t, body, htmlValue, "<b>t1</b>")

	_, body = f.get(t, "/topics/orders/messages?partition=0&offset=21&count=1&format=json")
	mustContain(t, body, "{\n  &#34;user&#34;: &#34;ada&#34;,\n  &#34;n&#34;: 1\n}", "Showing 1 records from offset 21")

	_, body = f.get(t, "/topics/orders/messages?partition=0&offset=0&count=1&format=hex")
	mustContain(t, body, "6f 72 64 65 72 2d 30 2d  30") // "order-0-0"

	// Pages: next from where this one ended.
	_, body = f.get(t, "/topics/orders/messages?partition=1&count=10")
	mustContain(t, body, "order-1-0", "order-1-9", `offset=10&count=10`)
	mustNotContain(t, body, "order-1-10<")
}

func TestMessagesRefuseBadQueries(t *testing.T) {
	f := newFixture(t)
	for q, want := range map[string]string{
		"count=501":              "count must be a whole number from 1 to 500",
		"count=0":                "count must be a whole number from 1 to 500",
		"offset=-3":              "offset must be a whole number of at least 0",
		"partition=x":            "partition must be a whole number",
		"format=%3Cb%3Exml%3C/b": "format must be text, json or hex, got &#34;&lt;b&gt;xml&lt;/b&#34;",
	} {
		code, body := f.get(t, "/topics/orders/messages?"+q)
		if code != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, code)
		}
		mustContain(t, body, want)
	}
	code, body := f.get(t, "/topics/orders/messages?partition=7")
	if code != http.StatusNotFound {
		t.Errorf("partition 7: status %d", code)
	}
	mustContain(t, body, "topic orders has no partition 7")
}

func TestBrowseIsBoundedInBytes(t *testing.T) {
	f := newFixture(t)
	cl, err := kgo.NewClient(append(f.opts, kgo.ProducerBatchMaxBytes(2<<20))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := topics.Create(ctx, f.cl, topics.Spec{Name: "big", Partitions: 1, ReplicationFactor: 3}); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 900<<10)
	for i := 0; i < 7; i++ {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "big", Value: []byte(big)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Browse(ctx, f.srv, BrowseRequest{Topic: "big", Partition: 0, Offset: -1, Count: MaxBrowseCount, Format: FormatText})
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes > MaxBrowseBytes+(900<<10) || len(res.Messages) >= 7 {
		t.Fatalf("read %d records, %d bytes: not bounded by %d bytes", len(res.Messages), res.Bytes, MaxBrowseBytes)
	}
	if !strings.Contains(res.Stopped, "bounded") {
		t.Errorf("stopped %q does not say it was bounded", res.Stopped)
	}
	if got := len(res.Messages[0].Value.Text); got != maxShown {
		t.Errorf("a 900 KiB value shows %d bytes, want %d", got, maxShown)
	}
}

func TestGroupPages(t *testing.T) {
	f := newFixture(t)
	code, body := f.get(t, "/groups")
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, body)
	}
	// billing committed 5 of 20, 20 and 23: lag 15+15+18.
	mustContain(t, body, `<a href="/groups/billing">billing</a>`, "Empty", `<td class="n">48`)

	code, body = f.get(t, "/groups/billing")
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, body)
	}
	mustContain(t, body, `id="state">Empty<`, `id="total-lag">48<`, "No members", `<td class="n">5</td><td class="n">23</td>`, `<td class="n">18</td>`)

	code, body = f.get(t, "/groups/nobody")
	if code != http.StatusNotFound {
		t.Errorf("unknown group: status %d", code)
	}
	mustContain(t, body, "group nobody does not exist")
}

func TestGroupPageShowsMembersAndAssignments(t *testing.T) {
	f := newFixture(t)
	cl, err := kgo.NewClient(append(f.opts, kgo.ConsumerGroup("live"), kgo.ConsumeTopics("orders"), kgo.ClientID("reader-1"))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for n := 0; n < 63; {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatal("the live group did not read orders")
		}
		n += fs.NumRecords()
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatal(err)
	}
	code, body := f.get(t, "/groups/live")
	if code != http.StatusOK {
		t.Fatalf("status %d\n%s", code, body)
	}
	mustContain(t, body, `id="state">Stable<`, "reader-1", "orders/0, orders/1, orders/2", `id="total-lag">0<`)
}

func TestCreateTopicThroughTheForm(t *testing.T) {
	f := newFixture(t)
	code, _, h := f.post(t, "/topics", url.Values{"name": {"made-here"}, "partitions": {"2"}}, nil)
	if code != http.StatusSeeOther || h.Get("Location") != "/topics?created=made-here" {
		t.Fatalf("status %d, location %q", code, h.Get("Location"))
	}
	_, body := f.get(t, "/topics?created=made-here")
	mustContain(t, body, "Topic made-here created", `<a href="/topics/made-here">made-here</a>`)
	ctx := context.Background()
	d, err := topics.Describe(ctx, f.adm, "made-here")
	if err != nil || d.Partitions != 2 || d.ReplicationFactor != 3 || d.Configs["min.insync.replicas"] != "2" {
		t.Fatalf("created %+v, %v", d, err)
	}

	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"name": {"no/slash"}}, "Kafka allows only letters"},
		{url.Values{"name": {"ok"}, "partitions": {"zero"}}, "partitions must be a whole number of at least 1"},
		{url.Values{"name": {"ok"}, "replication_factor": {"4"}}, "replication factor 4 is above the 3 brokers"},
		{url.Values{"name": {"orders"}, "partitions": {"5"}}, "topic exists with a different shape"},
		{url.Values{"name": {`<i>x</i>`}}, "&lt;i&gt;x&lt;/i&gt;"},
	} {
		code, body, _ := f.post(t, "/topics", tc.form, nil)
		if code != http.StatusBadRequest {
			t.Errorf("%v: status %d", tc.form, code)
		}
		mustContain(t, body, tc.want)
		mustNotContain(t, body, "<i>x</i>")
	}
	if _, err := topics.Describe(ctx, f.adm, "ok"); err == nil {
		t.Error("a refused form created topic ok")
	}
}

func TestDeleteTopicAfterConfirmation(t *testing.T) {
	f := newFixture(t)
	code, body := f.get(t, "/topics/orders/delete")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	mustContain(t, body, `action="/topics/orders/delete"`, `name="confirm"`, f.srv.token)

	code, body, _ = f.post(t, "/topics/orders/delete", url.Values{"confirm": {"order"}}, nil)
	if code != http.StatusBadRequest {
		t.Errorf("wrong confirmation: status %d", code)
	}
	mustContain(t, body, "confirm by typing the topic")
	ctx := context.Background()
	if _, err := topics.Describe(ctx, f.adm, "orders"); err != nil {
		t.Fatalf("deleted without confirmation: %v", err)
	}
	code, _, h := f.post(t, "/topics/orders/delete", url.Values{"confirm": {"orders"}}, nil)
	if code != http.StatusSeeOther || h.Get("Location") != "/topics?deleted=orders" {
		t.Fatalf("status %d, location %q", code, h.Get("Location"))
	}
	if _, err := topics.Describe(ctx, f.adm, "orders"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("orders after delete: %v", err)
	}
	code, body, _ = f.post(t, "/topics/gone-already/delete", url.Values{"confirm": {"gone-already"}}, nil)
	if code != http.StatusNotFound {
		t.Errorf("unknown topic: status %d", code)
	}
	mustContain(t, body, "topic gone-already does not exist")
}

func TestRefusesForeignHosts(t *testing.T) {
	f := newFixture(t)
	for _, host := range []string{"evil.example", "evil.example:9000", "127.0.0.1.nip.io:9000", "10.0.0.5:9000", "localhost.evil.example"} {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/", nil)
		req.Host = host
		code, body := f.do(t, req)
		if code != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: status %d", host, code)
		}
		mustContain(t, body, "is not a loopback name")
		mustNotContain(t, body, "console-test-cluster")
	}
	for _, host := range []string{"localhost:9000", "127.0.0.1:9000", "[::1]:9000", "localhost"} {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/healthz", nil)
		req.Host = host
		if code, _ := f.do(t, req); code != http.StatusOK {
			t.Errorf("Host %s: status %d", host, code)
		}
	}
}

func TestChangesNeedOriginAndToken(t *testing.T) {
	f := newFixture(t)
	for name, tc := range map[string]struct {
		mutate func(*http.Request)
		form   url.Values
		want   string
	}{
		"no origin":      {func(r *http.Request) { r.Header.Del("Origin") }, nil, "needs the Origin header"},
		"foreign origin": {func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, nil, `Origin "http://evil.example" is not this console`},
		"other port":     {func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:8080") }, nil, "is not this console"},
		"no token":       {nil, url.Values{"token": {""}}, "token is missing or stale"},
		"wrong token":    {nil, url.Values{"token": {strings.Repeat("0", 64)}}, "token is missing or stale"},
	} {
		form := url.Values{"name": {"sneaky"}, "confirm": {"orders"}}
		for k, v := range tc.form {
			form[k] = v
		}
		for _, path := range []string{"/topics", "/topics/orders/delete"} {
			code, body, _ := f.post(t, path, form, tc.mutate)
			if code != http.StatusForbidden {
				t.Errorf("%s %s: status %d", name, path, code)
			}
			mustContain(t, body, tc.want)
		}
	}
	ctx := context.Background()
	if _, err := topics.Describe(ctx, f.adm, "sneaky"); err == nil {
		t.Error("a refused request created a topic")
	}
	if _, err := topics.Describe(ctx, f.adm, "orders"); err != nil {
		t.Errorf("a refused request deleted orders: %v", err)
	}
	// Reads are GETs only.
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/topics?name=x", nil)
	if code, _ := f.do(t, req); code != http.StatusOK {
		t.Errorf("GET /topics: %d", code)
	}
	req = httptest.NewRequest(http.MethodPut, "http://127.0.0.1:9000/topics", nil)
	if code, _ := f.do(t, req); code != http.StatusMethodNotAllowed {
		t.Errorf("PUT /topics: %d, want 405", code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9000/", nil)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	h := rec.Result().Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", h)
	}
}
