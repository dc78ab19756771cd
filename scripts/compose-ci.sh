#!/usr/bin/env bash
# The compose runtime on a real Docker engine, in both modes (zk and kraft),
# through the project's own targets with KAFKA_RUNTIME=compose. .ci/run calls
# it as its last stage; it also runs on its own: bash scripts/compose-ci.sh
#
# From a clean state it:
#   - installs what it needs with apt-get (docker.io, debootstrap, Java, Maven,
#     kcat, python3-kafka) when missing;
#   - starts a private Docker engine of its own (own socket, data root and exec
#     root under /tmp) unless one already answers on that socket, and stops
#     only an engine it started;
#   - builds Docker Compose v2 (pinned) from its Go module, cached in .cache/;
#   - builds stand-in images for the pinned images from the Apache Kafka jars
#     the native runtime uses (no registry is reachable here, nothing can be
#     pulled), tagged with the pinned names inside that private engine only, so
#     the shipped compose files run unchanged;
#   - runs the compose stage in zk and kraft mode, and checks the error lines;
#   - removes every container, volume and network of the project and of its
#     builds, and stops its engine, even when a step fails (trap).
# It prints a table of the steps with their times. A second run reuses the
# Compose build, the engine's data root (base and stand-in images) and the jars.
#
# Its cluster binds the default ports (2181, 9000, 9091-9093): on a shared
# machine, run it under the port lock (flock /tmp/kafkastack-ports.lock ...).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-180s}"

COMPOSE_VERSION=2.40.3
CACHE=$ROOT/.cache/compose-ci
COMPOSE_BIN=$CACHE/docker-compose-v$COMPOSE_VERSION
# The private engine: everything of it lives in one folder under /tmp (the
# data root keeps the images between runs), keyed by this checkout's path.
ENGINE_DIR=/tmp/kafkastack-ci-docker.$(printf %s "$ROOT" | cksum | cut -d' ' -f1)
SOCK=$ENGINE_DIR/docker.sock
export DOCKER_HOST=unix://$SOCK
export DOCKER_CONFIG=$ENGINE_DIR/config # holds cli-plugins/docker-compose
BASE_IMAGE=kafkastack-ci/base:bookworm-jre17
STANDIN_NOTE="kafkastack CI stand-in, built locally from the Apache Kafka jars; not the pinned upstream image"

mkdir -p "$CACHE" "$ENGINE_DIR"

# ---------------------------------------------------------------- steps table
STEP_NAMES=() STEP_MS=() STEP_RESULTS=()
CURRENT="" CURRENT_T0=0
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# step NAME CMD...: runs CMD (a failure exits the script through the trap)
# and records its time.
step() {
  CURRENT=$1 CURRENT_T0=$(now_ms)
  shift
  printf '\n== %s\n' "$CURRENT"
  "$@"
  STEP_NAMES+=("$CURRENT") STEP_MS+=($(($(now_ms) - CURRENT_T0))) STEP_RESULTS+=(ok)
  CURRENT=""
}
print_table() {
  local i total=0
  printf '\n== compose stage: steps\n'
  printf '%-44s %10s  %s\n' STEP SECONDS RESULT
  for i in "${!STEP_NAMES[@]}"; do
    printf '%-44s %10.1f  %s\n' "${STEP_NAMES[$i]}" "$(bc_div "${STEP_MS[$i]}")" "${STEP_RESULTS[$i]}"
    total=$((total + STEP_MS[i]))
  done
  printf '%-44s %10.1f\n' total "$(bc_div "$total")"
}
bc_div() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }

print_scope() {
  cat <<'EOF'

== what the compose stage proves, and what it does not
Proves, on a real Docker engine with Docker Compose v2: the shipped compose
files as they are (both modes), Docker networking and DNS between services,
the INTERNAL/EXTERNAL listeners (host clients on 127.0.0.1:909N, Kafdrop's
stand-in on kafkaN:1909N), published ports, healthchecks and depends_on,
named volumes (down keeps them, clean removes them), and the compose
runtime's commands and parsing (up --wait, ps, logs, kill/start, network
disconnect/connect, down -v).
Does not prove: the pinned images themselves (confluentinc/cp-zookeeper,
confluentinc/cp-kafka, apache/kafka, obsidiandynamics/kafdrop). No registry
can be reached here, so each is a local stand-in that follows the image's
environment contract (the Apache Kafka jars of the native runtime, the same versions as the tags; a small Go program
for Kafdrop), labelled as such. The opt-in test on a machine with a registry
covers the real images:
  KAFKASTACK_DOCKER_TESTS=1 go test ./internal/runtimes/compose/ -run Docker -v
