#!/usr/bin/env bash
# Proves that what our Go producer writes is readable by kcat and by the
# plain Python Kafka client (kafka-python, no codec extras), on a running
# cluster (KAFKA_BROKERS, default the topology's 127.0.0.1:9091-9093).
# Needs kcat and Debian's python3-kafka (apt-get install kcat python3-kafka).
set -euo pipefail
cd "$(dirname "$0")/.."
BROKERS="${KAFKA_BROKERS:-127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093}"
TOPIC="interop-$(date +%s)-$$"
VALUE="Hello World! $TOPIC"
PY="${PYTHON_KAFKA:-/usr/bin/python3}"

KAFKA_BROKERS="$BROKERS" go run magefile.go topics:create "$TOPIC" >/dev/null
KAFKA_BROKERS="$BROKERS" KAFKA_TOPIC="$TOPIC" KAFKA_VALUE="$VALUE" go run ./clients/producer

got_kcat=$(kcat -b "$BROKERS" -C -t "$TOPIC" -e -q -f '%s\n')
if [[ "$got_kcat" != "$VALUE" ]]; then
  echo "interop: kcat read '$got_kcat', want '$VALUE'" >&2
  exit 1
fi
echo "interop: kcat read the record"

got_py=$(KAFKA_BROKERS="$BROKERS" "$PY" clients/python/consumer.py "$TOPIC" 2>/dev/null)
if [[ "$got_py" != *"value=b'$VALUE'"* ]]; then
  echo "interop: kafka-python read '$got_py', want value=b'$VALUE'" >&2
  exit 1
fi
echo "interop: kafka-python read the record"
KAFKA_BROKERS="$BROKERS" go run magefile.go topics:delete "$TOPIC" >/dev/null
echo "interop: 2 passed, 0 failed"
