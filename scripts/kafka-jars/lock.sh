#!/usr/bin/env bash
# Writes scripts/kafka-jars/VERSION.lock: the jars Maven resolves from
# pom.xml for Apache Kafka VERSION (with the log profile the native runtime
# uses for it), one line each, "<path in a Maven repository> <sha256>". The
# native runtime fetches a locked version's jars straight from Maven
# Central, in parallel, and checks each; any other version is resolved with
# Maven. Run from the repo root: bash scripts/kafka-jars/lock.sh 4.4.0
set -euo pipefail
version=${1:?usage: lock.sh KAFKA_VERSION}
cd "$(dirname "$0")/../.."
profile=reload4j
[[ ${version%%.*} -ge 4 ]] && profile=log4j2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mvn -B -q -Dstyle.color=never -f scripts/kafka-jars/pom.xml -Dmaven.repo.local="$PWD/.cache/m2" \
  -P "$profile" -Dkafka.version="$version" \
  dependency:copy-dependencies -Dmdep.useRepositoryLayout=true -DoutputDirectory="$out"
(cd "$out" && find . -name '*.jar' -type f | sed 's#^\./##' | LC_ALL=C sort | while read -r p; do
  echo "$p $(sha256sum "$p" | cut -d' ' -f1)"
done) > "scripts/kafka-jars/$version.lock"
echo "scripts/kafka-jars/$version.lock: $(wc -l < "scripts/kafka-jars/$version.lock") jars"
