#!/usr/bin/env bash
# Makes the Java runtime Candor ships with (the Debian package and the OCI image): only the modules
# jdeps finds in Candor and its libraries, plus those reached only by name at run time (EC keys for
# TLS, the JNDI DNS provider). Log4j2 needs java.beans from java.desktop, but nothing of AWT, sound or
# images: those native libraries are left out, so the runtime needs no X11, ALSA or font libraries.
#   packaging/jlink-runtime.sh JAR LIB_DIR OUTPUT_DIR
set -euo pipefail
jar="${1:?usage: jlink-runtime.sh JAR LIB_DIR OUTPUT_DIR}"
lib="${2:?usage: jlink-runtime.sh JAR LIB_DIR OUTPUT_DIR}"
out="${3:?usage: jlink-runtime.sh JAR LIB_DIR OUTPUT_DIR}"

jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
for tool in jlink jdeps; do
  if [ ! -x "$jdk/bin/$tool" ]; then
    echo "jlink-runtime: $jdk/bin/$tool is missing: a full JDK 17+ is needed (set JAVA_HOME)" >&2
    exit 1
  fi
done
if [ ! -d "$jdk/jmods" ]; then
  echo "jlink-runtime: $jdk/jmods is missing (Debian: apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi

modules="$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps -q \
  --class-path "$lib/*" "$jar" "$lib"/*.jar),jdk.crypto.ec,jdk.naming.dns"
echo "jlink-runtime: modules $modules" >&2
desktop_natives="libawt.so libawt_headless.so libawt_xawt.so libfontmanager.so libjavajpeg.so libjawt.so"
desktop_natives="$desktop_natives libjsound.so liblcms.so libmlib_image.so libsplashscreen.so"
exclude="$(for f in $desktop_natives; do printf '**/%s,' "$f"; done)"
rm -rf "$out"
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --exclude-files "${exclude%,}" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out"
