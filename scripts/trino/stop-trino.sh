#!/usr/bin/env bash
# Stops the Trino server that start-trino.sh started from the same state folder, if any.
# Usage: scripts/trino/stop-trino.sh
set -euo pipefail
source "$(dirname "$0")/trino-env.sh"

pid_file="$TRINO_STATE_DIR/data/var/run/launcher.pid"
if [[ ! -f "$pid_file" ]] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  step "no server running for $TRINO_STATE_DIR"
  rm -f "$TRINO_STATE_DIR/url"
  exit 0
fi
step "stopping the server of $TRINO_STATE_DIR (pid $(cat "$pid_file"))"
"$TRINO_HOME/bin/launcher" stop --etc-dir "$TRINO_STATE_DIR/etc" --data-dir "$TRINO_STATE_DIR/data" >&2 ||
  fail "stop server" "the launcher could not stop pid $(cat "$pid_file")"
rm -f "$TRINO_STATE_DIR/url"
step "stopped"
