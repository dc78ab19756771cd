package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/datadir"
	"kafkastack/internal/proc"
)

// Runtime runs the topology as local JVM processes.
type Runtime struct {
	env      *cluster.Env
	root     string // .data/native
	dir      string // .data/native/<mode>
	mode     config.Mode
	version  string     // the Kafka release fetched when KAFKA_HOME is unset
	formatMu sync.Mutex // one formatted template made at a time (format.go)
}

// launcher is what starting a JVM needs: java, the Kafka jars and the
// folder of their class-data-sharing archives.
type launcher struct {
	java string
	jars Jars
	cds  string
}

// portsFreeWait bounds how long a stop waits for a stopped process's ports
// to be free, and Up for ports still held by closing connections.
const portsFreeWait = 60 * time.Second

// process is one JVM the runtime manages.
type process struct {
	service string
	id      int32 // broker id; -1 for ZooKeeper
	props   map[string]string
	ports   []int
}

// New returns the native runtime for env. It fails when the topology has
// a broker whose settings cannot be translated, or names a Kafka release
// that cannot run the mode.
func New(env *cluster.Env) (*Runtime, error) {
	root := env.Config.RuntimeDataDir(config.RuntimeNative)
	version, err := Version(env.Config.Mode, env.Topology)
	if err != nil {
		return nil, err
	}
	r := &Runtime{env: env, root: root, dir: filepath.Join(root, string(env.Config.Mode)), mode: env.Config.Mode, version: version}
	if _, err := r.processes(); err != nil {
		return nil, err
	}
	return r, nil
}

// Name is "native".
func (r *Runtime) Name() string { return string(config.RuntimeNative) }

// Bootstrap is the topology's external broker addresses.
func (r *Runtime) Bootstrap() []string { return r.env.Topology.Bootstrap() }

// ClientOpts adds nothing: the native brokers are plaintext on 127.0.0.1.
func (r *Runtime) ClientOpts() ([]kgo.Opt, error) { return nil, nil }

func (r *Runtime) pidFile(service string) string { return filepath.Join(r.dir, service+".pid") }
func (r *Runtime) logFile(service string) string { return filepath.Join(r.dir, service+".log") }

// processes lists ZooKeeper (zk mode, when the topology has it) and the
// brokers, with their settings translated from the compose file.
func (r *Runtime) processes() ([]process, error) {
	var services []string
	for name := range r.env.Topology.Project.Services {
		services = append(services, name)
	}
	var out []process
	if r.mode == config.ModeZK {
		if zk, ok := r.env.Topology.Project.Services["zookeeper"]; ok {
			env := map[string]string{}
			for k, v := range zk.Environment {
				if v != nil {
					env[k] = *v
				}
			}
			props := ZooKeeperProperties(env, filepath.Join(r.dir, "zookeeper"))
			port, _ := strconv.Atoi(props["clientPort"])
			out = append(out, process{service: "zookeeper", id: -1, props: props, ports: []int{port}})
		}
	}
	for _, b := range r.env.Topology.Brokers {
		props, err := BrokerProperties(b, services, filepath.Join(r.dir, b.Service, "data"))
		if err != nil {
			return nil, err
		}
		if r.mode == config.ModeZK && props["zookeeper.connect"] == "" {
			return nil, fmt.Errorf("broker %s has no KAFKA_ZOOKEEPER_CONNECT; for KRaft use KAFKA_MODE=kraft", b.Service)
		}
		if props["controlled.shutdown.enable"] == "" {
			// Down stops every broker at once: handing leaderships over
			// would only wait on brokers (and, in kraft mode, a quorum)
			// that stop too.
			props["controlled.shutdown.enable"] = "false"
		}
		if r.mode == config.ModeKRaft && props["process.roles"] == "" {
			return nil, fmt.Errorf("broker %s has no KAFKA_PROCESS_ROLES; the kraft topology needs them", b.Service)
		}
		out = append(out, process{service: b.Service, id: b.ID, props: props, ports: listenerPorts(props["listeners"])})
	}
	return out, nil
}