EOF
}

# ---------------------------------------------------------------- cleanup
ENGINE_PID="" COMPOSE_BUILD_PID="" BUILD_CONTAINERS=() PORT_HOLDER_PID=""
engine_answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
# remove_project removes the project's containers, volumes and networks of
# both modes' files from the engine, whatever state they are in.
remove_project() {
  local f
  for f in compose/docker-compose.yml compose/docker-compose.kraft.yml; do
    timeout 180 docker compose -p kafkastack -f "$f" --project-directory compose down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  done
}
cleanup() {
  local rc=$?
  set +e
  if [[ -n $CURRENT ]]; then
    STEP_NAMES+=("$CURRENT") STEP_MS+=($(($(now_ms) - CURRENT_T0))) STEP_RESULTS+=("FAILED (exit $rc)")
  fi
  if [[ -n $PORT_HOLDER_PID ]]; then kill "$PORT_HOLDER_PID" 2>/dev/null; wait "$PORT_HOLDER_PID" 2>/dev/null; fi
  if [[ -n $COMPOSE_BUILD_PID ]]; then kill -- "-$COMPOSE_BUILD_PID" 2>/dev/null; wait "$COMPOSE_BUILD_PID" 2>/dev/null; fi
  printf '\n== cleanup\n'
  if engine_answers; then
    remove_project
    for c in "${BUILD_CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
    left=$(leftovers)
    if [[ -n $left ]]; then
      echo "left on the engine after cleanup:"; echo "$left"
      ((rc)) || rc=1
    else
      echo "nothing of the project is left on the engine"
    fi
  fi
  if [[ -n $ENGINE_PID ]]; then
    local t0
    t0=$(now_ms)
    stop_engine
    STEP_NAMES+=("engine stop") STEP_MS+=($(($(now_ms) - t0))) STEP_RESULTS+=(ok)
  fi
  print_table
  print_scope
  if ((rc)); then
    echo; echo "compose stage FAILED (exit $rc)"
    if [[ -f $ENGINE_DIR/dockerd.log ]]; then echo "engine log: $ENGINE_DIR/dockerd.log"; fi
  else
    echo; echo "compose stage passed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# leftovers lists what the project (or a build of this script) still has on
# the engine: containers, volumes, networks.
leftovers() {
  docker ps -a --filter label=com.docker.compose.project=kafkastack --format 'container {{.Names}} ({{.State}})'
  docker ps -a --filter name=kafkastack-ci-build- --format 'container {{.Names}} ({{.State}})'
  docker volume ls --filter label=com.docker.compose.project=kafkastack --format 'volume {{.Name}}'
  docker network ls --filter label=com.docker.compose.project=kafkastack --format 'network {{.Name}}'
}

# ---------------------------------------------------------------- packages
packages() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v docker >/dev/null || need+=(docker.io)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v java >/dev/null || need+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || need+=(maven)
  command -v kcat >/dev/null || need+=(kcat)
  /usr/bin/python3 -c 'import kafka' 2>/dev/null || need+=(python3-kafka)
  if ((${#need[@]})); then
    echo "installing: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o DPkg::Lock::Timeout=600 "${need[@]}" >/dev/null
  fi
  dockerd --version
  docker --version
}

# ---------------------------------------------------------------- engine
# exec_closed CMD...: execs CMD with every descriptor above stderr closed, so
# that a long-lived process (the engine, its containerd and shims) does not
# hold what this script inherited, such as a lock taken around it.
exec_closed() {
  local fd
  for fd in $(ls "/proc/$BASHPID/fd"); do
    if ((fd > 2)); then eval "exec $fd>&-"; fi
  done
  exec "$@"
}
start_engine() {
  if engine_answers; then
    echo "an engine already answers on $SOCK: using it (it will be left running)"
    return
  fi
  mkdir -p "$ENGINE_DIR/data" "$ENGINE_DIR/exec"
  rm -f "$SOCK"
  # vfs and no iptables or default bridge: what runs in a container without
  # privileges over the host's network. Compose's own networks still work.
  (exec_closed dockerd --data-root "$ENGINE_DIR/data" --exec-root "$ENGINE_DIR/exec" \
    --pidfile "$ENGINE_DIR/dockerd.pid" -H "unix://$SOCK" \
    --storage-driver=vfs --iptables=false --bridge=none) \
    >"$ENGINE_DIR/dockerd.log" 2>&1 &
  ENGINE_PID=$!
  local deadline=$((SECONDS + 60))
  until engine_answers; do
    if ! kill -0 "$ENGINE_PID" 2>/dev/null; then
      wait "$ENGINE_PID" || true
      ENGINE_PID=""
      echo "the Docker engine exited while starting:"; tail -n 5 "$ENGINE_DIR/dockerd.log"; return 1
    fi
    if ((SECONDS > deadline)); then
      echo "the Docker engine did not answer within 60s:"; tail -n 5 "$ENGINE_DIR/dockerd.log"; return 1
    fi
    sleep 0.2
  done
  echo "engine $(docker info --format '{{.ServerVersion}}') (PID $ENGINE_PID) on $SOCK, data root $ENGINE_DIR/data"
}
# stop_engine stops the engine this script started, by its PID, and waits
# until it is gone (it stops its containers and its containerd first).
stop_engine() {
  echo "stopping the Docker engine (PID $ENGINE_PID)"
  kill -TERM "$ENGINE_PID" 2>/dev/null
  local deadline=$((SECONDS + 90))
  while kill -0 "$ENGINE_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$ENGINE_PID" 2>/dev/null; then
    echo "the engine did not stop within 90s: killing it"
    kill -KILL "$ENGINE_PID" 2>/dev/null
  fi
  wait "$ENGINE_PID" 2>/dev/null
  ENGINE_PID=""
  rm -rf "$ENGINE_DIR/exec" "$SOCK"
  echo "engine stopped"
}

# ---------------------------------------------------------------- compose v2
# Compose v2 is not in Debian bookworm. It builds from its Go module (`go
# install` refuses it because of its replace directives), in the background
# while the other steps run; the binary is cached in .cache/compose-ci.
start_compose_build() {
  if [[ -x $COMPOSE_BIN ]]; then return; fi
  # In a session of its own, so that a failure elsewhere stops the whole
  # build (its process group) and nothing else.
  COMPOSE_VERSION=$COMPOSE_VERSION COMPOSE_BIN=$COMPOSE_BIN CACHE=$CACHE exec_closed setsid bash -c '
    set -euo pipefail
    t0=$(date +%s%N)
    dir=$(go mod download -json "github.com/docker/compose/v2@v$COMPOSE_VERSION" | sed -n "s/^[[:space:]]*\"Dir\": \"\(.*\)\",\$/\1/p")
    src=$CACHE/compose-src
    rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
    cd "$src"
    GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=v$COMPOSE_VERSION" -o "$COMPOSE_BIN.tmp" ./cmd
    cd "$CACHE"; rm -rf "$src"; mv "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
    echo $((($(date +%s%N) - t0) / 1000000)) >"$CACHE/compose-build.ms"
  ' >"$CACHE/compose-build.log" 2>&1 &
  COMPOSE_BUILD_PID=$!
}
compose_v2() {
  if [[ -n $COMPOSE_BUILD_PID ]]; then
    echo "waiting for the Compose v$COMPOSE_VERSION build (started at the beginning; log: $CACHE/compose-build.log)"
    if ! wait "$COMPOSE_BUILD_PID"; then
      COMPOSE_BUILD_PID=""
      tail -n 20 "$CACHE/compose-build.log"; return 1
    fi
    COMPOSE_BUILD_PID=""
    echo "built Compose v$COMPOSE_VERSION from its Go module in $(bc_div "$(cat "$CACHE/compose-build.ms")")s (cold)"
  else
    echo "Compose v$COMPOSE_VERSION: cached build $COMPOSE_BIN (warm)"
  fi
  mkdir -p "$DOCKER_CONFIG/cli-plugins"
  ln -sfn "$COMPOSE_BIN" "$DOCKER_CONFIG/cli-plugins/docker-compose"
  local v
  v=$(docker compose version --short)
  [[ ${v#v} == "$COMPOSE_VERSION" ]] || { echo "docker compose version says $v, want $COMPOSE_VERSION"; return 1; }
  echo "docker compose $v"
}

# ---------------------------------------------------------------- images
# base_image makes a Debian bookworm image with Java 17, bash and procps
# without a registry: debootstrap, then docker import.
base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "$BASE_IMAGE: cached in the engine's data root"
    return
  fi
  local rootfs=$ENGINE_DIR/rootfs
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,bash,procps bookworm "$rootfs" http://deb.debian.org/debian >"$ENGINE_DIR/debootstrap.log" 2>&1 ||
    { tail -n 20 "$ENGINE_DIR/debootstrap.log"; return 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL org.opencontainers.image.description=\"kafkastack CI base: Debian bookworm minbase with Java 17, made with debootstrap\"" \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  echo "$BASE_IMAGE: $(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%d MB", $1/1e6}')"
}

# jars prints "VERSION<TAB>LIBS" of the mode's Kafka jars, resolved the way
# the native runtime resolves them (into .cache/kafka/<version>/libs).
jars() { KAFKA_MODE=$1 go run ./internal/runtimes/native/cmd/kafkastack-jars; }

# build_image TAG DESCRIPTION CMD JARS JARS_DEST VERSION OVERLAY...: a
# container of the base image, the overlays and the jars copied in, committed
# with the stand-in label. It is skipped when TAG was built from the same
# inputs.
build_image() {
  local tag=$1 desc=$2 cmd=$3 libs=$4 dest=$5 version=$6
  shift 6
  local inputs
  inputs=$( (
    docker image inspect -f '{{.Id}}' "$BASE_IMAGE"
    echo "$tag $desc $cmd $version $dest"
    find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    [[ -z $libs ]] || ls "$libs"
  ) | sha256sum | cut -c1-16)
  if [[ $(docker image inspect -f '{{index .Config.Labels "io.kafkastack.ci.inputs"}}' "$tag" 2>/dev/null) == "$inputs" ]]; then
    echo "$tag: cached (inputs $inputs)"
    return
  fi
  local ctr stage
  ctr=kafkastack-ci-build-$$-$RANDOM
  BUILD_CONTAINERS+=("$ctr")
  docker create --name "$ctr" "$BASE_IMAGE" true >/dev/null
  local o
  for o in "$@"; do docker cp "$o/." "$ctr:/" >/dev/null; done
  if [[ -n $libs ]]; then
    stage=$ENGINE_DIR/stage-$$
    rm -rf "$stage"; mkdir -p "$stage$dest"
    cp -rl "$libs/." "$stage$dest/" 2>/dev/null || cp -r "$libs/." "$stage$dest/"
    docker cp "$stage/." "$ctr:/" >/dev/null
    rm -rf "$stage"
  fi
  docker commit \
    --change "LABEL org.opencontainers.image.description=\"$desc\"" \
    --change "LABEL io.kafkastack.ci.inputs=$inputs" \
    --change "ENV STANDIN_KAFKA_VERSION=$version" \
    --change "CMD $cmd" \
    "$ctr" "$tag" >/dev/null
  docker rm "$ctr" >/dev/null
  echo "$tag: built (inputs $inputs)"
}

images() {
  local zk kraft zkv zklibs kv klibs img
  zk=$(jars zk) kraft=$(jars kraft)
  IFS=$'\t' read -r zkv zklibs <<<"$zk"
  IFS=$'\t' read -r kv klibs <<<"$kraft"
  echo "Apache Kafka $zkv ($zklibs) for zk mode, $kv ($klibs) for kraft mode"
  local dir=scripts/compose-ci
  local kafdrop=$ENGINE_DIR/kafdrop-overlay
  rm -rf "$kafdrop"; mkdir -p "$kafdrop/usr/local/bin"
  CGO_ENABLED=0 go build -trimpath -o "$kafdrop/usr/local/bin/kafdrop-standin" ./scripts/compose-ci/kafdrop-standin
  for img in $(sed -n 's/^[[:space:]]*image:[[:space:]]*\([^[:space:]]*\).*/\1/p' compose/docker-compose.yml compose/docker-compose.kraft.yml | sort -u); do
    case $img in
      confluentinc/cp-kafka:*)
        build_image "$img" "$STANDIN_NOTE: Apache Kafka $zkv in ZooKeeper mode, for $img's environment contract" \
          '["/etc/confluent/docker/run"]' "$zklibs" /usr/share/java/kafka "$zkv" "$dir/images/common" "$dir/images/cp-kafka" ;;
      confluentinc/cp-zookeeper:*)
        build_image "$img" "$STANDIN_NOTE: the ZooKeeper of Apache Kafka $zkv, for $img's environment contract" \
          '["/etc/confluent/docker/run"]' "$zklibs" /usr/share/java/kafka "$zkv" "$dir/images/common" "$dir/images/cp-zookeeper" ;;
      apache/kafka:*)
        [[ ${img#*:} == "$kv" ]] || { echo "$img: the kraft file's tag and the jars ($kv) differ"; return 1; }
        build_image "$img" "$STANDIN_NOTE: Apache Kafka $kv in KRaft mode, for $img's environment contract" \
          '["/etc/kafka/docker/run"]' "$klibs" /opt/kafka/libs "$kv" "$dir/images/common" "$dir/images/apache-kafka" ;;
      obsidiandynamics/kafdrop:*)
        build_image "$img" "$STANDIN_NOTE: not Kafdrop; a Go program that answers /actuator/health UP once it has read the brokers through KAFKA_BROKERCONNECT" \
          '["/usr/local/bin/kafdrop-standin"]' "" "" "-" "$kafdrop" ;;
      *) echo "no stand-in for image $img"; return 1 ;;
    esac
  done
  rm -rf "$kafdrop"
  docker image prune -f >/dev/null # earlier builds of these tags
  docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}'
}

# ---------------------------------------------------------------- checks
mage() { go run magefile.go "$@"; }

# ports_free fails unless every port of the topology can be listened on.
ports_free() {
  /usr/bin/python3 - "$@" <<'EOF'
import socket, sys
busy = []
for p in map(int, sys.argv[1:]):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p)); s.listen(1)
    except OSError:
        busy.append(p)
    finally:
        s.close()
if busy:
    sys.exit("ports still held: %s" % busy)
print("ports free: %s" % " ".join(sys.argv[1:]))
EOF
}

