// Package runtimes picks the runtime KAFKA_RUNTIME asks for (auto: compose
// when a Docker engine answers, else embedded) and builds it.
package runtimes

import (
	"context"
	"fmt"

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
		return compose.New(env)
	case config.RuntimeNative:
		return native.New(env)
	case config.RuntimeExternal:
		return external.New(env)
	default:
		return nil, fmt.Errorf("KAFKA_RUNTIME=%s is not a runtime", name)
	}
}