// Running reports whether any of the runtime's processes is alive.
func (r *Runtime) Running(context.Context) (bool, error) {
	ps, err := r.processes()
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if _, alive := proc.Alive(r.pidFile(p.service)); alive {
			return true, nil
		}
	}
	return false, nil
}

// Up resolves the jars, writes every process's settings and starts
// ZooKeeper (zk mode) and the brokers. It returns once each broker listens
// on its external port; readiness is checked by the caller. It fails on a
// taken port (naming it and its owner), a missing java or mvn, and with
// the last log lines of a process that exits while starting.
//
// Every process starts at once (a broker's ZooKeeper client retries until
// ZooKeeper listens; KRaft nodes need a quorum of each other anyway),
// except after a zk-mode run that did not stop cleanly: ZooKeeper may then
// still hold a broker's registration from that run, so it starts first and
// the brokers once their old registrations are gone.
func (r *Runtime) Up(ctx context.Context) error {
	ps, err := r.processes()
	if err != nil {
		return err
	}
	alive := 0
	for _, p := range ps {
		if pid, ok := proc.Alive(r.pidFile(p.service)); ok {
			alive++
		} else if pid != 0 {
			r.env.Logf("removing a stale PID file of %s: PID %d is gone", p.service, pid)
			_ = os.Remove(r.pidFile(p.service))
		}
	}
	if alive == len(ps) {
		r.env.Logf("native cluster already running")
		return cluster.ErrAlreadyRunning
	}
	var free []int
	for _, p := range ps {
		if _, ok := proc.Alive(r.pidFile(p.service)); !ok {
			free = append(free, p.ports...)
		}
	}
	if err := proc.AwaitPortsFree(ctx, "127.0.0.1", free, portsFreeWait, r.env.Logf); err != nil {
		return fmt.Errorf("starting native cluster: %w", err)
	}
	l, err := r.launcher(ctx)
	if err != nil {
		return err
	}
	if err := r.writeFiles(ps, l.jars); err != nil {
		return err
	}
	together := r.startTogether(ps)
	// From here on, a stop that is not seen through leaves no marker.
	_ = os.Remove(r.cleanStopFile())
	deadline := time.Now().Add(r.env.Config.ReadyTimeout)
	var down []process
	for _, p := range ps {
		if _, alive := proc.Alive(r.pidFile(p.service)); !alive {
			down = append(down, p)
		}
	}
	groups := [][]process{down}
	if !together {
		groups = [][]process{filter(down, false), filter(down, true)}
	}
	for _, group := range groups {
		if len(group) == 0 {
			continue
		}
		if !together && group[0].id >= 0 && r.mode == config.ModeZK {
			if err := r.awaitRegistrationsGone(ctx, group, deadline); err != nil {
				return err
			}
		}
		if err := r.startAll(ctx, l, group); err != nil {
			return err
		}
		for _, p := range group {
			if err := r.awaitPort(ctx, p, deadline); err != nil {
				return err
			}
		}
	}
	return nil
}

// cleanStopFile marks a zk-mode cluster whose brokers and ZooKeeper all
// stopped cleanly, so that no broker registration outlives the run.
func (r *Runtime) cleanStopFile() string { return filepath.Join(r.dir, "stopped-cleanly") }

// startTogether reports whether every process may start at once: always
// in kraft mode; in zk mode when ZooKeeper is not running and either has
// no data yet or stopped cleanly after every broker.
func (r *Runtime) startTogether(ps []process) bool {
	if r.mode != config.ModeZK {
		return true
	}
	for _, p := range ps {
		if p.id >= 0 {
			continue
		}
		if _, alive := proc.Alive(r.pidFile(p.service)); alive {
			return false
		}
		if _, err := os.Stat(r.cleanStopFile()); err == nil {
			return true
		}
		entries, err := os.ReadDir(p.props["dataDir"])
		return err != nil || len(entries) == 0
	}
	return true
}

