// Package config reads every kafkastack setting from the environment, in one
// place, with the defaults documented in the README's configuration table.
package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Runtime names where the cluster runs.
type Runtime string

// The runtimes. Auto picks compose when a Docker engine answers, else embedded.
const (
	RuntimeAuto     Runtime = "auto"
	RuntimeEmbedded Runtime = "embedded"
	RuntimeCompose  Runtime = "compose"
	RuntimeNative   Runtime = "native"
	RuntimeExternal Runtime = "external"
)

// Runtimes lists every accepted KAFKA_RUNTIME value.
var Runtimes = []Runtime{RuntimeAuto, RuntimeEmbedded, RuntimeCompose, RuntimeNative, RuntimeExternal}

// Mode names how the brokers coordinate: with ZooKeeper or with KRaft.
type Mode string

// The modes.
const (
	ModeZK    Mode = "zk"
	ModeKRaft Mode = "kraft"
)

// Config is every setting kafkastack reads from the environment.
type Config struct {
	// Root is the repository's root folder; every path below is inside it.
	Root string
	// Runtime is KAFKA_RUNTIME as given (auto is resolved later).
	Runtime Runtime
	// Mode is KAFKA_MODE.
	Mode Mode
	// Brokers is the bootstrap list. Empty means "from the topology".
	Brokers []string
	// BrokersSet reports whether KAFKA_BROKERS was set explicitly.
	BrokersSet bool
	// ReadyTimeout bounds wait, and every step that waits for the cluster.
	ReadyTimeout time.Duration
	// Partitions, ReplicationFactor and MinInsyncReplicas are topic defaults.
	Partitions        int32
	ReplicationFactor int16
	MinInsyncReplicas int
	// Topic is the topic e2e and the clients use; TopicSet reports whether
	// KAFKA_TOPIC named it.
	Topic    string
	TopicSet bool
	// Records is how many records e2e produces; RecordsSet reports
	// whether KAFKA_RECORDS set it (the fault runs default to more).
	Records    int
	RecordsSet bool
	// Yes is KAFKA_YES=1: answer yes to the questions a target asks
	// before it deletes data it did not create (for CI and scripts).
	Yes bool
	// DataDir is the repo's own data folder: clean deletes only inside it.
	DataDir string
	// CacheDir holds downloads (the Kafka jars); clean keeps it.
	CacheDir string
	// ComposeDir holds the compose files, the topology's single source.
	ComposeDir string
	// KafkaHome is KAFKA_HOME: an Apache Kafka distribution whose libs/ the
	// native runtime uses instead of fetching the jars. Empty means fetch.
	KafkaHome string
	// Output is "table" or "json".
	Output string
	// Clients are the record targets' and standalone clients' settings.
	Clients Clients
	// UI is KAFKA_UI: whether up starts the web console on the native and
	// embedded runtimes.
	UI bool
	// External holds the connection settings (TLS, SASL) of the external
	// runtime; see external.go.
	External External
	// Bench is the bench's settings; see bench.go.
	Bench Bench
	// BindAddress is KAFKA_BIND_ADDRESS: the host address the compose
	// runtime publishes its ports on. Empty means the compose file's
	// (compose/.env, 127.0.0.1).
	BindAddress string
}

// Defaults for the settings.
const (
	DefaultReadyTimeout      = 120 * time.Second
	DefaultPartitions        = 3
	DefaultReplicationFactor = 3
	DefaultMinInsyncReplicas = 2
	DefaultTopic             = "my-topic-three"
	DefaultRecords           = 1000
)

// Load reads the configuration from the process environment. It fails with
// an error naming the variable when a value is not valid.
func Load() (*Config, error) { return FromEnv(os.Getenv) }

// FromEnv reads the configuration through getenv. It fails with an error
// naming the variable when a value is not valid, and when the repository
// root cannot be found.
func FromEnv(getenv func(string) string) (*Config, error) {
	c := &Config{
		Runtime:           RuntimeAuto,
		Mode:              ModeZK,
		ReadyTimeout:      DefaultReadyTimeout,
		Partitions:        DefaultPartitions,
		ReplicationFactor: DefaultReplicationFactor,
		MinInsyncReplicas: DefaultMinInsyncReplicas,
		Topic:             DefaultTopic,
		Records:           DefaultRecords,
		Output:            "table",
		UI:                true,
	}
	var err error
	if c.Root, err = findRoot(getenv("KAFKASTACK_ROOT")); err != nil {
		return nil, err
	}
	r := &reader{getenv: getenv}
	c.readCluster(r)
	c.readTopics(r)
	c.readSwitches(r)
	if !r.ok() {
		return nil, r.err
	}
	c.KafkaHome = strings.TrimSpace(getenv("KAFKA_HOME"))
	if c.Clients, err = ClientsFromEnv(getenv); err != nil {
		return nil, err
	}
	if c.External, err = externalFromEnv(getenv); err != nil {
		return nil, err
	}
	if c.Bench, err = BenchFromEnv(getenv); err != nil {
		return nil, err
	}
	c.DataDir = filepath.Join(c.Root, ".data")
	c.CacheDir = filepath.Join(c.Root, ".cache")
	c.ComposeDir = filepath.Join(c.Root, "compose")
	return c, nil
}

