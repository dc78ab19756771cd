package compose

import (
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Bounds of `docker info`: short for auto-detection, longer before `up`
// (an engine that is just starting may take a few seconds).
const (
	detectTimeout = 3 * time.Second
	engineTimeout = 10 * time.Second
)

// startHint says how to start the engine on this system.
func startHint() string {
	if runtime.GOOS == "linux" {
		return "start it with `sudo systemctl start docker` (or start Docker Desktop)"
	}
	return "start Docker Desktop"
}

// engineProblem asks `docker info` within d and returns "" when the engine
// answers, else one line saying what is wrong and how to fix it.
func engineProblem(ctx context.Context, d time.Duration) string {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return "no docker command on PATH"
	}
	_, err = output(ctx, d, docker, "info", "--format", "{{.ServerVersion}}")
	if err == nil {
		return ""
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "permission denied"):
		return "the Docker engine refuses this user (permission denied on its socket): add it to the docker group (`sudo usermod -aG docker $USER`, then log in again)"
	case strings.Contains(msg, "no answer within"):
		return "no Docker engine answers within " + d.String() + ": " + startHint() + ", or use KAFKA_RUNTIME=native or embedded"
	default:
		return "no Docker engine answers: " + startHint() + ", or use KAFKA_RUNTIME=native or embedded"
	}
}

// DetectEngine reports whether a Docker engine answers: docker on PATH and
// `docker info` answering within 3s. When it does not, the second value
// says why in one line; when it does, it says so. It never fails otherwise.
func DetectEngine(ctx context.Context) (bool, string) {
	if p := engineProblem(ctx, detectTimeout); p != "" {
		return false, p
	}
	return true, "a Docker engine answers"
}

// EngineAvailable reports whether a Docker engine answers within 3s (see
// DetectEngine); it is false on any failure.
func EngineAvailable(ctx context.Context) bool {
	ok, _ := DetectEngine(ctx)
	return ok
}

// checkEngine fails with one line unless docker is on PATH and its engine
// answers.
func checkEngine(ctx context.Context) error {
	switch p := engineProblem(ctx, engineTimeout); p {
	case "":
		return nil
	case "no docker command on PATH":
		return errNoDocker
	default:
		return errors.New(p)
	}
}
