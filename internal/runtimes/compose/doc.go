// Package compose is the compose runtime: the mode's compose file
// (compose/docker-compose.yml, or docker-compose.kraft.yml for KRaft) run
// by Docker Compose as project "kafkastack" — `docker compose` v2, or
// `docker-compose` when that is all there is (for v1, without `up --wait`
// or `ps --format json`, the runtime polls the healthchecks itself).
//
// Before `up` it checks that the engine answers, that the other mode is not
// running, and that every host port is free; it pulls images only when one
// is missing. Every docker call is bounded by a timeout and stopped with
// its whole process group. CheckFile and CheckModes hold the compose
// files' invariants, so that tests can check them without an engine.
package compose
