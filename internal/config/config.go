// Package config reads every kafkastack setting from the environment, in one
// place, with the defaults documented in the README's configuration table.
package config

import (
	"errors"
	"fmt"
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
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_RUNTIME"))); v != "" {
		c.Runtime = Runtime(v)
		if !validRuntime(c.Runtime) {
			return nil, fmt.Errorf("KAFKA_RUNTIME=%q is not a runtime; use one of auto, embedded, compose, native, external", v)
		}
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_MODE"))); v != "" {
		c.Mode = Mode(v)
		if c.Mode != ModeZK && c.Mode != ModeKRaft {
			return nil, fmt.Errorf("KAFKA_MODE=%q is not a mode; use zk or kraft", v)
		}
	}
	if v := strings.TrimSpace(getenv("KAFKA_BROKERS")); v != "" {
		c.Brokers, err = ParseBrokers(v)
		if err != nil {
			return nil, fmt.Errorf("KAFKA_BROKERS: %w", err)
		}
		c.BrokersSet = true
	}
	if v := strings.TrimSpace(getenv("KAFKA_READY_TIMEOUT")); v != "" {
		d, err := parseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("KAFKA_READY_TIMEOUT=%q is not a positive duration (e.g. 90s, 2m)", v)
		}
		c.ReadyTimeout = d
	}
	if v := strings.TrimSpace(getenv("KAFKA_PARTITIONS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return nil, fmt.Errorf("KAFKA_PARTITIONS=%q must be a whole number of at least 1", v)
		}
		c.Partitions = int32(n)
	}
	if v := strings.TrimSpace(getenv("KAFKA_REPLICATION_FACTOR")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 32767 {
			return nil, fmt.Errorf("KAFKA_REPLICATION_FACTOR=%q must be a whole number of at least 1", v)
		}
		c.ReplicationFactor = int16(n)
	}
	if v := strings.TrimSpace(getenv("KAFKA_MIN_INSYNC_REPLICAS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("KAFKA_MIN_INSYNC_REPLICAS=%q must be a whole number of at least 1", v)
		}
		c.MinInsyncReplicas = n
	}
	if v := strings.TrimSpace(getenv("KAFKA_TOPIC")); v != "" {
		c.Topic, c.TopicSet = v, true
	}
	if v := strings.TrimSpace(getenv("KAFKA_RECORDS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("KAFKA_RECORDS=%q must be a whole number of at least 1", v)
		}
		c.Records = n
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_OUTPUT"))); v != "" {
		if v != "table" && v != "json" {
			return nil, fmt.Errorf("KAFKA_OUTPUT=%q is not an output; use table or json", v)
		}
		c.Output = v
	}
	// Unset, the default of 2 is lowered per topic to what its replication
	// factor can meet; set explicitly above it, it is refused.
	if strings.TrimSpace(getenv("KAFKA_MIN_INSYNC_REPLICAS")) != "" && c.MinInsyncReplicas > int(c.ReplicationFactor) {
		return nil, fmt.Errorf("KAFKA_MIN_INSYNC_REPLICAS=%d is above KAFKA_REPLICATION_FACTOR=%d: no acks=all write could ever be acknowledged", c.MinInsyncReplicas, c.ReplicationFactor)
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_YES"))); v != "" {
		switch v {
		case "1", "true", "yes":
			c.Yes = true
		case "0", "false", "no":
		default:
			return nil, fmt.Errorf("KAFKA_YES=%q is not a yes or no; use 1 or 0", v)
		}
	}
	c.RecordsSet = strings.TrimSpace(getenv("KAFKA_RECORDS")) != ""
	if v := strings.ToLower(strings.TrimSpace(getenv("KAFKA_UI"))); v != "" {
		switch v {
		case "on", "1", "true", "yes":
			c.UI = true
		case "off", "0", "false", "no":
			c.UI = false
		default:
			return nil, fmt.Errorf("KAFKA_UI=%q is not a switch; use on or off", v)
		}
	}
	c.KafkaHome = strings.TrimSpace(getenv("KAFKA_HOME"))
	if c.Clients, err = ClientsFromEnv(getenv); err != nil {
		return nil, err
	}
	if c.External, err = externalFromEnv(getenv); err != nil {
		return nil, err
	}
	c.DataDir = filepath.Join(c.Root, ".data")
	c.CacheDir = filepath.Join(c.Root, ".cache")
	c.ComposeDir = filepath.Join(c.Root, "compose")
	return c, nil
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

func validRuntime(r Runtime) bool {
	for _, x := range Runtimes {
		if x == r {
			return true
		}
	}
	return false
}

// parseDuration accepts Go durations and bare seconds.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(v)
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