// readCluster reads where and how the cluster runs: KAFKA_RUNTIME,
// KAFKA_MODE, KAFKA_BROKERS, KAFKA_READY_TIMEOUT and KAFKA_BIND_ADDRESS.
func (c *Config) readCluster(r *reader) {
	runtimes := make([]string, len(Runtimes))
	for i, x := range Runtimes {
		runtimes[i] = string(x)
	}
	if v, ok := r.oneOf("KAFKA_RUNTIME", runtimes, "a runtime; use one of auto, embedded, compose, native, external"); ok {
		c.Runtime = Runtime(v)
	}
	if v, ok := r.oneOf("KAFKA_MODE", []string{string(ModeZK), string(ModeKRaft)}, "a mode; use zk or kraft"); ok {
		c.Mode = Mode(v)
	}
	if v := r.str("KAFKA_BROKERS"); v != "" {
		b, err := ParseBrokers(v)
		if err != nil {
			r.fail("KAFKA_BROKERS: %w", err)
		}
		c.Brokers, c.BrokersSet = b, err == nil
	}
	if d, ok := r.duration("KAFKA_READY_TIMEOUT", false, "90s, 2m"); ok {
		c.ReadyTimeout = d
	}
	if v := r.str("KAFKA_BIND_ADDRESS"); v != "" {
		if net.ParseIP(v) == nil {
			r.fail("KAFKA_BIND_ADDRESS=%q is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)", v)
		}
		c.BindAddress = v
	}
}

// readTopics reads the topic defaults and the records of a run:
// KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS,
// KAFKA_TOPIC and KAFKA_RECORDS.
func (c *Config) readTopics(r *reader) {
	if n, ok := r.atLeast("KAFKA_PARTITIONS", 1, 100000); ok {
		c.Partitions = int32(n)
	}
	if n, ok := r.atLeast("KAFKA_REPLICATION_FACTOR", 1, 32767); ok {
		c.ReplicationFactor = int16(n)
	}
	minISRSet := false
	if n, ok := r.atLeast("KAFKA_MIN_INSYNC_REPLICAS", 1, math.MaxInt); ok {
		c.MinInsyncReplicas, minISRSet = int(n), true
	}
	if v := r.str("KAFKA_TOPIC"); v != "" {
		c.Topic, c.TopicSet = v, true
	}
	if n, ok := r.atLeast("KAFKA_RECORDS", 1, math.MaxInt); ok {
		c.Records, c.RecordsSet = int(n), true
	}
	// Unset, the default of 2 is lowered per topic to what its replication
	// factor can meet; set explicitly above it, it is refused.
	if minISRSet && c.MinInsyncReplicas > int(c.ReplicationFactor) {
		r.fail("KAFKA_MIN_INSYNC_REPLICAS=%d is above KAFKA_REPLICATION_FACTOR=%d: no acks=all write could ever be acknowledged", c.MinInsyncReplicas, c.ReplicationFactor)
	}
}

// readSwitches reads KAFKA_OUTPUT, KAFKA_YES and KAFKA_UI.
func (c *Config) readSwitches(r *reader) {
	if v, ok := r.oneOf("KAFKA_OUTPUT", []string{"table", "json"}, "an output; use table or json"); ok {
		c.Output = v
	}
	switch v := r.lower("KAFKA_YES"); v {
	case "":
	case "1", "true", "yes":
		c.Yes = true
	case "0", "false", "no":
	default:
		r.fail("KAFKA_YES=%q is not a yes or no; use 1 or 0", v)
	}
	if on, ok := r.onOff("KAFKA_UI"); ok {
		c.UI = on
	}
}

// ComposeFile is the compose file that holds the topology for the mode.
func (c *Config) ComposeFile() string {
	if c.Mode == ModeKRaft {
		return filepath.Join(c.ComposeDir, "docker-compose.kraft.yml")
	}
	return filepath.Join(c.ComposeDir, "docker-compose.yml")
}

// RuntimeDataDir is the data folder of one runtime, inside DataDir.
func (c *Config) RuntimeDataDir(r Runtime) string { return filepath.Join(c.DataDir, string(r)) }

// SeedBrokers is the topology's default bootstrap list, for the standalone
// clients that run without loading the compose file.
var SeedBrokers = []string{"127.0.0.1:9091", "127.0.0.1:9092", "127.0.0.1:9093"}

// ParseBrokers splits a comma-separated host:port list. It fails on an empty
// entry or one without a numeric port.
func ParseBrokers(s string) ([]string, error) {
	var out []string
	for _, b := range strings.Split(s, ",") {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		i := strings.LastIndex(b, ":")
		if i <= 0 || i == len(b)-1 {
			return nil, fmt.Errorf("%q is not host:port", b)
		}
		p, err := strconv.Atoi(b[i+1:])
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("%q has no valid port", b)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("no broker given")
	}
	return out, nil
}

// findRoot returns the folder holding kafkastack's go.mod: the given one, or
// the nearest one above the working directory.
func findRoot(given string) (string, error) {
	if given != "" {
		abs, err := filepath.Abs(given)
		if err != nil {
			return "", fmt.Errorf("KAFKASTACK_ROOT: %w", err)
		}
		if !isRoot(abs) {
			return "", fmt.Errorf("KAFKASTACK_ROOT=%s holds no kafkastack go.mod", given)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the working directory: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if isRoot(d) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no kafkastack checkout above %s; run from the repository or set KAFKASTACK_ROOT", wd)
		}
	}
}

func isRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "module kafkastack" {
			return true
		}
	}
	return false
}
