#!/usr/bin/env bash
# bench/journal.sh: what the journal costs per request.
#
# Two Candors with the same config but for one key, `journal: off` and the journal on (a SQLite file in
# the temp dir), each serve two loads (wrk, keep-alive, 100 B responses) in interleaved rounds:
#   ok    every request succeeds (a fast nginx backend): the journal only counts it, per minute
#   fail  every request fails (connection_refused: nothing listens on the upstream's port): the worst
#         case, each failure is a row with its whole evidence for the journal's writer thread
# and prints requests per second for each (median of the rounds) as a Markdown table, with the journal's
# own counts from /api/status (rows written, rows dropped because its queue was full).
# See docs/journal.md "What it costs".
#
# Run as root on Linux (nginx, wrk, curl and python3 are installed with apt-get when missing):
#   bench/journal.sh
#   ROUNDS=1 DURATION=2s WARMUP=1s bench/journal.sh      # a smoke run
# Environment (defaults in brackets): ROUNDS [3]  DURATION [10s]  WARMUP [10s]  CONNECTIONS [50]
#   PORT_BASE [29280]: uses PORT_BASE .. PORT_BASE+5 on 127.0.0.1  CANDOR_CPUS [1]  LOAD_CPUS [0]
#   KEEP_TMP [0]: 1 keeps the temp dir (configs, journal file, Candor's output)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-10s}"
CONNECTIONS="${CONNECTIONS:-50}"
PORT_BASE="${PORT_BASE:-29280}"
CANDOR_CPUS="${CANDOR_CPUS:-1}"
LOAD_CPUS="${LOAD_CPUS:-0}"
BACKEND_PORT=$PORT_BASE
DEAD_PORT=$((PORT_BASE + 1))   # nothing listens here: every connect is refused
OFF_PORT=$((PORT_BASE + 2))
OFF_ADMIN=$((PORT_BASE + 3))
ON_PORT=$((PORT_BASE + 4))
ON_ADMIN=$((PORT_BASE + 5))

log() { printf '[journal %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number"
[[ "$DURATION" =~ ^[1-9][0-9]*[smh]?$ ]] || die "DURATION must look like 10s, 2m or 1h"
[[ "$WARMUP" =~ ^[0-9]+[smh]?$ ]] || die "WARMUP must look like 5s (0 for none)"
for tool in nginx wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] && continue
  [ "$(id -u)" = 0 ] || die "$tool is missing (run as root to have it installed)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk curl python3 >/dev/null
done
export PATH="$PATH:/usr/sbin"
for p in $(seq "$PORT_BASE" $((PORT_BASE + 5))); do
  [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] || die "port 127.0.0.1:$p is in use; pick others with PORT_BASE"
done
[ -f "$root/target/candor.jar" ] || (cd "$root" && ./mvnw -B -q -DskipTests package) >&2

tmp="$(mktemp -d /tmp/candor-journal-bench.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

mkdir -p "$tmp/www" "$tmp/nginx/logs" "$tmp/off" "$tmp/on"
chmod 755 "$tmp" "$tmp/www"
head -c 100 /dev/zero | tr '\0' 'x' >"$tmp/www/100b"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log crit;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND_PORT backlog=4096; root $tmp/www; location / { } }
}
EOF

# candor_config DIR PORT ADMIN JOURNAL_LINE: the same config, but for the journal.
candor_config() {
  cat >"$1/candor.yaml" <<EOF
listeners:
  - address: 127.0.0.1:$2
admin:
  address: 127.0.0.1:$3
workers: 1
access_log: off
$4
routes:
  - name: fail
    match: { path_prefix: /fail }
    upstream: dead
  - name: ok
    upstream: backend
upstreams:
  backend:
    endpoints:
      - address: 127.0.0.1:$BACKEND_PORT
  dead:
    endpoints:
      - address: 127.0.0.1:$DEAD_PORT
EOF
}
candor_config "$tmp/off" "$OFF_PORT" "$OFF_ADMIN" "journal: off"
candor_config "$tmp/on" "$ON_PORT" "$ON_ADMIN" "journal: { path: $tmp/on/candor-journal.db }"

