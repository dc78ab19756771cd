//go:build ignore
// +build ignore

package main

import (
	_context "context"
	_flag "flag"
	_fmt "fmt"
	_io "io"
	_log "log"
	_os "os"
	_signal "os/signal"
	_filepath "path/filepath"
	_sort "sort"
	_strconv "strconv"
	_strings "strings"
	_syscall "syscall"
	_tabwriter "text/tabwriter"
	_time "time"
	
)

func main() {
	// Use local types and functions in order to avoid name conflicts with additional magefiles.
	type arguments struct {
		Verbose       bool          // print out log statements
		List          bool          // print out a list of targets
		Help          bool          // print out help for a specific target
		Timeout       _time.Duration // set a timeout to running the targets
		Args          []string      // args contain the non-flag command-line arguments
	}

	parseBool := func(env string) bool {
		val := _os.Getenv(env)
		if val == "" {
			return false
		}		
		b, err := _strconv.ParseBool(val)
		if err != nil {
			_log.Printf("warning: environment variable %s is not a valid bool value: %v", env, val)
			return false
		}
		return b
	}

	parseDuration := func(env string) _time.Duration {
		val := _os.Getenv(env)
		if val == "" {
			return 0
		}		
		d, err := _time.ParseDuration(val)
		if err != nil {
			_log.Printf("warning: environment variable %s is not a valid duration value: %v", env, val)
			return 0
		}
		return d
	}
	args := arguments{}
	fs := _flag.FlagSet{}
	fs.SetOutput(_os.Stdout)

	// default flag set with ExitOnError and auto generated PrintDefaults should be sufficient
	fs.BoolVar(&args.Verbose, "v", parseBool("MAGEFILE_VERBOSE"), "show verbose output when running targets")
	fs.BoolVar(&args.List, "l", parseBool("MAGEFILE_LIST"), "list targets for this binary")
	fs.BoolVar(&args.Help, "h", parseBool("MAGEFILE_HELP"), "print out help for a specific target")
	fs.DurationVar(&args.Timeout, "t", parseDuration("MAGEFILE_TIMEOUT"), "timeout in duration parsable format (e.g. 5m30s)")
	fs.Usage = func() {
		_fmt.Fprintf(_os.Stdout, `
%s [options] [target]

Commands:
  -l    list targets in this binary
  -h    show this help

Options:
  -h    show description of a target
  -t <string>
        timeout in duration parsable format (e.g. 5m30s)
  -v    show verbose output when running targets
 `[1:], _filepath.Base(_os.Args[0]))
	}
	if err := fs.Parse(_os.Args[1:]); err != nil {
		// flag will have printed out an error already.
		return
	}
	args.Args = fs.Args()
	if args.Help && len(args.Args) == 0 {
		fs.Usage()
		return
	}
		
	var printName = func(str string) string {
	// color is ANSI color type
	type color int

	// If you add/change/remove any items in this constant,
	// you will need to run "stringer -type=color" in this directory again.
	// NOTE: Please keep the list in an alphabetical order.
	const (
		black color = iota
		red
		green
		yellow
		blue
		magenta
		cyan
		white
		brightblack
		brightred
		brightgreen
		brightyellow
		brightblue
		brightmagenta
		brightcyan
		brightwhite
	)

	// AnsiColor are ANSI color codes for supported terminal colors.
	var ansiColor = map[color]string{
		black:         "\u001b[30m",
		red:           "\u001b[31m",
		green:         "\u001b[32m",
		yellow:        "\u001b[33m",
		blue:          "\u001b[34m",
		magenta:       "\u001b[35m",
		cyan:          "\u001b[36m",
		white:         "\u001b[37m",
		brightblack:   "\u001b[30;1m",
		brightred:     "\u001b[31;1m",
		brightgreen:   "\u001b[32;1m",
		brightyellow:  "\u001b[33;1m",
		brightblue:    "\u001b[34;1m",
		brightmagenta: "\u001b[35;1m",
		brightcyan:    "\u001b[36;1m",
		brightwhite:   "\u001b[37;1m",
	}

	const colorName = "blackredgreenyellowbluemagentacyanwhitebrightblackbrightredbrightgreenbrightyellowbrightbluebrightmagentabrightcyanbrightwhite"

	var colorIndex = [...]uint8{0, 5, 8, 13, 19, 23, 30, 34, 39, 50, 59, 70, 82, 92, 105, 115, 126}

	colorToLowerString := func(i color) string {
		if i < 0 || i >= color(len(colorIndex)-1) {
			return "color(" + _strconv.FormatInt(int64(i), 10) + ")"
		}
		return colorName[colorIndex[i]:colorIndex[i+1]]
	}

	// ansiColorReset is an ANSI color code to reset the terminal color.
	const ansiColorReset = "\033[0m"

	// defaultTargetAnsiColor is a default ANSI color for colorizing targets.
	// It is set to Cyan as an arbitrary color, because it has a neutral meaning
	var defaultTargetAnsiColor = ansiColor[cyan]

	getAnsiColor := func(color string) (string, bool) {
		colorLower := _strings.ToLower(color)
		for k, v := range ansiColor {
			colorConstLower := colorToLowerString(k)
			if colorConstLower == colorLower {
				return v, true
			}
		}
		return "", false
	}

	// Terminals which  don't support color:
	//
	//	TERM=vt100
	//	TERM=cygwin
	//	TERM=xterm-mono
	var noColorTerms = map[string]bool{
		"vt100":      false,
		"cygwin":     false,
		"xterm-mono": false,
	}

	// terminalSupportsColor checks if the current console supports color output
	//
	// Supported:
	//
	//	linux, mac, or windows's ConEmu, Cmder, putty, git-bash.exe, pwsh.exe
	//
	// Not supported:
	//
	//	windows cmd.exe, powerShell.exe
	terminalSupportsColor := func() bool {
		envTerm := _os.Getenv("TERM")
		if _, ok := noColorTerms[envTerm]; ok {
			return false
		}
		return true
	}

	// enableColor reports whether the user has requested to enable a color output.
	enableColor := func() bool {
		b, _ := _strconv.ParseBool(_os.Getenv("MAGEFILE_ENABLE_COLOR"))
		return b
	}

	// targetColor returns the ANSI color which should be used to colorize targets.
	targetColor := func() string {
		s, exists := _os.LookupEnv("MAGEFILE_TARGET_COLOR")
		if exists {
			if c, ok := getAnsiColor(s); ok {
				return c
			}
		}
		return defaultTargetAnsiColor
	}

	// store the color terminal variables, so that the detection isn't repeated for each target
	var enableColorValue = enableColor() && terminalSupportsColor()
	var targetColorValue = targetColor()

	if enableColorValue {
		return _fmt.Sprintf("%s%s%s", targetColorValue, str, ansiColorReset)
	}

	return str
}


	list := func() error {
		
		targets := map[string]string{
			"bench": "measures our producer and consumer side by side with Kafka's perf tools and kcat.",
			"clean": "stops the cluster and deletes its data (only the repo's .data folder).",
			"consume": "prints a topic's records from the beginning, like the tutorial's consumer.",
			"down": "stops the cluster and keeps its data.",
			"e2e:failover": "kills brokers under a continuous acks=all producer and proves no acknowledged record is lost.",
			"e2e:partition": "cuts a partition leader off the network under a continuous acks=all producer and proves no acknowledged record is lost.",
			"e2e:pause": "freezes a partition leader under a continuous acks=all producer and proves no acknowledged record is lost.",
			"e2e:persistence": "proves records and committed offsets survive down and up, and that clean removes them.",
			"e2e:run": "(alias e2e) chains up, wait, topic, produce, consume and a check of every record.",
			"logs": "prints the runtime's logs.",
			"produce": "sends records to a topic: one per line of stdin, or KAFKA_VALUE.",
			"status": "shows brokers, controller, topics, ISR health, group lag and services.",
			"topics:create": "creates a topic (replication factor 3) and waits until it is healthy.",
			"topics:createWith": "creates a topic with the given partitions and replication factor.",
			"topics:delete": "deletes a topic.",
			"topics:describe": "shows one topic's partitions, leaders, replicas, ISR and configs.",
			"topics:list": "lists the topics with partitions, replication factor and ISR health.",
			"up": "starts the cluster and returns only when it is ready.",
			"wait": "blocks until the cluster is ready, printing each change of state.",
		}

		keys := make([]string, 0, len(targets))
		for name := range targets {
			keys = append(keys, name)
		}
		_sort.Strings(keys)

		_fmt.Println("Targets:")
		w := _tabwriter.NewWriter(_os.Stdout, 0, 4, 4, ' ', 0)
		for _, name := range keys {
			_fmt.Fprintf(w, "  %v\t%v\n", printName(name), targets[name])
		}
		err := w.Flush()
		return err
	}

	var ctx _context.Context
	ctxCancel := func(){}

	// by deferring in a closure, we let the cancel function get replaced
	// by the getContext function.
	defer func() {
		ctxCancel()
	}()

	getContext := func() (_context.Context, func()) {
		if ctx == nil {
			if args.Timeout != 0 {
				ctx, ctxCancel = _context.WithTimeout(_context.Background(), args.Timeout)
			} else {
				ctx, ctxCancel = _context.WithCancel(_context.Background())
			}
		}

		return ctx, ctxCancel
	}

	runTarget := func(logger *_log.Logger, fn func(_context.Context) error) interface{} {
		var err interface{}
		ctx, cancel := getContext()
		d := make(chan interface{})
		go func() {
			defer func() {
				err := recover()
				d <- err
			}()
			err := fn(ctx)
			d <- err
		}()
		sigCh := make(chan _os.Signal, 1)
		_signal.Notify(sigCh, _syscall.SIGINT)
		select {
		case <-sigCh:
			logger.Println("cancelling mage targets, waiting up to 5 seconds for cleanup...")
			cancel()
			cleanupCh := _time.After(5 * _time.Second)

			select {
			// target exited by itself
			case err = <-d:
				return err
			// cleanup timeout exceeded
			case <-cleanupCh:
				return _fmt.Errorf("cleanup timeout exceeded")
			// second SIGINT received
			case <-sigCh:
				logger.Println("exiting mage")
				return _fmt.Errorf("exit forced")
			}
		case <-ctx.Done():
			cancel()
			e := ctx.Err()
			_fmt.Printf("ctx err: %v\n", e)
			return e
		case err = <-d:
			// we intentionally don't cancel the context here, because
			// the next target will need to run with the same _context.
			return err
		}
	}
	// This is necessary in case there aren't any targets, to avoid an unused
	// variable error.
	_ = runTarget

	handleError := func(logger *_log.Logger, err interface{}) {
		if err != nil {
			logger.Printf("Error: %+v\n", err)
			type code interface {
				ExitStatus() int
			}
			if c, ok := err.(code); ok {
				_os.Exit(c.ExitStatus())
			}
			_os.Exit(1)
		}
	}
	_ = handleError

	// Set MAGEFILE_VERBOSE so mg.Verbose() reflects the flag value.
	if args.Verbose {
		_os.Setenv("MAGEFILE_VERBOSE", "1")
	} else {
		_os.Setenv("MAGEFILE_VERBOSE", "0")
	}

	_log.SetFlags(0)
	if !args.Verbose {
		_log.SetOutput(_io.Discard)
	}
	logger := _log.New(_os.Stderr, "", 0)
	if args.List {
		if err := list(); err != nil {
			_log.Println(err)
			_os.Exit(1)
		}
		return
	}

	if args.Help {
		if len(args.Args) < 1 {
			logger.Println("no target specified")
			_os.Exit(2)
		}
		switch _strings.ToLower(args.Args[0]) {
			case "bench":
				_fmt.Println("Bench measures our producer and consumer side by side with Kafka's perf tools and kcat.  It brings the cluster up, then runs the same workload for each participant on a fresh topic of the same shape (our franz-go client, Apache Kafka's ProducerPerformance/ConsumerPerformance when the Kafka jars are there, kcat when it is installed; an absent peer is reported with the reason), prints records/s, MB/s and produce latencies, the ratios ours ÷ peer, the machine, and the readiness overhead: how long after the cluster is truly ready the wait returns (this stops and starts the cluster; not on the external runtime).  Env: KAFKA_BENCH_RECORDS (default 1000000), KAFKA_BENCH_RECORD_SIZE (bytes, default 100), KAFKA_BENCH_WARMUP (records our client produces and reads untimed first; default the record count, at most 1000000), KAFKA_PARTITIONS (default 3; replication factor is min(KAFKA_REPLICATION_FACTOR, brokers)), KAFKA_BENCH_PEERS (all, none, or kafka-perf,kcat), KAFKA_BENCH_READINESS (on|off, default on), KAFKA_BENCH_TIMEOUT (per produce or consume, default 5m), KAFKA_HOME (a Kafka distribution whose libs/ to use instead of .cache), our producer's KAFKA_BENCH_LINGER (default 10ms), KAFKA_BENCH_BATCH_MAX_BYTES (default 1000000) and KAFKA_BENCH_MAX_BUFFERED_RECORDS (default 200000), and KAFKA_OUTPUT=json for the report as JSON.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage bench\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "clean":
				_fmt.Println("Clean stops the cluster and deletes its data (only the repo's .data folder).  The downloaded Kafka jars in .cache are kept. Running it twice is fine.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage clean\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "consume":
				_fmt.Println("Consume prints a topic's records from the beginning, like the tutorial's consumer.  It stops after KAFKA_MAX_RECORDS records (default 100) or when no record came for KAFKA_CONSUME_TIMEOUT (default 5s).")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage consume <topic>\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "down":
				_fmt.Println("Down stops the cluster and keeps its data.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage down\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "e2e:failover":
				_fmt.Println("Failover kills brokers under a continuous acks=all producer and proves no acknowledged record is lost.  On a run-unique topic (RF 3, min.insync.replicas 2) an idempotent producer streams KAFKA_RECORDS records (default 3000) while one broker (a partition leader, not the controller when possible) is killed and restarted; then two brokers are killed and writes must be refused. It prints sent, acknowledged, read back, lost, duplicated, out of order per partition, the longest stretch without an acknowledgement and the time until the ISR was full again, and fails naming the assertion. Brokers are restarted and the topic deleted even on failure. Needs a runtime that can stop one broker (native, compose, embedded); embedded is a simulation and only reports the two-down refusal.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage e2e:failover\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "e2e:partition":
				_fmt.Println("Partition cuts a partition leader off the network under a continuous acks=all producer and proves no acknowledged record is lost.  Like e2e:pause, but the broker keeps running while it is disconnected from the compose network (docker network disconnect), then reconnected. It needs the compose runtime; the others refuse with one line.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage e2e:partition\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "e2e:pause":
				_fmt.Println("Pause freezes a partition leader under a continuous acks=all producer and proves no acknowledged record is lost.  On a run-unique topic (RF 3, min.insync.replicas 2) an idempotent producer streams KAFKA_RECORDS records (default 3000) while the leader of a partition is frozen (native: SIGSTOP, compose: docker pause) until the cluster has moved its partitions and writes flow again, then let go (SIGCONT, docker unpause): it comes back as a stale leader and must catch up. It prints the same tables as e2e:failover, how long until the cluster noticed, until writes flowed again and until the ISR was full, and fails naming the assertion. The broker is let go and the topic deleted even on failure. Refused with one line on runtimes that cannot freeze a broker (embedded, external).")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage e2e:pause\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "e2e:persistence":
				_fmt.Println("Persistence proves records and committed offsets survive down and up, and that clean removes them.  It produces KAFKA_RECORDS records (default 1000) to a run-unique topic, commits a consumer group halfway, runs down and up, reads every record back and compares the group's offsets, then runs clean and up and checks the topic and group are gone. It deletes the cluster's data: it leaves the cluster up and empty, as after 'mage clean && mage up'. When the cluster holds other topics it asks first (on a terminal), and refuses without an answer; KAFKA_YES=1 skips the question (CI).")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage e2e:persistence\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "e2e:run":
				_fmt.Println("Run (alias e2e) chains up, wait, topic, produce, consume and a check of every record.  It produces KAFKA_RECORDS records (default 1000) with acks=all and an idempotent producer to KAFKA_TOPIC (default my-topic-three, RF 3, min.insync.replicas 2), reads them back with a fresh group from where this run started, and fails naming the assertion if any record of this run is lost, duplicated, out of order within its partition, or damaged.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage e2e:run\n\n")
				var aliases []string
				aliases = append(aliases, "e2e")
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "logs":
				_fmt.Println("Logs prints the runtime's logs.  Env: KAFKA_SERVICE (e.g. kafka1; default all), KAFKA_FOLLOW=1 to follow.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage logs\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "produce":
				_fmt.Println("Produce sends records to a topic: one per line of stdin, or KAFKA_VALUE.  Example: printf 'a\\nb\\n' | mage produce my-topic-three With a terminal on stdin and no KAFKA_VALUE it sends \"Hello World!\".")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage produce <topic>\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "status":
				_fmt.Println("Status shows brokers, controller, topics, ISR health, group lag and services.  Env: KAFKA_OUTPUT=json for a machine-readable form.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage status\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "topics:create":
				_fmt.Println("Create creates a topic (replication factor 3) and waits until it is healthy.  Example: mage topics:create my-topic-three Env: KAFKA_PARTITIONS (default 3), KAFKA_REPLICATION_FACTOR (default 3), KAFKA_MIN_INSYNC_REPLICAS (default 2), KAFKA_TOPIC_CONFIGS (k=v,k=v). An existing topic of the same shape \"exists\"; another shape is an error.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage topics:create <name>\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "topics:createwith":
				_fmt.Println("CreateWith creates a topic with the given partitions and replication factor.  Example: mage topics:createWith my-topic 6 3")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage topics:createwith <name> <partitions> <replicationFactor>\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "topics:delete":
				_fmt.Println("Delete deletes a topic.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage topics:delete <name>\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "topics:describe":
				_fmt.Println("Describe shows one topic's partitions, leaders, replicas, ISR and configs.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage topics:describe <name>\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "topics:list":
				_fmt.Println("List lists the topics with partitions, replication factor and ISR health.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage topics:list\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "up":
				_fmt.Println("Up starts the cluster and returns only when it is ready.  Ready means every broker of compose/docker-compose.yml is in the metadata, a controller is elected and a group coordinator answers. Running it on a running cluster says \"already running\".  Endpoints: brokers on 127.0.0.1:9091, 9092 and 9093 (every runtime); with compose also ZooKeeper on 127.0.0.1:2181 (zk mode) and Kafdrop at http://127.0.0.1:9000. Ports are published on 127.0.0.1 only.  Env: KAFKA_RUNTIME (auto|embedded|compose|native|external), KAFKA_MODE (zk|kraft), KAFKA_READY_TIMEOUT (default 120s).")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage up\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "wait":
				_fmt.Println("Wait blocks until the cluster is ready, printing each change of state.  It is bounded by KAFKA_READY_TIMEOUT (default 120s); on timeout it says what was missing and the last error seen. KAFKA_BROKERS overrides the addresses it waits for.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tmage wait\n\n")
				var aliases []string
				
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			default:
				logger.Printf("Unknown target: %q\n", args.Args[0])
				_os.Exit(2)
		}
	}
	if len(args.Args) < 1 {
		if err := list(); err != nil {
			logger.Println("Error:", err)
			_os.Exit(1)
		}
		return
	}
	for x := 0; x < len(args.Args); {
		target := args.Args[x]
		x++

		// resolve aliases
		switch _strings.ToLower(target) {
		
			case "e2e":
				target = "E2e:Run"
		}

		switch _strings.ToLower(target) {
		
			case "bench":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Bench\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Bench")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Bench(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "clean":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Clean\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Clean")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Clean(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "consume":
				expected := x + 1
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Consume\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Consume")
				}
				
			arg0 := args.Args[x]
			x++
				wrapFn := func(ctx _context.Context) error {
					return Consume(ctx, arg0)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "down":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Down\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Down")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Down(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "e2e:failover":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"E2e:Failover\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "E2e:Failover")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return E2e{}.Failover(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "e2e:partition":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"E2e:Partition\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "E2e:Partition")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return E2e{}.Partition(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "e2e:pause":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"E2e:Pause\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "E2e:Pause")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return E2e{}.Pause(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "e2e:persistence":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"E2e:Persistence\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "E2e:Persistence")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return E2e{}.Persistence(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "e2e:run":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"E2e:Run\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "E2e:Run")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return E2e{}.Run(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "logs":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Logs\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Logs")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Logs(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "produce":
				expected := x + 1
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Produce\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Produce")
				}
				
			arg0 := args.Args[x]
			x++
				wrapFn := func(ctx _context.Context) error {
					return Produce(ctx, arg0)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "status":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Status\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Status")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Status(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "topics:create":
				expected := x + 1
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Topics:Create\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Topics:Create")
				}
				
			arg0 := args.Args[x]
			x++
				wrapFn := func(ctx _context.Context) error {
					return Topics{}.Create(ctx, arg0)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "topics:createwith":
				expected := x + 3
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Topics:CreateWith\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Topics:CreateWith")
				}
				
			arg0 := args.Args[x]
			x++
			arg1 := args.Args[x]
			x++
			arg2 := args.Args[x]
			x++
				wrapFn := func(ctx _context.Context) error {
					return Topics{}.CreateWith(ctx, arg0, arg1, arg2)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "topics:delete":
				expected := x + 1
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Topics:Delete\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Topics:Delete")
				}
				
			arg0 := args.Args[x]
			x++
				wrapFn := func(ctx _context.Context) error {
					return Topics{}.Delete(ctx, arg0)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "topics:describe":
				expected := x + 1
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Topics:Describe\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Topics:Describe")
				}
				
			arg0 := args.Args[x]
			x++
				wrapFn := func(ctx _context.Context) error {
					return Topics{}.Describe(ctx, arg0)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "topics:list":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Topics:List\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Topics:List")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Topics{}.List(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "up":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Up\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Up")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Up(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "wait":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Wait\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Wait")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Wait(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
		
		default:
			logger.Printf("Unknown target specified: %q\n", target)
			_os.Exit(2)
		}
	}
}




