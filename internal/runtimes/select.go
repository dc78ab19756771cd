// Package runtimes picks the runtime KAFKA_RUNTIME asks for (auto: compose
// when a Docker engine answers, else embedded) and builds it.
package runtimes

import (
	"context"
	"fmt"
	"strings"

	"kafkastack/internal/cluster"
	"kafkastack/internal/config"
	"kafkastack/internal/runtimes/compose"
	"kafkastack/internal/runtimes/embedded"
	"kafkastack/internal/runtimes/external"
	"kafkastack/internal/runtimes/native"
)

// Select resolves KAFKA_RUNTIME (saying once, for auto, which runtime it
// picked and why) and returns the runtime. It fails for a runtime that
// cannot be built from env.
func Select(ctx context.Context, env *cluster.Env) (cluster.Runtime, error) {
	name := env.Config.Runtime
	if name == config.RuntimeAuto {
		ok, why := compose.DetectEngine(ctx)
		if ok {
			name = config.RuntimeCompose
			env.Logf("runtime: compose (KAFKA_RUNTIME=auto and %s)", why)
		} else {
			name = config.RuntimeEmbedded
			env.Logf("runtime: embedded (KAFKA_RUNTIME=auto and %s; set KAFKA_RUNTIME to choose)", why)
		}
	}
	switch name {
	case config.RuntimeEmbedded:
		return embedded.New(env)
	case config.RuntimeCompose:
		rt, err := compose.New(env)
		if err != nil || env.Config.Runtime != config.RuntimeAuto {
			return rt, err
		}
		// auto chose compose: say now when the engine lacks the images, since
		// up must then reach a registry.
		if missing, err := rt.MissingImages(ctx); err == nil && len(missing) > 0 {
			env.Logf("runtime: the Docker engine does not have %s yet; up pulls them (where no registry can be reached, use KAFKA_RUNTIME=native or embedded)", strings.Join(missing, ", "))
		}
		return rt, nil
	case config.RuntimeNative:
		return native.New(env)
	case config.RuntimeExternal:
		return external.New(env)
	default:
		return nil, fmt.Errorf("KAFKA_RUNTIME=%s is not a runtime", name)
	}
}
