#!/usr/bin/env bash
# Prints the folder holding Apache Cassandra 5.0.8's runtime jars, fetching them (once) from
# Maven Central with Debian's Maven into the build tree; installs Debian's JDK 17 and Maven when
# missing. Cassandra 5.0 runs on Java 11 or 17 only, so it insists on JDK 17 (a newer default
# `java` fails at start). Prints "<java> <lib folder>" on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache=${KONGDB_CASSANDRA_CACHE:-$root/build/cassandra}
pom="$root/scripts/cassandra/pom.xml"
java17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
[ -x "$java17" ] || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

lib="$cache/lib"
stamp="$cache/.pom"
if ! cmp -s "$pom" "$stamp" || [ ! -f "$lib/cassandra-all-5.0.8.jar" ]; then
  echo "== fetching Cassandra 5.0.8 jars from Maven Central into $lib" >&2
  rm -rf "$lib"
  mkdir -p "$cache"
  # The cassandra-parent pom's jmc systemPath error is harmless noise; resolution itself must work.
  JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 mvn -B -q -f "$pom" \
    -Dmaven.repo.local="$cache/m2" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$lib" >"$cache/mvn.log" 2>&1 ||
    { cat "$cache/mvn.log" >&2; exit 1; }
  n=$(ls "$lib" | wc -l)
  [ "$n" -gt 50 ] || { echo "only $n jars resolved (see $cache/mvn.log)" >&2; exit 1; }
  cp "$pom" "$stamp"
fi
echo "$java17 $lib"
