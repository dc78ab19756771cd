package runtimes

import (
	"context"
	"os/exec"
	"time"
)

// engineAvailable reports whether a Docker engine answers, and why not.
func engineAvailable(ctx context.Context) (bool, string) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return false, "no docker command on PATH"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, docker, "info", "--format", "{{.ServerVersion}}").Run(); err != nil {
		return false, "no Docker engine answers"
	}
	return true, "a Docker engine answers"
}
