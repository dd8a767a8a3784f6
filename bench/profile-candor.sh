#!/usr/bin/env bash
# bench/profile-candor.sh: a JFR CPU profile of Candor under the 100 B keep-alive load of run.sh.
#
# Starts the backend nginx and Candor pinned as run.sh does, warms Candor up, records a JFR
# profile (settings=profile) while wrk keeps the load on, then prints the hottest methods (self and
# inclusive), the innermost Candor frames, native (system call) samples, allocation per request, GC
# pauses, and the split of Candor's CPU time between user and kernel. Needs nginx, wrk, python3 and a JDK with jcmd and jfr.
#
#   bench/profile-candor.sh                 # report on stdout
#   DURATION=30s PATH_=/16k bench/profile-candor.sh
#
# Environment: DURATION [15s] (recording), WARMUP [10s], CONNECTIONS [50], PATH_ [/100b],
# CANDOR_CPUS [1], WRK_CPUS [0], BACKEND_CPUS [2 with 3+ CPUs, else $WRK_CPUS], PORT_BASE [28180],
# TOP [25] (rows per list), KEEP_TMP [0] (1 keeps the .jfr file and the configs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-10s}"
CONNECTIONS="${CONNECTIONS:-50}"
PATH_="${PATH_:-/100b}"
CANDOR_CPUS="${CANDOR_CPUS:-1}"
WRK_CPUS="${WRK_CPUS:-0}"
PORT_BASE="${PORT_BASE:-28180}"
TOP="${TOP:-25}"
KEEP_TMP="${KEEP_TMP:-0}"
if [ -z "${BACKEND_CPUS:-}" ]; then
  if [ "$(getconf _NPROCESSORS_ONLN)" -ge 3 ]; then BACKEND_CPUS=2; else BACKEND_CPUS="$WRK_CPUS"; fi
fi
BACKEND_PORT=$PORT_BASE
CANDOR_PORT=$((PORT_BASE + 1))

log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in nginx wrk python3 jcmd jfr taskset curl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || die "$tool is missing (bench/run.sh installs nginx and wrk)"
done
export PATH="$PATH:/usr/sbin"
[[ "$DURATION" =~ ^[1-9][0-9]*s$ ]] || die "DURATION must be whole seconds, like 15s"
[[ "$WARMUP" =~ ^[0-9]+s$ ]] || die "WARMUP must be whole seconds, like 10s"
for p in $BACKEND_PORT $CANDOR_PORT; do
  [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] || die "port 127.0.0.1:$p is in use; set PORT_BASE"
done
if [ ! -f "$root/target/candor.jar" ] || [ ! -d "$root/target/lib" ]; then
  log "building Candor (target/candor.jar is missing)"
  (cd "$root" && ./mvnw -B -q -DskipTests package) >&2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/candor-profile.XXXXXX")"
