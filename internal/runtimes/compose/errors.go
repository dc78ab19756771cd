package compose

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kafkastack/internal/config"
	"kafkastack/internal/proc"
)

// engineGoneMarkers are what the docker CLI and Compose print when the
// engine stops answering in the middle of a call.
var engineGoneMarkers = []string{
	"Cannot connect to the Docker daemon",
	"Is the docker daemon running",
	"error during connect",
}

// saysEngineGone reports whether out says that the engine stopped
// answering.
func saysEngineGone(out string) bool {
	for _, m := range engineGoneMarkers {
		if strings.Contains(out, m) {
			return true
		}
	}
	return false
}

// errEngineStopped is wrapped by engineStopped's errors.
var errEngineStopped = errors.New("the Docker engine stopped answering")

// engineStopped is the one line for an engine that stopped answering
// during the command what.
func engineStopped(what string) error {
	return fmt.Errorf("%w during `%s`: %s, then run the target again (`go run magefile.go clean` removes what was left)", errEngineStopped, what, startHint())
}

// engineGone turns err into engineStopped's line when it says that the
// engine stopped answering; other errors are returned as they are.
func engineGone(err error) error {
	if err == nil || !saysEngineGone(err.Error()) {
		return err
	}
	what, _, _ := strings.Cut(err.Error(), ":")
	return engineStopped(what)
}

// registryMarkers are what a pull prints when the registry cannot be
// reached (no network, no DNS, a firewall, a proxy that does not answer).
var registryMarkers = []string{
	"no such host", "dial tcp", "i/o timeout", "connection refused", "network is unreachable",
	"TLS handshake timeout", "Client.Timeout exceeded", "server misbehaving",
	"Temporary failure in name resolution", "no route to host", "connection reset by peer",
}

// registryHostRe finds the registry a pull error names.
var registryHostRe = regexp.MustCompile(`(?:lookup |https?://)([A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?)`)

// unreachableRegistry returns a short cause ("registry-1.docker.io: no
// such host") when pull output says the registry could not be reached, and
// "" when it says something else (a missing tag, a denied pull).
func unreachableRegistry(out string) string {
	for _, line := range strings.Split(out, "\n") {
		for _, m := range registryMarkers {
			if !strings.Contains(line, m) {
				continue
			}
			cause := strings.TrimSpace(line)
			if i := strings.LastIndex(line, ": "); i >= 0 {
				cause = strings.TrimSpace(line[i+2:])
			}
			if h := registryHostRe.FindStringSubmatch(line); h != nil {
				return h[1] + ": " + cause
			}
			return cause
		}
	}
	return ""
}

// missingImages are the mode's images that are not on the engine.
func (r *Runtime) missingImages(ctx context.Context) ([]string, error) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return nil, errNoDocker
	}
	imgs := r.images()
	if _, err := output(ctx, time.Minute, docker, append([]string{"image", "inspect", "--format", "{{.Id}}"}, imgs...)...); err == nil {
		return nil, nil
	}
	var missing []string
	for _, img := range imgs {
		if _, err := output(ctx, time.Minute, docker, "image", "inspect", "--format", "{{.Id}}", img); err != nil {
			if gone := engineGone(err); gone != err {
				return nil, gone
			}
			missing = append(missing, img)
		}
	}
	return missing, nil
}

// MissingImages lists the mode's images that are not on the engine yet
// (which `up` will pull). It fails when docker does not answer.
func (r *Runtime) MissingImages(ctx context.Context) ([]string, error) { return r.missingImages(ctx) }

// pullError says, in one line, why pulling the missing images failed: when
// the registry could not be reached, it names the images, the cause and
// the runtimes that need no images (and, when KAFKA_RUNTIME=auto chose
// compose, says so).
func (r *Runtime) pullError(missing []string, out string, err error) error {
	cause := unreachableRegistry(out + "\n" + err.Error())
	if cause == "" {
		return fmt.Errorf("pulling images: %w", err)
	}
	what := "image " + missing[0] + " is"
	if len(missing) > 1 {
		what = "images " + strings.Join(missing, ", ") + " are"
	}
	msg := fmt.Sprintf("%s not on the Docker engine and the registry could not be reached (%s): connect to the network once to pull, or use KAFKA_RUNTIME=native or embedded", what, cause)
	if r.env.Config.Runtime == config.RuntimeAuto {
		msg = "KAFKA_RUNTIME=auto chose compose because a Docker engine answers, but the engine cannot get its images: " + msg
	}
	return errors.New(msg)
}

// bindRe finds the host port in Docker's errors about a published port
// that is taken.
var bindRe = regexp.MustCompile(`(?:Bind for [0-9a-fA-F.:\[\]]*:(\d+) failed: port is already allocated|listen tcp[46]? [0-9a-fA-F.:\[\]]*:(\d+): bind: address already in use)`)

// portTaken returns a *proc.PortError naming the port and, where it can,
// the process that holds it, when Docker failed to publish a port that is
// taken; nil otherwise.
func portTaken(out string) error {
	m := bindRe.FindStringSubmatch(out)
	if m == nil {
		return nil
	}
	p := m[1]
	if p == "" {
		p = m[2]
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return nil
	}
	return &proc.PortError{Port: n, Owner: proc.PortOwner(n)}
}
