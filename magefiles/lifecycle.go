//go:build mage

package main

import (
	"context"

	"kafkastack/internal/cli"
)

// Up starts the cluster and returns only when it is ready.
//
// Ready means every broker of compose/docker-compose.yml is in the
// metadata, a controller is elected and a group coordinator answers.
// Running it on a running cluster says "already running".
//
// Endpoints: brokers on 127.0.0.1:9091, 9092 and 9093 (every runtime);
// with compose also ZooKeeper on 127.0.0.1:2181 (zk mode) and Kafdrop at
// http://127.0.0.1:9000; with native and embedded, kafkastack's web
// console at http://127.0.0.1:9000. Ports are published on 127.0.0.1 only.
//
// Env: KAFKA_RUNTIME (auto|embedded|compose|native|external),
// KAFKA_MODE (zk|kraft), KAFKA_READY_TIMEOUT (default 120s), KAFKA_UI=off
// to leave the console out.
func Up(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	return s.Up(ctx)
}

// Down stops the cluster and keeps its data.
//
// It stops the web console first, where up started one.
func Down(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	return s.Down(ctx)
}

// Clean stops the cluster and deletes its data (only the repo's .data folder).
//
// The downloaded Kafka jars in .cache are kept. Running it twice is fine.
func Clean(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	return s.Clean(ctx)
}

// Wait blocks until the cluster is ready, printing each change of state.
//
// It is bounded by KAFKA_READY_TIMEOUT (default 120s); on timeout it says
// what was missing and the last error seen. KAFKA_BROKERS overrides the
// addresses it waits for.
func Wait(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	return s.Wait(ctx)
}

// Logs prints the runtime's logs.
//
// Env: KAFKA_SERVICE (e.g. kafka1; default all), KAFKA_FOLLOW=1 to follow.
func Logs(ctx context.Context) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	return s.Logs(ctx, s.Env.Config.Clients.Service, s.Env.Config.Clients.Follow)
}

// Status shows brokers, controller, topics, ISR health, group lag and services.
//
// Env: KAFKA_OUTPUT=json for a machine-readable form.
func Status(ctx context.Context) error { return cli.Status(ctx) }

// UI serves the web console at http://127.0.0.1:9000 in the foreground, on any runtime.
//
// Up already starts it in the background on the native and embedded
// runtimes (KAFKA_UI=off leaves it out); on compose, Kafdrop has the port.
// This target serves it against any cluster, the external runtime
// included with its TLS and SASL, until Ctrl-C.
func UI(ctx context.Context) error { return cli.UI(ctx) }
