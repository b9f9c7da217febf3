#!/usr/bin/env bash
# Balai local Kafka (Apache Kafka from Maven Central jars, KRaft single node, no containers).
#
#   kafka.sh classpath                 print the runtime classpath (resolves jars into ~/.m2 via mvn)
#   kafka.sh run DATA_DIR              render config, format storage once, exec the broker (foreground)
#   kafka.sh tool MAIN_CLASS [ARGS..]  run a Kafka CLI class, e.g.
#                                      kafka.sh tool org.apache.kafka.tools.TopicCommand \
#                                        --bootstrap-server 127.0.0.1:19092 --list
# Env: KAFKA_PORT (19092), CONTROLLER_PORT (19093), KAFKA_HEAP_OPTS (-Xms256m -Xmx512m),
#      KAFKA_CLASSPATH_FILE (cache file for the classpath; default $DATA_DIR/classpath.txt or a temp file).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${CONTROLLER_PORT:-19093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

classpath() { # $1 = cache file
  local out="$1"
  if [[ ! -s "$out" || "$HERE/pom.xml" -nt "$out" ]]; then
    local log
    if ! log="$(mvn -q -B -f "$HERE/pom.xml" dependency:build-classpath -Dmdep.outputFile="$out" 2>&1)"; then
      echo "$log" >&2; return 1
    fi
  fi
  cat "$out"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  classpath)
    f="${KAFKA_CLASSPATH_FILE:-$(mktemp)}"
    classpath "$f"; echo
    ;;
  run)
    DATA_DIR="$(mkdir -p "${1:?usage: kafka.sh run DATA_DIR}" && cd "$1" && pwd)"
    CP="$(classpath "${KAFKA_CLASSPATH_FILE:-$DATA_DIR/classpath.txt}")"
    mkdir -p "$DATA_DIR/logs"
    sed -e "s|\${KAFKA_PORT}|$KAFKA_PORT|g" \
        -e "s|\${CONTROLLER_PORT}|$CONTROLLER_PORT|g" \
        -e "s|\${DATA_DIR}|$DATA_DIR|g" \
        "$HERE/server.properties.template" > "$DATA_DIR/server.properties"
    # log4j2.shutdownHookEnabled=false: otherwise log4j's own hook stops logging before Kafka's shutdown hook ran.
    JAVA_LOG=(-Dlog4j2.configurationFile="$HERE/log4j2.xml" -Dkafka.logs.dir="$DATA_DIR/logs")
    if [[ ! -f "$DATA_DIR/kraft-logs/meta.properties" ]]; then
      CLUSTER_ID="$(java -cp "$CP" -Dlog4j2.configurationFile="$HERE/tools-log4j2.xml" kafka.tools.StorageTool random-uuid)"
      java -cp "$CP" -Dlog4j2.configurationFile="$HERE/tools-log4j2.xml" \
        kafka.tools.StorageTool format --config "$DATA_DIR/server.properties" \
        --cluster-id "$CLUSTER_ID" --standalone --ignore-formatted
    fi
    # shellcheck disable=SC2086
    exec java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent \
      -Djava.awt.headless=true -Dlog4j2.shutdownHookEnabled=false "${JAVA_LOG[@]}" -cp "$CP" kafka.Kafka "$DATA_DIR/server.properties"
    ;;
  tool)
    main="${1:?usage: kafka.sh tool MAIN_CLASS [ARGS..]}"; shift
    f="${KAFKA_CLASSPATH_FILE:-${TMPDIR:-/tmp}/balai-kafka-classpath.txt}"
    CP="$(classpath "$f")"
    exec java -Xmx256m -Dlog4j2.shutdownHookEnabled=false -Dlog4j2.configurationFile="$HERE/tools-log4j2.xml" -cp "$CP" "$main" "$@"
    ;;
  *)
    sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
