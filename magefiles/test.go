//go:build mage

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
)

// Test holds the checks of the tests themselves.
type Test mg.Namespace

// gremlins is the mutation tester test:mutation runs.
const gremlins = "github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0"

// mutationTargets are the packages that hold the product's promises, with
// the files left unmutated and the tests left out. The resilience package's
// end-to-end runs take a minute per mutant: only its accounting (ledger,
// report, fault report, broker conditions) is mutated, against its unit tests.
var mutationTargets = []struct{ pkg, exclude, skip string }{
	{pkg: "./internal/verify"},
	{pkg: "./internal/ready"},
	{pkg: "./internal/topics"},
	{pkg: "./internal/status"},
	{pkg: "./internal/resilience",
		exclude: `^(answers|failover|leader|persistence|run|stream)\.go$`,
		skip:    "Embedded|TestPauseFault|TestRuntimesThatCannot|TestFailoverRestores|TestPersistenceAsks|ControllerLeadsEveryPartition|TestNoLeaderThatCanBeHit"},
}

// Mutation checks that the tests kill at least 85% of the mutants of each package that holds a promise.
//
// It runs gremlins (installed with go install when missing) over verify,
// ready, topics, status and resilience's accounting, one worker at a time,
// and names every package below the threshold. It takes about half an hour
// on an idle two-core machine.
func (Test) Mutation() error {
	bin, err := exec.LookPath("gremlins")
	if err != nil {
		if err := sh.RunV("go", "install", gremlins); err != nil {
			return err
		}
		gopath, _ := sh.Output("go", "env", "GOPATH")
		bin = filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "bin", "gremlins")
		if gobin, _ := sh.Output("go", "env", "GOBIN"); gobin != "" {
			bin = filepath.Join(gobin, "gremlins")
		}
	}
	var below []string
	for _, t := range mutationTargets {
		args := []string{"unleash", "--workers", "1", "--timeout-coefficient", "10", "--threshold-efficacy", "85"}
		env := map[string]string{}
		if t.exclude != "" {
			args = append(args, "--exclude-files", t.exclude)
		}
		if t.skip != "" {
			env["GOFLAGS"] = strings.TrimSpace(os.Getenv("GOFLAGS") + " -skip=" + t.skip)
		}
		if err := sh.RunWithV(env, bin, append(args, t.pkg)...); err != nil {
			below = append(below, t.pkg)
		}
	}
	if len(below) > 0 {
		return fmt.Errorf("mutation testing: %s below 85%% test efficacy (or gremlins failed)", strings.Join(below, ", "))
	}
	return nil
}
