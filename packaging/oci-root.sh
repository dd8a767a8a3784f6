#!/usr/bin/env bash
# Lays out the files the OCI image adds to an empty (scratch) base, since no registry is reachable to
# pull a base image from: the jlinked runtime at /opt/java, the C libraries it and Netty's native
# transport need (copied from this build machine, with the dynamic loader), a candor user, the
# config and log directories, and /tmp. Jib (-Poci) then adds the jars and writes the image tarball.
#   packaging/oci-root.sh TARGET_DIR      (after the package phase made TARGET_DIR/candor.jar and lib/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$(cd "${1:?usage: oci-root.sh TARGET_DIR}" && pwd)"
root="$target/oci-root"
rm -rf "$root"
mkdir -p "$root/opt" "$root/etc/candor" "$root/var/log/candor" "$root/tmp"

"$here/jlink-runtime.sh" "$target/candor.jar" "$target/lib" "$root/opt/java"

# Every shared library the runtime loads (ldd of the launcher and each library), plus what is loaded
# by name rather than linked: libgcc_s (glibc loads it to unwind a thread that exits) and what Netty's
# native epoll and BoringSSL libraries, unpacked at run time, link against.
libs="$(
  { ldd "$root/opt/java/bin/java"; find "$root/opt/java/lib" -name '*.so' -exec ldd {} \; ; } 2>/dev/null \
    | awk '/=> \// {print $3} /^\t\/.*ld-linux/ {print $1}'
  for name in libgcc_s.so.1 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1; do
    # awk reads to the end: leaving early would kill ldconfig with SIGPIPE, which pipefail turns into
    # a failed build (exit 141) whenever ldconfig had not finished writing.
    ldconfig -p | awk -v n="$name" '!found && $1 == n && /x86-64/ {print $NF; found = 1}'
  done
)"
for lib in $(printf '%s\n' "$libs" | sort -u); do
  real="$(readlink -f "$lib")"
  mkdir -p "$root$(dirname "$lib")"
  cp "$real" "$root$lib"
done
# The loader's canonical path, which every x86-64 binary names.
if [ ! -e "$root/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$root/lib64"
  cp "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$root/lib64/ld-linux-x86-64.so.2"
fi

printf 'root:x:0:0:root:/root:/sbin/nologin\ncandor:x:65532:65532:Candor:/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\ncandor:x:65532:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
cp "$here/oci/candor.yaml" "$root/etc/candor/candor.yaml"
echo "oci-root: $(du -sh "$root" | cut -f1) in $root" >&2