// startAll formats (kraft mode, once) and starts the processes of group
// in parallel, and fails with the first error.
func (r *Runtime) startAll(ctx context.Context, l launcher, group []process) error {
	errs := make(chan error, len(group))
	dumping := map[string]bool{}
	for _, p := range group {
		dump := !dumping[cdsRole(p)]
		dumping[cdsRole(p)] = true
		go func(p process, dump bool) {
			if r.mode == config.ModeKRaft && p.id >= 0 {
				if err := r.format(ctx, l, p); err != nil {
					errs <- err
					return
				}
			}
			errs <- r.start(l, p, dump)
		}(p, dump)
	}
	var first error
	for range group {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// filter returns the brokers of ps (brokers true) or the other processes.
func filter(ps []process, brokers bool) []process {
	var out []process
	for _, p := range ps {
		if (p.id >= 0) == brokers {
			out = append(out, p)
		}
	}
	return out
}

// launcher checks java and finds (or fetches) the Kafka jars.
func (r *Runtime) launcher(ctx context.Context) (launcher, error) {
	java, version, err := checkJavaVersion(ctx)
	if err != nil {
		return launcher{}, err
	}
	jars, err := Libs(ctx, r.env.Config, r.mode, r.version, r.env.Logf)
	if err != nil {
		return launcher{}, err
	}
	return launcher{java: java, jars: jars, cds: cdsDir(r.env.Config.CacheDir, jars, javaID(java, version))}, nil
}

// writeFiles writes the properties of every process and the log
// configuration for the log library of the Kafka release in jars.
func (r *Runtime) writeFiles(ps []process, jars Jars) error {
	for _, p := range ps {
		dir := filepath.Join(r.dir, p.service)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("writing %s settings: %w", p.service, err)
		}
		if err := os.WriteFile(r.propsFile(p.service), []byte(renderProperties(p.props)), 0o644); err != nil {
			return fmt.Errorf("writing %s settings: %w", p.service, err)
		}
	}
	name, body := logConfig(jars.Version)
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(body), 0o644); err != nil {
		return fmt.Errorf("writing the log configuration: %w", err)
	}
	return nil
}

func (r *Runtime) propsFile(service string) string {
	return filepath.Join(r.dir, service, service+".properties")
}

// jvmArgs are the JVM options of process p: a modest heap (256-512 MiB a
// broker, less for ZooKeeper), devJVMFlags, the class-data-sharing archive
// of its role (dump: this process writes it at exit when there is none
// yet), and the log configuration for the Kafka release in l.
func (r *Runtime) jvmArgs(l launcher, p process, dump bool) []string {
	heap := []string{"-Xms256m", "-Xmx512m"}
	if p.id < 0 {
		heap = []string{"-Xms32m", "-Xmx256m"}
	}
	args := append(heap, devJVMFlags...)
	if l.cds != "" {
		args = append(args, cdsArgs(l.cds, p, dump)...)
	}
	args = append(args, "-Dkafkastack.service="+p.service, "-cp", filepath.Join(l.jars.Libs, "*"))
	name, _ := logConfig(l.jars.Version)
	if name == log4j2File {
		return append(args, "-Dlog4j2.configurationFile="+filepath.Join(r.dir, name))
	}
	return append(args, "-Dlog4j.configuration=file:"+filepath.Join(r.dir, name))
}

// start launches one process in the background; dump as for jvmArgs.
func (r *Runtime) start(l launcher, p process, dump bool) error {
	main := "kafka.Kafka"
	if p.id < 0 {
		main = "org.apache.zookeeper.server.quorum.QuorumPeerMain"
	}
	args := append(r.jvmArgs(l, p, dump), main, r.propsFile(p.service))
	pid, err := proc.Start(proc.Spec{
		Name: p.service, Path: l.java, Args: args, Dir: r.dir,
		PIDFile: r.pidFile(p.service), LogFile: r.logFile(p.service),
	})
	if err != nil {
		return err
	}
	r.env.Logf("started %s (PID %d, Kafka %s, log %s)", p.service, pid, l.jars.Version, datadir.Rel(r.env.Config.Root, r.logFile(p.service)))
	return nil
}

