#!/usr/bin/env bash
# bench/explain.sh: how fast `candor explain` reads a large log, in one pass with flat memory.
#
# Generates a synthetic nginx combined access log of SIZE_MB megabytes (1 request in FAIL_EVERY a 502 or 504,
# each with its line in a matching error log), then times `candor explain` on the pair and reports MB/s of
# input (access log + error log) and the peak resident memory of the JVM. See docs/performance.md.
#
#   bench/explain.sh
#   SIZE_MB=4096 bench/explain.sh
#
# Environment (defaults in brackets): SIZE_MB [1024]  FAIL_EVERY [200]  KEEP_TMP [0]
#   CANDOR_JAVA_OPTS [-Xmx64m]: JVM flags, passed through by the ./candor launcher
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
FAIL_EVERY=${FAIL_EVERY:-200}
# a small heap shows that memory stays flat: the log never sits in memory
export CANDOR_JAVA_OPTS="${CANDOR_JAVA_OPTS:--Xmx64m}"
tmp=$(mktemp -d)
if [ "${KEEP_TMP:-0}" != 1 ]; then trap 'rm -rf "$tmp"' EXIT; fi

./candor version >/dev/null   # builds the jar first, outside the timing

echo "generating ${SIZE_MB} MB of nginx logs in $tmp ..." >&2
awk -v bytes=$((SIZE_MB * 1024 * 1024)) -v every="$FAIL_EVERY" -v access="$tmp/access.log" -v errors="$tmp/error.log" '
BEGIN {
  split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
  t = 0; written = 0; n = 0
  while (written < bytes) {
    n++
    if (n % 50 == 0) t++
    s = t % 60; m = int(t / 60) % 60; h = (8 + int(t / 3600)) % 24
    stamp = sprintf("07/Dec/2026:%02d:%02d:%02d +0000", h, m, s)
    ip = sprintf("10.%d.%d.%d", n % 7, n % 251, n % 13)
    uri = sprintf("/api/v1/items/%d?page=%d", n % 100000, n % 17)
    status = 200
    if (n % every == 0) {
      timeout = (n / every) % 3 == 0
      status = timeout ? 504 : 502
      up = sprintf("10.1.0.%d:8080", n % 4 + 1)
      printf "2026/12/07 %02d:%02d:%02d [error] 811#811: *%d %s while %s upstream, client: %s, server: api.example.com, request: \"GET %s HTTP/1.1\", upstream: \"http://%s%s\", host: \"api.example.com\"\n", \
        h, m, s, n, timeout ? "upstream timed out (110: Connection timed out)" : "connect() failed (111: Connection refused)", \
        timeout ? "reading response header from" : "connecting to", ip, uri, up, uri > errors
    }
    line = sprintf("%s - - [%s] \"GET %s HTTP/1.1\" %d %d \"https://example.com/start\" \"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\"", \
      ip, stamp, uri, status, 512 + n % 4096)
    print line > access
    written += length(line) + 1
  }
}'
total=$(( $(stat -c %s "$tmp/access.log") + $(stat -c %s "$tmp/error.log") ))
echo "input: $(wc -l < "$tmp/access.log") access lines, $(wc -l < "$tmp/error.log") error lines, $((total / 1024 / 1024)) MB" >&2

# The page cache holds the files after generation: this measures parsing, not the disk.
start=$(date +%s.%N)
set +e
/usr/bin/time -f "%M %U %S" -o "$tmp/rss" ./candor explain "$tmp/error.log" "$tmp/access.log" > "$tmp/report.txt"
code=$?
set -e
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc -l)
echo "exit code $code (2: failures found)"
head -3 "$tmp/report.txt"
read -r rss user sys < <(tail -1 "$tmp/rss")
cpu=$(echo "$user + $sys" | bc -l)
printf 'read %d MB in %.2f s wall (%.0f MB/s), %.2f s of CPU (%.0f MB per CPU-second, all JVM threads); peak RSS %d MB\n' \
  $((total / 1024 / 1024)) "$secs" "$(echo "$total / 1048576 / $secs" | bc -l)" "$cpu" \
  "$(echo "$total / 1048576 / $cpu" | bc -l)" $((rss / 1024))
