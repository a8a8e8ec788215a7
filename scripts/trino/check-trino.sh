#!/usr/bin/env bash
# Says whether a Trino test server can start here: Java 24+ found and the distribution fetched.
# Exit 0 with "ready ..." on stdout, or exit 1 with the reason on stdout.
# Usage: scripts/trino/check-trino.sh
set -euo pipefail
source "$(dirname "$0")/trino-env.sh"

if ! java_home=$(find_java_home); then
  echo "no Java 24 or later found (Trino $TRINO_VERSION needs it; set MNP_TRINO_JAVA_HOME)"
  exit 1
fi
if [[ ! -f "$TRINO_HOME/.mnp-complete" ]]; then
  echo "trino-server $TRINO_VERSION is not fetched into $TRINO_HOME (run scripts/trino/fetch-trino.sh)"
  exit 1
fi
echo "ready: trino-server $TRINO_VERSION in $TRINO_HOME, Java in $java_home"
