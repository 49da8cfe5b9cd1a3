#!/bin/sh
# Shared launcher of the apim-fleet commands: finds Java and the jars, then runs MAIN_CLASS.
# JAVA_HOME selects the JVM (Java 17+); FLEET_JAVA_OPTS replaces the default JVM options.
set -e
self=$(readlink -f "$0")
app_home=$(cd "$(dirname "$self")/.." && pwd -P)
if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
if ! command -v "$java" >/dev/null 2>&1; then
  echo "${FLEET_COMMAND:-apim-fleet}: Java 17 or later is required (set JAVA_HOME or put java on PATH)" >&2
  exit 127
fi
# Small heap, serial GC and C1 only: these are short commands and light daemons, not a server farm.
# Each command may set DEFAULT_JAVA_OPTS; FLEET_JAVA_OPTS overrides both.
: "${FLEET_JAVA_OPTS:=${DEFAULT_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}}"
# apim.fleet.home: the distribution's folder, for commands that run its other commands (fleet demo).
# shellcheck disable=SC2086
# CLASSPATH_JAR: a jar of lib/ whose manifest Class-Path names its dependencies; only those are opened
# (every opened jar keeps its directory on the heap). Without it, or not found: every jar of lib/.
cp="$app_home/lib/*"
if [ -n "$CLASSPATH_JAR" ]; then
  for jar in "$app_home"/lib/$CLASSPATH_JAR; do if [ -f "$jar" ]; then cp=$jar; fi; done
fi
exec "$java" $FLEET_JAVA_OPTS "-Dapim.fleet.home=$app_home" -cp "$cp" "$MAIN_CLASS" "$@"
