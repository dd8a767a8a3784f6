#!/usr/bin/env bash
# bench/jmh.sh: Candor's JMH microbenchmarks (src/jmh/java; see docs/microbenchmarks.md).
#
# Builds them with the Maven profile "jmh" when the build is missing or older than the sources, then
# runs org.openjdk.jmh.Main with every argument passed through:
#   bench/jmh.sh                                    # all benchmarks, with the settings in their annotations
#   bench/jmh.sh Router                             # the benchmarks whose name matches a regex
#   bench/jmh.sh -f 1 -wi 2 -w 1s -i 3 -r 1s        # a short run
#   bench/jmh.sh -l                                 # list them;  bench/jmh.sh -h for JMH's options
#
# Environment: JAVA_HOME (else java on PATH); JMH_JAVA_OPTS, extra flags for the JMH host JVM (the
# forked benchmark JVMs get them too unless -jvmArgs says otherwise).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="$root/target"
stamp="$target/jmh-classes/.built"

if [ ! -f "$stamp" ] || [ ! -f "$target/jmh-classes/META-INF/BenchmarkList" ] || [ ! -f "$target/candor.jar" ] \
   || [ ! -d "$target/lib" ] || [ ! -d "$target/jmh-lib" ] \
   || [ -n "$(find "$root/src/main" "$root/src/jmh" "$root/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "jmh.sh: building the benchmarks (./mvnw -B -q -Pjmh -DskipTests package)..." >&2
  (cd "$root" && ./mvnw -B -q -Pjmh -DskipTests package) >&2
  touch "$stamp"
fi

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java"
else
  java="$(command -v java || true)"
fi
if [ -z "$java" ]; then
  echo "jmh.sh: no Java found; install a JDK 17 or newer, or set JAVA_HOME" >&2
  exit 3
fi

flags=()
feature="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
if [ "${feature:-17}" -ge 24 ] 2>/dev/null; then
  # as the ./candor launcher: Netty's Unsafe-based buffers and native epoll on JDK 24+
  flags+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi

# The benchmark classes first, then Candor and its runtime libraries, then JMH. The java launcher
# expands the lib/* wildcards, and JMH hands the expanded class path to the JVMs it forks.
cp="$target/jmh-classes:$target/candor.jar:$target/lib/*:$target/jmh-lib/*"
# shellcheck disable=SC2086
exec "$java" "${flags[@]}" ${JMH_JAVA_OPTS:-} -cp "$cp" org.openjdk.jmh.Main "$@"
