#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller) on loopback, without Docker.
#   deploy/kafka/kafka.sh start   fetch pinned jars (once), format storage, start, wait, create topics
#   deploy/kafka/kafka.sh stop    stop it and remove its data
#   deploy/kafka/kafka.sh status
# Settings: KAFKA_PORT (9092; the controller uses KAFKA_PORT+1), KAFKA_CACHE (~/.cache/safer-hub).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version=4.4.0
port="${KAFKA_PORT:-9092}"
controller_port=$((port + 1))
cache="${KAFKA_CACHE:-$HOME/.cache/safer-hub}"
jars="$cache/kafka-$version"
run_dir="${KAFKA_RUN_DIR:-/tmp/safer-hub-kafka-$port}"
pid_file="$run_dir/kafka.pid"
log_file="$run_dir/kafka.log"

say() { echo "[kafka] $*" >&2; }
fail() { echo "[kafka] ERROR: $*" >&2; exit 1; }

fetch_jars() {
  if [ -f "$jars/.complete" ]; then return; fi
  command -v mvn >/dev/null || fail "Maven (mvn) is needed to fetch the broker jars from Maven Central"
  command -v java >/dev/null || fail "Java 17+ is needed to run the broker"
  say "fetching Kafka $version jars into $jars (first run only)"
  mkdir -p "$jars"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$jars" || fail "could not fetch the broker jars (see the Maven output above)"
  # slf4j-api 1.7 comes with Kafka; keep only the 2.0 API that the binding needs.
  rm -f "$jars"/slf4j-api-1.*.jar
  touch "$jars/.complete"
}

is_running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if is_running; then say "already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"; create_topics; return; fi
  if port_open "$port"; then fail "127.0.0.1:$port is taken by another process; set KAFKA_PORT"; fi
  command -v java >/dev/null || fail "Java 17+ is needed to run the broker (Debian: apt-get install openjdk-17-jre-headless)"
  fetch_jars
  rm -rf "$run_dir"; mkdir -p "$run_dir/data"
  cat > "$run_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
inter.broker.listener.name=PLAINTEXT
log.dirs=$run_dir/data
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  local cp="$jars/*"
  local uuid
  uuid="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java -cp "$cp" kafka.tools.StorageTool format -t "$uuid" -c "$run_dir/server.properties" --standalone >"$run_dir/format.log" 2>&1 \
    || { cat "$run_dir/format.log" >&2; fail "formatting KRaft storage failed"; }
  say "starting broker on 127.0.0.1:$port (log: $log_file)"
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -cp "$cp" kafka.Kafka "$run_dir/server.properties" >"$log_file" 2>&1 &
  echo $! > "$pid_file"
  for _ in $(seq 1 120); do
    if ! is_running; then tail -30 "$log_file" >&2; fail "the broker exited during start-up"; fi
    if port_open "$port"; then break; fi
    sleep 0.5
  done
  port_open "$port" || { tail -30 "$log_file" >&2; fail "the broker did not open 127.0.0.1:$port within 60 s"; }
  create_topics
  say "ready: KAFKA_BROKERS=127.0.0.1:$port"
}

# Topics come from the topic registry in libs/contracts; the script also proves the broker
# serves kafkajs (metadata, topic creation, produce and consume).
create_topics() {
  [ -f "$root/dist/libs/messaging/src/kafka/kafka-topics.cli.js" ] || (cd "$root" && npx tsc -p tsconfig.build.json)
  KAFKA_BROKERS="127.0.0.1:$port" node "$root/dist/libs/messaging/src/kafka/kafka-topics.cli.js" \
    || { tail -30 "$log_file" >&2 || true; fail "the broker is up but topic creation / smoke test failed"; }
}

stop() {
  if is_running; then
    local pid; pid="$(cat "$pid_file")"
    say "stopping broker (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$run_dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if is_running; then echo "running on 127.0.0.1:$port"; else echo "stopped"; exit 1; fi ;;
  fetch) fetch_jars ;;
  *) echo "usage: $0 start|stop|status|fetch" >&2; exit 2 ;;
esac