nothing_left() {
  local left
  left=$(leftovers)
  if [[ -n $left ]]; then
    echo "clean left this on the engine:"; echo "$left"; return 1
  fi
  echo "no container, volume or network of the project is left"
  ports_free 2181 9000 9091 9092 9093
}

# kafdrop_health asks Kafdrop's stand-in, from the host, whether it read the
# brokers over their INTERNAL listeners.
kafdrop_health() {
  /usr/bin/python3 - <<'EOF'
import json, sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:9000/actuator/health", timeout=10) as r:
    body = json.load(r)
brokers = body.get("details", {}).get("brokers", [])
print("kafdrop /actuator/health:", body["status"], brokers)
want = {"1 kafka1:19091", "2 kafka2:19092", "3 kafka3:19093"}
if body["status"] != "UP" or set(brokers) != want:
    sys.exit("kafdrop did not read the brokers over their INTERNAL listeners: %s" % body)
EOF
}

status_both() {
  mage status
  KAFKA_OUTPUT=json mage status | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("status JSON:", ", ".join(sorted(d)))'
}

logs_check() {
  local out
  out=$(KAFKA_SERVICE=kafka1 mage logs)
  grep -q 'kafkastack CI stand-in' <<<"$out" || { echo "logs of kafka1 lack the stand-in's banner"; return 1; }
  echo "logs: $(wc -l <<<"$out") lines from kafka1; last: $(tail -n 1 <<<"$out" | cut -c1-120)"
}

