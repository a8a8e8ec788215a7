#!/usr/bin/env bash
# Fetches the pinned Trino server from Maven Central into the cache (outside the repository),
# checks its SHA-1, and keeps only what a Hive catalog over local files needs: bin/, lib/ and
# plugin/hive (the distribution carries some 60 plugins; loading them all slows every start).
# Idempotent: a complete cached copy is reused. Usage: scripts/trino/fetch-trino.sh
set -euo pipefail
source "$(dirname "$0")/trino-env.sh"

if [[ -f "$TRINO_HOME/.mnp-complete" ]]; then
  step "trino-server $TRINO_VERSION already cached in $TRINO_HOME"
  exit 0
fi

mkdir -p "$MNP_CACHE_DIR" || fail "create cache folder" "cannot create $MNP_CACHE_DIR"
archive="$MNP_CACHE_DIR/trino-server-$TRINO_VERSION.tar.gz"
url="$MAVEN_CENTRAL_URL/io/trino/trino-server/$TRINO_VERSION/trino-server-$TRINO_VERSION.tar.gz"
if [[ ! -f "$archive" ]]; then
  step "downloading $url (about 800 MB)"
  curl --fail --silent --show-error --location --retry 3 -o "$archive.part" "$url" || fail "download" "curl could not fetch $url"
  mv "$archive.part" "$archive"
fi

step "checking SHA-1 of $archive"
actual=$(sha1sum "$archive" | cut -d' ' -f1)
if [[ "$actual" != "$TRINO_SHA1" ]]; then
  rm -f "$archive"
  fail "verify checksum" "SHA-1 $actual, expected $TRINO_SHA1 (the download was removed; run again)"
fi

step "unpacking into $TRINO_HOME, then removing every plugin but hive"
rm -rf "$TRINO_HOME" "$TRINO_HOME.part"
mkdir -p "$TRINO_HOME.part"
# Whole archive first: the plugins share jars as hard links into one another's folders.
tar -xzf "$archive" -C "$TRINO_HOME.part" --strip-components=1 || fail "unpack" "tar could not unpack $archive"
find "$TRINO_HOME.part/plugin" -mindepth 1 -maxdepth 1 ! -name hive -exec rm -rf {} + || fail "prune plugins" "could not remove the unused plugins"
touch "$TRINO_HOME.part/.mnp-complete"
mv "$TRINO_HOME.part" "$TRINO_HOME"
rm -f "$archive"
step "trino-server $TRINO_VERSION ready in $TRINO_HOME ($(du -sh "$TRINO_HOME" | cut -f1))"
