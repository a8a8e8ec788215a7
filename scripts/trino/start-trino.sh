#!/usr/bin/env bash
# Starts one single-node Trino on 127.0.0.1 for the tests or by hand: a small heap, one Hive
# catalog ("hive") over the local file system with a file metastore, no other plugin. Reuses
# the server of the same state folder when it already answers. Prints "started URL" or "reused URL".
# Usage: scripts/trino/start-trino.sh [--heap 1536M] [--timeout 240]
# Environment: MNP_TRINO_STATE_DIR (configuration, data, metastore, logs), MNP_TRINO_JAVA_HOME.
set -euo pipefail
source "$(dirname "$0")/trino-env.sh"

heap=${MNP_TRINO_HEAP:-1536M}
timeout=240
while (($# > 0)); do
  case "$1" in
    --heap) heap=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) fail "read arguments" "unknown argument $1 (expected --heap SIZE or --timeout SECONDS)" ;;
  esac
done

info_of() { curl --silent --max-time 2 "$1/v1/info" 2>/dev/null || true; }
pid_file="$TRINO_STATE_DIR/data/var/run/launcher.pid"

step "looking for a running server of $TRINO_STATE_DIR"
if [[ -f "$TRINO_STATE_DIR/url" && -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  url=$(cat "$TRINO_STATE_DIR/url")
  if info_of "$url" | grep -q '"starting":false'; then
    step "reusing the server already running at $url (pid $(cat "$pid_file"))"
    printf 'reused %s\n' "$url"
    exit 0
  fi
fi

step "checking the Trino $TRINO_VERSION distribution in $TRINO_HOME"
[[ -f "$TRINO_HOME/.mnp-complete" ]] || fail "check distribution" "not fetched yet: run scripts/trino/fetch-trino.sh"

step "finding Java 24 or later (Trino $TRINO_VERSION needs it)"
java_home=$(find_java_home) || fail "find Java" "no Java 24+ found (set MNP_TRINO_JAVA_HOME; CI has /usr/lib/jvm/temurin-25-jdk-amd64)"
step "using $java_home"

step "choosing a free loopback port"
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})") ||
  fail "choose port" "node could not open a loopback port"
url="http://127.0.0.1:$port"

step "writing the configuration into $TRINO_STATE_DIR/etc"
rm -rf "$TRINO_STATE_DIR/etc" "$TRINO_STATE_DIR/url"
mkdir -p "$TRINO_STATE_DIR/etc/catalog" "$TRINO_STATE_DIR/data" "$TRINO_STATE_DIR/metastore" || fail "write configuration" "cannot create $TRINO_STATE_DIR"
cat >"$TRINO_STATE_DIR/etc/jvm.config" <<JVM
-server
-Xmx$heap
-XX:+UseG1GC
-XX:ParallelGCThreads=2
-XX:ConcGCThreads=1
-XX:TieredStopAtLevel=1
-XX:ReservedCodeCacheSize=256M
-XX:+ExitOnOutOfMemoryError
-XX:+EnableDynamicAgentLoading
-XX:-UsePerfData
-Djdk.attach.allowAttachSelf=true
-Dfile.encoding=UTF-8
-Duser.timezone=UTC
JVM
cat >"$TRINO_STATE_DIR/etc/node.properties" <<NODE
node.environment=mnp_briefings_test
node.id=mnp-briefings-trino-$TRINO_VERSION
node.data-dir=$TRINO_STATE_DIR/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
NODE
cat >"$TRINO_STATE_DIR/etc/config.properties" <<CONFIG
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=$url
catalog.management=static
web-ui.enabled=false
query.max-memory=512MB
query.max-memory-per-node=512MB
task.concurrency=2
CONFIG
printf 'io.trino=INFO\n' >"$TRINO_STATE_DIR/etc/log.properties"
# The Hive connector over the local file system: table locations are local:///absolute/path.
cat >"$TRINO_STATE_DIR/etc/catalog/hive.properties" <<CATALOG
connector.name=hive
hive.metastore=file
hive.metastore.catalog.dir=local://$TRINO_STATE_DIR/metastore
fs.native-local.enabled=true
local.location=/
hive.parquet.time-zone=UTC
hive.non-managed-table-writes-enabled=true
CATALOG

step "starting trino-server $TRINO_VERSION on $url (heap $heap; log $TRINO_STATE_DIR/data/var/log/server.log)"
JAVA_HOME=$java_home PATH="$java_home/bin:$PATH" "$TRINO_HOME/bin/launcher" start \
  --etc-dir "$TRINO_STATE_DIR/etc" --data-dir "$TRINO_STATE_DIR/data" --jvm-dir "$java_home" >&2 ||
  fail "start server" "the launcher failed; see $TRINO_STATE_DIR/data/var/log/launcher.log"

step "waiting up to ${timeout}s for the server to finish starting"
started=$SECONDS
until info_of "$url" | grep -q '"starting":false'; do
  if ! kill -0 "$(cat "$pid_file" 2>/dev/null || echo 0)" 2>/dev/null; then
    tail -n 30 "$TRINO_STATE_DIR/data/var/log/server.log" >&2 || true
    fail "wait for server" "the server process ended during start-up (log above)"
  fi
  if ((SECONDS - started > timeout)); then
    tail -n 30 "$TRINO_STATE_DIR/data/var/log/server.log" >&2 || true
    "$TRINO_HOME/bin/launcher" kill --etc-dir "$TRINO_STATE_DIR/etc" --data-dir "$TRINO_STATE_DIR/data" >&2 || true
    fail "wait for server" "not started after ${timeout}s; killed it (log above)"
  fi
  sleep 1
done
printf '%s\n' "$url" >"$TRINO_STATE_DIR/url"
step "server ready at $url after $((SECONDS - started))s"
printf 'started %s\n' "$url"