chmod 755 "$tmp"
mkdir -p "$tmp/www" "$tmp/nginx"
pids=()
cleanup() {
  local rc=$? pid i
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$KEEP_TMP" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

head -c 100 /dev/zero | tr '\0' 'a' >"$tmp/www/100b"
head -c 16384 /dev/zero | tr '\0' 'b' >"$tmp/www/16k"
head -c 1048576 /dev/zero | tr '\0' 'c' >"$tmp/www/1m"
chmod 644 "$tmp"/www/*

cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server { listen 127.0.0.1:$BACKEND_PORT backlog=4096; root $tmp/www; }
}
EOF

cat >"$tmp/candor.yaml" <<EOF
listeners:
  - address: 127.0.0.1:$CANDOR_PORT
workers: 1
access_log:
  path: $tmp/access.log
shutdown_grace: 1s
routes:
  - upstream: backend
upstreams:
  backend:
    endpoints:
      - address: 127.0.0.1:$BACKEND_PORT
EOF

taskset -c "$BACKEND_CPUS" nginx -c "$tmp/nginx.conf" -p "$tmp/nginx" >"$tmp/nginx.out" 2>&1 &
pids+=($!)
# deeper stacks than JFR's default 64 frames: Netty pipelines are deep
CANDOR_JAVA_OPTS="${CANDOR_JAVA_OPTS:-} -XX:FlightRecorderOptions:stackdepth=256" \
  taskset -c "$CANDOR_CPUS" "$root/candor" run -c "$tmp/candor.yaml" >"$tmp/candor.out" 2>&1 &
candor=$!
pids+=("$candor")
for i in $(seq 1 120); do
  kill -0 "$candor" 2>/dev/null || { cat "$tmp/candor.out" >&2; die "Candor exited"; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$CANDOR_PORT$PATH_" || true)" = 200 ] && break
  [ "$i" -lt 120 ] || die "Candor did not answer within 60 s"
  sleep 0.5
done

wrk_for() {
  timeout -k 5 $(( ${1%s} + 60 )) taskset -c "$WRK_CPUS" wrk -t 1 -c "$CONNECTIONS" -d "$1" --latency \
    "http://127.0.0.1:$CANDOR_PORT$PATH_"
}
log "warm-up $WARMUP"
wrk_for "$WARMUP" >"$tmp/wrk-warmup.txt" 2>&1
log "baseline $DURATION without recording"
wrk_for "$DURATION" >"$tmp/wrk-baseline.txt" 2>&1

secs=${DURATION%s}
stat0="$(awk '{sub(/^.*\) /, ""); print $12, $13}' "/proc/$candor/stat")"
log "recording $DURATION of JFR under load"
wrk_for "$((secs + 4))s" >"$tmp/wrk.txt" 2>&1 &
wrk_pid=$!
pids+=("$wrk_pid")
sleep 2
jcmd "$candor" JFR.start name=bench settings=profile duration="${secs}s" filename="$tmp/candor.jfr" >/dev/null
sleep $((secs + 1))
for i in $(seq 1 100); do [ -s "$tmp/candor.jfr" ] && break; sleep 0.2; done
stat1="$(awk '{sub(/^.*\) /, ""); print $12, $13}' "/proc/$candor/stat")"
wait "$wrk_pid" || true
[ -s "$tmp/candor.jfr" ] || die "no recording was written"

echo "## Candor profile: GET $PATH_, $CONNECTIONS keep-alive connections, $DURATION of JFR (settings=profile)"
echo
echo "Without recording: $(awk '/Requests\/sec/ {print $2}' "$tmp/wrk-baseline.txt") req/s, p99 $(awk '$1 == "99%" {print $2}' "$tmp/wrk-baseline.txt");"
echo "while recording: $(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt") req/s, p99 $(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")."
read -r u0 s0 <<<"$stat0"
read -r u1 s1 <<<"$stat1"
echo
echo "CPU time of the Candor process while recording: user $(( (u1 - u0) * 100 / ( (u1 - u0) + (s1 - s0) + 1 ) ))%, kernel $(( (s1 - s0) * 100 / ( (u1 - u0) + (s1 - s0) + 1 ) ))%."
echo

jfr print --json --events jdk.ExecutionSample "$tmp/candor.jfr" >"$tmp/samples.json"
jfr print --json --events jdk.NativeMethodSample "$tmp/candor.jfr" >"$tmp/native.json"
jfr print --json --events jdk.ThreadAllocationStatistics "$tmp/candor.jfr" >"$tmp/talloc.json"
jfr print --json --events jdk.GarbageCollection "$tmp/candor.jfr" >"$tmp/gc.json"

python3 - "$tmp" "$TOP" "$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")" <<'EOF'
import json, sys
from collections import Counter

tmp, top = sys.argv[1], int(sys.argv[2])

def events(name):
    with open(f"{tmp}/{name}.json") as f:
        return json.load(f)["recording"]["events"]

def frame_name(fr):
    m = fr["method"]
    # JFR gives internal names (io/netty/...); hidden lambda classes get a per-run suffix
    cls = m["type"]["name"].replace("/", ".").split("$$Lambda")[0]
    return "%s.%s" % (cls, m["name"])

def category(name):
    for prefix, cat in (("dev.candor.observe", "Candor access log and tracing"), ("dev.candor", "Candor"),
                        ("io.netty.handler.codec", "Netty HTTP codec"), ("io.netty.channel.epoll", "Netty epoll transport"),
                        ("io.netty.buffer", "Netty buffers"), ("io.netty", "Netty other"),
                        ("org.apache.logging", "Log4j2"), ("com.lmax", "LMAX disruptor"),
                        ("java.", "JDK"), ("jdk.", "JDK"), ("sun.", "JDK")):
        if name.startswith(prefix):
            return cat
    return "other"

samples = events("samples")
n = len(samples)
native = events("native")
native_c = Counter()
for e in native:
    v = e["values"]
    if ((v.get("sampledThread") or {}).get("javaName") or "").startswith("candor-loop"):
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if frames:
            native_c[frame_name(frames[0])] += 1
truncated = sum(1 for e in samples if (e["values"].get("stackTrace") or {}).get("truncated"))
self_c, incl_c, thread_c, cat_c, candor_c = Counter(), Counter(), Counter(), Counter(), Counter()
for e in samples:
    v = e["values"]
    thread_c[(v.get("sampledThread") or {}).get("javaName") or "?"] += 1
    frames = [frame_name(fr) for fr in ((v.get("stackTrace") or {}).get("frames") or [])]
    if not frames:
        continue
    self_c[frames[0]] += 1
    cat_c[category(frames[0])] += 1
    for name in set(frames):
        incl_c[name] += 1
    # the innermost Candor frame: which part of Candor the time is spent under
    for name in frames:
        if name.startswith("dev.candor"):
            candor_c[name] += 1
            break

def table(title, counter, head):
    print(f"### {title}\n")
    print(f"| {head} | samples | share |")
    print("|---|---:|---:|")
    for k, c in counter.most_common(top):
        print("| `%s` | %d | %.1f%% |" % (k, c, 100 * c / max(n, 1)))
    print()

print(f"{n} execution samples of threads running Java code ({truncated} with truncated stacks); "
      "time inside system calls is not in them, see the native samples below.\n")
table("Threads", thread_c, "thread")
table("Self time by area (top frame)", cat_c, "area")
table("Self time by method (top frame)", self_c, "method")
table("Inclusive time by method (on the stack)", incl_c, "method")
table("Innermost Candor frame on the stack", candor_c, "method")

print("### Event-loop threads in native code (jdk.NativeMethodSample, top frame)\n")
print("| method | samples |")
print("|---|---:|")
for k, c in native_c.most_common(10):
    print("| `%s` | %d |" % (k, c))
print()

# Allocation: exact per-thread counters at the start and end of the recording (the weighted
# jdk.ObjectAllocationSample events are too biased towards single sites to rank allocations).
import re
from datetime import datetime, timezone
def ts(x):
    # e.g. 2026-11-21T04:36:08.037170819Z; fromisoformat takes at most 6 fraction digits
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?", x)
    base = datetime.fromisoformat(m.group(1)).replace(tzinfo=timezone.utc)
    frac = (m.group(2) or "0")[:6].ljust(6, "0")
    return base.replace(microsecond=int(frac))
per_thread = {}
for e in events("talloc"):
    v = e["values"]
    name = (v.get("thread") or {}).get("javaName") or "?"
    per_thread.setdefault(name, []).append((ts(v["startTime"]), v["allocated"]))
rate = float(sys.argv[3] or 0)
print("### Allocation\n")
print("| thread | allocated per second | per request |")
print("|---|---:|---:|")
for name, points in sorted(per_thread.items()):
    points.sort()
    if len(points) < 2 or not (name.startswith("candor-loop") or name.startswith("Log4j2")):
        continue
    secs = (points[-1][0] - points[0][0]).total_seconds()
    if secs <= 0:
        continue
    per_s = (points[-1][1] - points[0][1]) / secs
    print("| `%s` | %.0f MiB/s | %s |" % (name, per_s / 1048576, ("%.1f KiB" % (per_s / rate / 1024)) if rate else "—"))
print()

gcs = events("gc")
def dur_ms(d):
    # JFR JSON durations look like "PT0.001234S"
    if isinstance(d, str) and d.startswith("PT") and d.endswith("S"):
        return float(d[2:-1]) * 1000
    return 0.0
pauses = [dur_ms(e["values"].get("duration")) for e in gcs]
names = Counter(e["values"].get("name") for e in gcs)
if pauses:
    pauses.sort()
    print("### Garbage collection\n")
    print("%d collections (%s), %.1f ms in all, longest %.2f ms." % (
        len(pauses), ", ".join("%s: %d" % kv for kv in names.items()), sum(pauses), pauses[-1]))
    print()
EOF
