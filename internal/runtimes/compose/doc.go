// Package compose is the compose runtime: the compose file run by Docker
// Compose (v2 `docker compose`, or v1 `docker-compose` when that is all
// there is), with the engine and the host ports checked before `up`.
package compose