# expect_fail LINE_PATTERN CMD...: CMD must fail, and its error line (the
# target's "Error: ..." line, else its last line but go run's closing
# "exit status N") must match the pattern.
expect_fail() {
  local pattern=$1 out rc=0
  shift
  out=$("$@" 2>&1) || rc=$?
  local last
  last=$(grep '^Error: ' <<<"$out" | tail -n 1)
  [[ -n $last ]] || last=$(grep -v -e '^[[:space:]]*$' -e '^exit status [0-9]*$' <<<"$out" | tail -n 1)
  if ((rc == 0)); then echo "expected a failure, got success:"; echo "$out" | tail -n 5; return 1; fi
  if ! grep -Eq "$pattern" <<<"$last"; then
    echo "unexpected error line: $last"; echo "want: $pattern"; return 1
  fi
  echo "error line (exit $rc): $last"
}

# error_image_missing: an image missing and no registry to pull it from.
error_image_missing() {
  local img=obsidiandynamics/kafdrop:4.1.0 keep=kafkastack-ci/kept:kafdrop
  docker tag "$img" "$keep" # so that removing the pinned name keeps the image
  docker rmi "$img" >/dev/null
  local rc=0
  expect_fail "image $img is not on the Docker engine and the registry could not be reached .*KAFKA_RUNTIME=native or embedded" mage up || rc=$?
  docker tag "$keep" "$img"
  docker rmi "$keep" >/dev/null
  return $rc
}

