# Sourced by the Trino scripts: the pinned version, where it is cached, which Java runs it, and
# a step printer. Trino 476 is the newest trino-server on Maven Central here; it needs Java 24+.
TRINO_VERSION=476
TRINO_SHA1=c9b38be4017ebd2f7095455aaac772fb40247ebe
MAVEN_CENTRAL_URL=${MAVEN_CENTRAL_URL:-https://repo1.maven.org/maven2}
MNP_CACHE_DIR=${MNP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mnp-briefings}
TRINO_HOME=${MNP_TRINO_HOME:-$MNP_CACHE_DIR/trino-server-$TRINO_VERSION}
# Where a server started by start-trino.sh keeps its configuration, data, metastore and logs.
TRINO_STATE_DIR=${MNP_TRINO_STATE_DIR:-$MNP_CACHE_DIR/trino-$TRINO_VERSION-state}

step() { printf '[trino] %s\n' "$*" >&2; }
fail() { printf '[trino] FAILED at step "%s": %s\n' "$1" "$2" >&2; exit 1; }

# Prints the home of a Java whose major version is 24 or above, or nothing.
find_java_home() {
  local candidate
  for candidate in "${MNP_TRINO_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] || continue
    local major
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [[ -n "$major" && "$major" -ge 24 ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}