cat >"$tmp/report.lua" <<'EOF'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p99=%d errors=%d non2xx=%d\n", summary.requests,
    summary.duration / 1e6, latency:percentile(99), summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status))
end
EOF

taskset -c "$LOAD_CPUS" nginx -c "$tmp/nginx.conf" -p "$tmp/nginx" & pids+=($!)
for side in off on; do
  (cd "$root" && exec taskset -c "$CANDOR_CPUS" ./candor run -c "$tmp/$side/candor.yaml" >"$tmp/$side/candor.out" 2>&1) &
  pids+=($!)
done
for port in $OFF_PORT $ON_PORT; do
  for i in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$port/100b" && break
    [ "$i" = 600 ] && die "Candor on port $port did not answer (see $tmp/*/candor.out)"
    sleep 0.1
  done
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ON_PORT/fail")" = 502 ] || die "/fail does not fail"

wrk_round() {  # wrk_round PORT PATH DURATION -> RESULT line
  timeout -k 5 900 taskset -c "$LOAD_CPUS" wrk -t 1 -c "$CONNECTIONS" -d "$3" --latency -s "$tmp/report.lua" \
    "http://127.0.0.1:$1$2" | grep '^RESULT'
}

if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
  log "warm-up ($WARMUP per Candor and load)"
  for port in $OFF_PORT $ON_PORT; do
    wrk_round "$port" /100b "$WARMUP" >/dev/null
    wrk_round "$port" /fail "$WARMUP" >/dev/null
  done
fi
results="$tmp/results"
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  for load in ok fail; do
    path=/100b
    [ "$load" = fail ] && path=/fail
    for side in off on; do
      port=$OFF_PORT
      [ "$side" = on ] && port=$ON_PORT
      r="$(wrk_round "$port" "$path" "$DURATION")"
      log "round $round, $load, journal $side: $r"
      echo "$side $load $r" >>"$results"
    done
  done
done
status="$(curl -s "http://127.0.0.1:$ON_ADMIN/api/status")"

python3 - "$results" "$status" "$tmp/on/candor-journal.db" <<'EOF'
import json, os, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
    rows.setdefault((f[0], f[1]), []).append(kv)
def rps(r):
    return int(r["requests"]) / float(r["seconds"])
print("| load | journal | req/s per round | req/s median | p99 median | errors | non-2xx |")
print("|---|---|---|---:|---:|---:|---:|")
median = {}
for load in ("ok", "fail"):
    for side in ("off", "on"):
        rs = rows[(side, load)]
        median[(side, load)] = statistics.median(rps(r) for r in rs)
        print("| %s | %s | %s | %.0f | %.2f ms | %d | %d |" % (
            "every request succeeds" if load == "ok" else "every request fails (connection_refused)", side,
            " / ".join("%.0f" % rps(r) for r in rs), median[(side, load)],
            statistics.median(int(r["p99"]) for r in rs) / 1000,
            sum(int(r["errors"]) for r in rs), sum(int(r["non2xx"]) for r in rs)))
print()
for load in ("ok", "fail"):
    print("journal on / off, %s: %.3fx" % ("succeeding" if load == "ok" else "failing",
          median[("on", load)] / median[("off", load)]))
j = json.loads(sys.argv[2]).get("journal", {})
size = os.path.getsize(sys.argv[3]) if os.path.exists(sys.argv[3]) else 0
print()
print("journal at the end: rows_written=%s rows_dropped=%s queued=%s writing=%s file=%.1f MiB" % (
    j.get("rows_written"), j.get("rows_dropped"), j.get("queued"), j.get("writing"), size / 1048576))
EOF