# error_port_held: a host port held by a process that is not Docker's.
error_port_held() {
  /usr/bin/python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",9000)); s.listen(1); print("listening", flush=True); time.sleep(600)' >"$ENGINE_DIR/holder.out" 2>&1 &
  PORT_HOLDER_PID=$!
  local deadline=$((SECONDS + 10))
  until grep -q listening "$ENGINE_DIR/holder.out" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "the port holder did not start"; return 1; }
    sleep 0.1
  done
  local rc=0
  expect_fail "port 9000 is already in use by PID $PORT_HOLDER_PID \(python3\)" mage up || rc=$?
  kill "$PORT_HOLDER_PID"; wait "$PORT_HOLDER_PID" 2>/dev/null || true
  PORT_HOLDER_PID=""
  return $rc
}

# ---------------------------------------------------------------- the stage
step "packages (apt-get when missing)" packages
start_compose_build
step "engine (private dockerd, vfs)" start_engine
step "base image (debootstrap + import)" base_image
step "stand-in images (Kafka jars + entrypoints)" images
step "Compose v$COMPOSE_VERSION (Go module build)" compose_v2

export KAFKA_RUNTIME=compose
export KAFKA_YES=1 # e2e:persistence may delete the e2e topic without asking
for mode in zk kraft; do
  export KAFKA_MODE=$mode
  step "$mode: clean" mage clean
  step "$mode: up (to ready)" mage up
  step "$mode: topics:create my-topic-three" mage topics:create my-topic-three
  step "$mode: e2e" mage e2e
  step "$mode: status (table and JSON)" status_both
  step "$mode: logs" logs_check
  step "$mode: Kafdrop over INTERNAL listeners" kafdrop_health
  step "$mode: interop (kcat, kafka-python)" bash scripts/interop.sh
  step "$mode: e2e:failover (docker kill/start)" mage e2e:failover
  step "$mode: e2e:pause (docker pause/unpause)" mage e2e:pause
  step "$mode: e2e:partition (network disconnect)" mage e2e:partition
  step "$mode: e2e:persistence" mage e2e:persistence
  step "$mode: clean" mage clean
  step "$mode: nothing left, ports free" nothing_left
done

export KAFKA_MODE=zk
step "error: image missing, no registry" error_image_missing
step "error: port held by another process" error_port_held
step "error lines: clean" mage clean
