#!/usr/bin/env bash
# Builds the Debian package: a jlinked Java runtime (only the modules Candor uses) and jpackage --type deb.
# Run by `./mvnw -B -Pdeb -DskipTests package` after the jar and target/lib are made; usable by hand too:
#   packaging/build-deb.sh VERSION TARGET_DIR
# Needs a JDK 17+ with jmods (jlink, jdeps, jpackage), dpkg-deb and fakeroot.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${1:?usage: build-deb.sh VERSION TARGET_DIR}"
target="$(cd "${2:?usage: build-deb.sh VERSION TARGET_DIR}" && pwd)"

jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
if [ ! -x "$jdk/bin/jpackage" ]; then
  echo "build-deb: $jdk/bin/jpackage is missing: a full JDK 17+ is needed (set JAVA_HOME)" >&2
  exit 1
fi
for tool in dpkg-deb fakeroot; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
if [ ! -f "$target/candor.jar" ] || [ ! -d "$target/lib" ]; then
  echo "build-deb: $target/candor.jar and $target/lib are missing: run the package phase first" >&2
  exit 1
fi

# The Debian version from the Maven one: 0.1.0 becomes 0.1.0-1; a 0.1.0-SNAPSHOT build becomes
# 0.1.0-0~snapshot, which sorts before 0.1.0-1 so that the release replaces it.
app_version="${version%%-*}"
if [ "$app_version" = "$version" ]; then release=1; else release="0~$(printf '%s' "${version#*-}" | tr 'A-Z' 'a-z')"; fi

work="$target/deb-work"
rm -rf "$work" "$target/deb"
mkdir -p "$work/input/lib" "$work/input/share" "$target/deb"
cp "$target/candor.jar" "$work/input/"
cp "$target"/lib/*.jar "$work/input/lib/"
cp "$here"/share/* "$work/input/share/"

"$here/jlink-runtime.sh" "$work/input/candor.jar" "$work/input/lib" "$work/runtime"

# The launcher's JVM flags are those ./candor gives `candor run` on Java 17 with two or more CPUs (see
# the candor script; with one CPU it sizes the heap differently, and docs/operate.md says how to do
# the same with the package).
"$jdk/bin/jpackage" --type deb \
  --name candor \
  --app-version "$app_version" \
  --vendor "Candor" \
  --description "Reverse proxy and load balancer for HTTP that explains every error it returns" \
  --input "$work/input" \
  --main-jar candor.jar \
  --main-class dev.candor.cli.Main \
  --runtime-image "$work/runtime" \
  --java-options "-XX:+ExitOnOutOfMemoryError -Xms64m" \
  --install-dir /opt \
  --resource-dir "$here/deb/resources" \
  --linux-package-name candor \
  --linux-deb-maintainer "candor@localhost" \
  --linux-app-release "$release" \
  --dest "$target/deb"
ls -l "$target"/deb/*.deb