// awaitPort waits until p accepts connections on its first client port
// (ZooKeeper's client port, a broker's external port), or p dies.
func (r *Runtime) awaitPort(ctx context.Context, p process, deadline time.Time) error {
	addr := ""
	if p.id < 0 {
		addr = "127.0.0.1:" + p.props["clientPort"]
	} else if b, ok := r.env.Topology.Broker(p.id); ok {
		addr = b.External
	}
	for {
		pid, alive := proc.Alive(r.pidFile(p.service))
		if !alive {
			_ = os.Remove(r.pidFile(p.service))
			return fmt.Errorf("starting %s: the process exited; last log lines:\n%s", p.service, datadir.Tail(r.logFile(p.service), 15))
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("starting %s: PID %d not listening on %s within %s; last log lines:\n%s", p.service, pid, addr, r.env.Config.ReadyTimeout, datadir.Tail(r.logFile(p.service), 15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Down stops every broker at once (SIGTERM, SIGKILL after 30s), then
// ZooKeeper, and keeps the data. A process counts as stopped once it and
// all its threads are gone. In zk mode, a cluster whose processes all
// stopped without SIGKILL is marked so, and starts all at once next time.
// Brokers stop together, without handing their leaderships to each other
// (native brokers run with controlled.shutdown.enable=false unless the
// compose file says otherwise), since the others are stopping too; the
// last KRaft voter is not kept for a leader hand-off (see kraftstop.go). A
// stopped cluster is not an error.
func (r *Runtime) Down(ctx context.Context) error { return r.down(ctx, true) }

// down stops every process; keep says whether the data stays (down) or is
// about to be removed (clean), for the closing line. With nothing of this
// mode running while the other mode runs, it fails naming that mode.
func (r *Runtime) down(ctx context.Context, keep bool) error {
	ps, err := r.processes()
	if err != nil {
		return err
	}
	stopped, clean := 0, true
	for _, group := range [][]process{filter(ps, true), filter(ps, false)} {
		type result struct {
			killed bool
			err    error
		}
		res := make(chan result, len(group))
		voters := r.runningVoters(group)
		n := 0
		for _, p := range group {
			if _, alive := proc.Alive(r.pidFile(p.service)); !alive {
				_ = os.Remove(r.pidFile(p.service))
				continue
			}
			n++
			go func(p process) {
				killed, err := r.stop(ctx, p, voters)
				res <- result{killed, err}
			}(p)
		}
		var first error
		for i := 0; i < n; i++ {
			rs := <-res
			if rs.err != nil && first == nil {
				first = rs.err
			}
			clean = clean && !rs.killed
		}
		if first != nil {
			return first
		}
		stopped += n
	}
	if stopped == 0 {
		if err := r.refuseOtherModeRunning(r.otherMode(), "stopping"); err != nil {
			return err
		}
		r.env.Logf("native cluster (KAFKA_MODE=%s) is not running", r.mode)
		return nil
	}
	if r.mode == config.ModeZK && clean {
		_ = os.WriteFile(r.cleanStopFile(), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
	}
	if keep {
		r.env.Logf("native cluster stopped; data kept in %s", datadir.Rel(r.env.Config.Root, r.dir))
	} else {
		r.env.Logf("native cluster stopped")
	}
	return nil
}

// otherMode is the mode this runtime does not run.
func (r *Runtime) otherMode() config.Mode {
	if r.mode == config.ModeKRaft {
		return config.ModeZK
	}
	return config.ModeKRaft
}

// stop ends one process of a whole-cluster stop: SIGTERM, then SIGKILL
// after 30s, or at once when it is the last KRaft voter left and only
// its leader hand-off remains (see handOffPointless; voters are the PIDs
// of the voters stopping with it). It returns once the process has exited
// and its ports are free, and whether it needed SIGKILL after the grace.
func (r *Runtime) stop(ctx context.Context, p process, voters map[string]int) (bool, error) {
	pid, _ := proc.Alive(r.pidFile(p.service))
	killed, cut, err := proc.StopUnlessDone(ctx, r.pidFile(p.service), 30*time.Second, handOffPointless(p, pid, voters))
	if err != nil {
		return killed, fmt.Errorf("stopping %s: %w", p.service, err)
	}
	if err := proc.AwaitPortsFree(ctx, "127.0.0.1", p.ports, portsFreeWait, r.env.Logf); err != nil {
		return killed, fmt.Errorf("stopping %s: %w", p.service, err)
	}
	switch {
	case killed:
		r.env.Logf("stopped %s (PID %d) with SIGKILL after 30s", p.service, pid)
	case cut:
		r.env.Logf("stopped %s (PID %d): the last KRaft voter, its logs closed cleanly; ended without Kafka's fixed 5s wait for a leader hand-off that no voter is left to take", p.service, pid)
	default:
		r.adoptCDSArchives(p)
		r.env.Logf("stopped %s (PID %d)", p.service, pid)
	}
	return killed, nil
}

// adoptCDSArchives moves into place any class-data-sharing archive that
// p, now gone, wrote when it exited.
func (r *Runtime) adoptCDSArchives(p process) {
	parts, _ := filepath.Glob(filepath.Join(r.env.Config.CacheDir, "cds", "*", cdsRole(p)+"."+p.service+".jsa.part"))
	for _, part := range parts {
		adoptCDSArchive(filepath.Dir(part), p)
	}
}

// Clean stops the cluster and deletes the native runtime's data folder
// (both modes), and nothing outside it; the jar cache is kept.
func (r *Runtime) Clean(ctx context.Context) error {
	if err := r.down(ctx, false); err != nil {
		return err
	}
	if err := r.refuseOtherModeRunning(r.otherMode(), "cleaning"); err != nil {
		return err
	}
	if err := datadir.RemoveInside(r.env.Config.DataDir, r.root); err != nil {
		return fmt.Errorf("cleaning native cluster: %w", err)
	}
	r.env.Logf("native cluster data removed (%s); jars kept in %s", datadir.Rel(r.env.Config.Root, r.root), datadir.Rel(r.env.Config.Root, filepath.Join(r.env.Config.CacheDir, "kafka")))
	return nil
}

// refuseOtherModeRunning fails when processes of the other mode still run,
// since their data is in the folder clean deletes.
func (r *Runtime) refuseOtherModeRunning(other config.Mode, verb string) error {
	pids, _ := filepath.Glob(filepath.Join(r.root, string(other), "*.pid"))
	for _, f := range pids {
		if pid, alive := proc.Alive(f); alive {
			return fmt.Errorf("%s native cluster: the KAFKA_MODE=%s cluster is not running, but the KAFKA_MODE=%s one is (%s, PID %d); stop it with KAFKA_MODE=%s go run magefile.go down",
				verb, r.mode, other, strings.TrimSuffix(filepath.Base(f), ".pid"), pid, other)
		}
	}
	return nil
}

// Logs writes one service's log (or every log, each line prefixed by its
// service); with follow it keeps writing until ctx ends.
func (r *Runtime) Logs(ctx context.Context, w io.Writer, service string, follow bool) error {
	ps, err := r.processes()
	if err != nil {
		return err
	}
	var names []string
	for _, p := range ps {
		if service == "" || p.service == service {
			names = append(names, p.service)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("no service %q in the native runtime", service)
	}
	if len(names) == 1 {
		return datadir.CopyLog(ctx, w, r.logFile(names[0]), follow)
	}
	for _, n := range names {
		fmt.Fprintf(w, "==> %s <==\n", r.logFile(n))
		if err := datadir.CopyLog(ctx, w, r.logFile(n), false); err != nil {
			fmt.Fprintln(w, err)
		}
	}
	if follow {
		return errors.New("following every log at once is not supported; set KAFKA_SERVICE (e.g. kafka1)")
	}
	return nil
}

// Services lists each process with its state and PID.
func (r *Runtime) Services(ctx context.Context) ([]cluster.ServiceState, error) {
	ps, err := r.processes()
	if err != nil {
		return nil, err
	}
	version := r.version
	if r.env.Config.KafkaHome != "" {
		if j, err := Libs(ctx, r.env.Config, r.mode, r.version, nil); err == nil {
			version = j.Version
		}
	}
	var out []cluster.ServiceState
	for _, p := range ps {
		st := cluster.ServiceState{Service: p.service, State: "stopped"}
		if pid, alive := proc.Alive(r.pidFile(p.service)); alive {
			st.State, st.PID = "running", pid
		}
		st.Detail = fmt.Sprintf("Kafka %s, %s", version, datadir.Rel(r.env.Config.Root, r.logFile(p.service)))
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out, nil
}

// broker returns the process of broker id. It fails when the topology has
// no such broker.
func (r *Runtime) broker(id int32) (process, error) {
	ps, err := r.processes()
	if err != nil {
		return process{}, err
	}
	for _, p := range ps {
		if p.id == id && id >= 0 {
			return p, nil
		}
	}
	return process{}, fmt.Errorf("no broker %d in the topology", id)
}

// KillBroker stops broker id with SIGKILL, as a crash would, and returns
// once the process is reaped and its ports are free. It fails when the
// broker is not running.
func (r *Runtime) KillBroker(ctx context.Context, id int32) error {
	p, err := r.broker(id)
	if err != nil {
		return err
	}
	pid, alive := proc.Alive(r.pidFile(p.service))
	if !alive {
		return fmt.Errorf("broker %d (%s) is not running", id, p.service)
	}
	if err := proc.Kill(pid); err != nil {
		return err
	}
	if !proc.WaitExit(ctx, pid, 10*time.Second) {
		return fmt.Errorf("killing broker %d: PID %d still alive", id, pid)
	}
	if err := proc.AwaitPortsFree(ctx, "127.0.0.1", p.ports, portsFreeWait, r.env.Logf); err != nil {
		return fmt.Errorf("killing broker %d: %w", id, err)
	}
	_ = os.Remove(r.pidFile(p.service))
	r.env.Logf("killed broker %d (%s, PID %d)", id, p.service, pid)
	return nil
}

// StartBroker starts broker id again with its settings and returns once it
// listens. In zk mode it first waits until ZooKeeper has dropped the
// registration of the broker's previous run (a killed broker keeps it until
// its session expires). It fails when the broker is already running, and
// with the last log lines when it exits while starting.
func (r *Runtime) StartBroker(ctx context.Context, id int32) error {
	p, err := r.broker(id)
	if err != nil {
		return err
	}
	if pid, alive := proc.Alive(r.pidFile(p.service)); alive {
		return fmt.Errorf("broker %d (%s) is already running as PID %d", id, p.service, pid)
	}
	if err := proc.AwaitPortsFree(ctx, "127.0.0.1", p.ports, portsFreeWait, r.env.Logf); err != nil {
		return fmt.Errorf("starting %s: %w", p.service, err)
	}
	l, err := r.launcher(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(r.env.Config.ReadyTimeout)
	if r.mode == config.ModeZK {
		if err := r.awaitRegistrationsGone(ctx, []process{p}, deadline); err != nil {
			return err
		}
	}
	if err := r.start(l, p, false); err != nil {
		return err
	}
	return r.awaitPort(ctx, p, deadline)
}
