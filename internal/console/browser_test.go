package console

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser drives Debian's chromium through every page of a console:
// the overview's brokers, the topic list, a topic's partitions, its
// messages (by following the links), the groups and a group, then creates
// a topic through the form, sees it listed, and deletes it after the
// confirmation.
//
// By default it serves a console over a kfake cluster on a free port.
// With KAFKASTACK_CONSOLE_URL (e.g. http://127.0.0.1:9000) it drives that
// running console instead, following KAFKASTACK_CONSOLE_TOPIC (default
// my-topic-three); KAFKASTACK_CONSOLE_SCREENSHOT names a PNG file to keep
// of the topic page.
func TestBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH, so the real-browser test cannot run here: apt-get install -y chromium (CI installs it)")
	}
	base, topic, wantBrokers := os.Getenv("KAFKASTACK_CONSOLE_URL"), os.Getenv("KAFKASTACK_CONSOLE_TOPIC"), 3
	if topic == "" {
		topic = "my-topic-three"
	}
	if base == "" {
		f := newFixture(t)
		topic = "orders"
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		hs := &http.Server{Handler: f.srv, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		t.Cleanup(func() { _ = hs.Close() })
		base = "http://" + ln.Addr().String()
	}
	base = strings.TrimSuffix(base, "/")

	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	rows := func(sel string) int {
		t.Helper()
		ns, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel)))
		if err != nil {
			t.Fatalf("counting %s: %v", sel, err)
		}
		return len(ns)
	}

	// The overview: the brokers.
	do("loading the overview", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#brokers")))
	if got := text("#broker-count"); got != fmt.Sprint(wantBrokers) {
		t.Errorf("overview shows %s brokers, want %d", got, wantBrokers)
	}
	if n := rows("#brokers tr"); n != wantBrokers+1 {
		t.Errorf("brokers table has %d rows, want %d", n, wantBrokers+1)
	}

	// Topics, then the topic by its link, then its messages by theirs.
	do("loading the topics", chromedp.Navigate(base+"/topics"), chromedp.WaitVisible(chromedp.CSS("#topics")))
	do("following the topic link",
		chromedp.Click(chromedp.CSS(`#topics a[href="/topics/`+topic+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#partitions")))
	if n := rows("#partitions tr"); n < 2 {
		t.Errorf("the topic page shows %d partition rows", n-1)
	}
	if isr := text("#partitions tr:nth-child(2) td:nth-child(4)"); isr == "" {
		t.Error("the first partition shows no in-sync replicas")
	}
	if path := os.Getenv("KAFKASTACK_CONSOLE_SCREENSHOT"); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("taking the screenshot: %v", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of %s/topics/%s in %s", base, topic, path)
	}
	do("following the messages link",
		chromedp.Click(chromedp.CSS("#browse")),
		chromedp.WaitVisible(chromedp.CSS("#messages")))
	if n := rows("#messages tr"); n < 2 {
		t.Errorf("the message browser shows %d records of %s", n-1, topic)
	}

	// Groups, and the first group.
	do("loading the groups", chromedp.Navigate(base+"/groups"), chromedp.WaitVisible(chromedp.CSS("#groups")))
	do("following a group link", chromedp.Click(chromedp.CSS("#groups a")), chromedp.WaitVisible(chromedp.CSS("#lag")))

	// Create a topic through the form, see it listed, delete it.
	name := fmt.Sprintf("console-browser-%d", time.Now().UnixNano())
	do("creating a topic through the form",
		chromedp.Navigate(base+"/topics"),
		chromedp.WaitVisible(chromedp.CSS("#create-topic")),
		chromedp.SendKeys(chromedp.CSS(`#create-topic input[name="name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`#create-topic input[name="partitions"]`), "2"),
		chromedp.Click(chromedp.CSS(`#create-topic button`)),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	if got := text("#notice"); !strings.Contains(got, "Topic "+name+" created") {
		t.Fatalf("after creating: notice %q", got)
	}
	link := `#topics a[href="/topics/` + name + `"]`
	if n := rows(link); n != 1 {
		t.Fatalf("the created topic is listed %d times", n)
	}
	do("deleting the topic after confirming",
		chromedp.Click(chromedp.CSS(link)),
		chromedp.WaitVisible(chromedp.CSS("#delete")),
		chromedp.Click(chromedp.CSS("#delete")),
		chromedp.WaitVisible(chromedp.CSS("#delete-topic")),
		chromedp.SendKeys(chromedp.CSS(`#delete-topic input[name="confirm"]`), name),
		chromedp.Click(chromedp.CSS(`#delete-topic button`)),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	if got := text("#notice"); got != "Topic "+name+" deleted." {
		t.Fatalf("after deleting: notice %q", got)
	}
	gctx, gcancel := context.WithTimeout(ctx, 5*time.Second)
	defer gcancel()
	if err := chromedp.Do(gctx, chromedp.WaitNotPresent(chromedp.CSS(link))); err != nil {
		t.Errorf("the deleted topic is still listed: %v", err)
	}
}
