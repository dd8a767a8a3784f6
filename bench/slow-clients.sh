#!/usr/bin/env bash
# bench/slow-clients.sh: does a crowd of slow clients hurt everyone else?
#
# A proxy (Candor; nginx or HAProxy with PROXY=, for comparison) in front of a fast nginx backend
# serves a normal keep-alive load (wrk, 100 B responses) in
# rounds that alternate between
#   quiet    only the wrk load
#   crowded  the same load while SLOW_CONNECTIONS hostile clients are held open:
#              slowloris   send a request head one byte at a time, a byte every SLOW_INTERVAL
#              slow body   send a head announcing a 1 MiB body, then one body byte every SLOW_INTERVAL
#                          (to a backend that reads the whole body before it answers)
#              slow reader ask for 1 MiB and never read it
#            a client whose connection the proxy closes (its head or idle deadline) connects again
#            at once, so the crowd stays at its size for the whole round
# and reports wrk's p99 both ways (median of the rounds) with the crowd's own counts. The target of
# docs/performance.md: crowded p99 within 1.5x of quiet p99.
#
# What is compared is the load with the crowd held open and without it: a crowded round starts SETTLE
# seconds after the whole crowd is connected, and the next quiet round SETTLE seconds after the proxy
# has closed the crowd's connections, so neither measures the moment 5,000 connections open or close
# at once (the crowd's own reconnections, a slowloris every 10-12.5 s, still fall in the crowded rounds).
#
# The crowd stands for clients on other machines: it and the two backends only it uses (the slow
# bodies' sink, a second nginx for the slow readers' 1 MiB) run at the idle scheduling class
# (chrt --idle), so the CPU they use never delays wrk or wrk's backend on the shared load CPU (the
# other side of this: a faster proxy keeps wrk and its backend busier and starves the crowd, so the
# crowd presses it less; the report counts the crowd's passes to show it); the
# crowd's sockets carry an Ethernet segment size and are reset when it leaves (see crowd.py below). The
# warm-up runs the same mix as the rounds (quiet, then WARMUP_CROWDS crowded periods), so a proxy whose
# code is compiled while it runs (Candor's JIT) is measured compiled, as it is after its first minutes in
# service: Candor's C2 compiler takes about half of its CPU for its first 35 s and again during each of
# the first two crowds' waves of timeouts, and is quiet from the third on.
# wrk corrects its latencies for coordinated omission: a request that waited adds a sample for every
# request its connection would have sent meanwhile, so in a 10 s round one stall of all connections
# longer than about 0.1 s sets the round's p99 close to its own length. The report gives p99.9 and
# the longest latency next to the p99.
#
# Run as root on Linux (nginx, wrk and python3 are installed with apt-get when missing):
#   bench/slow-clients.sh
# Environment (defaults in brackets): ROUNDS [3]  DURATION [10s]  WARMUP [15s]  CONNECTIONS [50]
#   SLOW_CONNECTIONS [5000]  SLOW_MIX ["80 10 10": percent slowloris, slow body, slow reader]
#   SLOW_INTERVAL [1]: seconds between a slow client's bytes  PORT_BASE [29180]
#   WARMUP_CROWDS [3]: crowded warm-up periods  SETTLE [5]: seconds between the crowd's arrival or
#   departure and the next round  CANDOR_CPUS [1]: the proxy's CPU
#   LOAD_CPUS [0]: wrk, the crowd and the backend
#   PACE_MS [0]: milliseconds each wrk connection waits before its next request; 0 loads the proxy
#   flat out. A paced load leaves the load CPU idle time with every proxy, so the crowd (idle class)
#   runs as much against a fast proxy as against a slow one
#   PROXY [candor]: candor, nginx or haproxy, each with one worker and the same limits (10 s for a
#   request head, 60 s for an idle client connection); a list such as "candor nginx haproxy" runs the
#   benchmark for each in turn, the way to compare them on the same day (the ratios move from day to day)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-15s}"
CONNECTIONS="${CONNECTIONS:-50}"
SLOW_CONNECTIONS="${SLOW_CONNECTIONS:-5000}"
SLOW_MIX="${SLOW_MIX:-80 10 10}"
SLOW_INTERVAL="${SLOW_INTERVAL:-1}"
PORT_BASE="${PORT_BASE:-29180}"
CANDOR_CPUS="${CANDOR_CPUS:-1}"
LOAD_CPUS="${LOAD_CPUS:-0}"
PROXY="${PROXY:-candor}"
WARMUP_CROWDS="${WARMUP_CROWDS:-3}"
SETTLE="${SETTLE:-5}"
PACE_MS="${PACE_MS:-0}"
if [ "$PROXY" != "${PROXY// /}" ]; then   # several proxies: one whole run each, one after the other
  for p in $PROXY; do PROXY="$p" bash "${BASH_SOURCE[0]}"; echo; done
  exit 0
fi
case "$PROXY" in candor|nginx|haproxy) ;; *) echo "PROXY must be candor, nginx or haproxy, or a list of them" >&2; exit 2 ;; esac
[[ "$PACE_MS" =~ ^[0-9]+$ ]] || { echo "PACE_MS must be a whole number of milliseconds" >&2; exit 2; }
BACKEND_PORT=$PORT_BASE
CANDOR_PORT=$((PORT_BASE + 1))
SINK_PORT=$((PORT_BASE + 2))
BULK_PORT=$((PORT_BASE + 3))

log() { printf '[slow %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

tools=(nginx wrk python3)
[ "$PROXY" = haproxy ] && tools+=(haproxy)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 && continue
  [ "$(id -u)" = 0 ] || die "$tool is missing (run as root to have it installed)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk python3 haproxy >/dev/null
done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$PROXY" != candor ] || [ -f "$root/target/candor.jar" ] || (cd "$root" && ./mvnw -B -q -DskipTests package)

tmp="$(mktemp -d /tmp/candor-slow.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/www" "$tmp/nginx/logs" "$tmp/nginx-proxy"
chmod 755 "$tmp" "$tmp/www"
head -c 100 /dev/zero | tr '\0' 'x' >"$tmp/www/100b"
head -c 1048576 /dev/zero | tr '\0' 'x' >"$tmp/www/1m"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log crit;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $tmp/nginx/body;
  server { listen 127.0.0.1:$BACKEND_PORT backlog=4096; root $tmp/www; location / { } }
}
EOF
# The slow readers' 1 MiB comes from a backend of its own (see "The crowd's side" below).
mkdir -p "$tmp/nginx-bulk/logs"
sed -e "s|$tmp/nginx/|$tmp/nginx-bulk/|g" -e "s|:$BACKEND_PORT |:$BULK_PORT |" "$tmp/nginx.conf" >"$tmp/nginx-bulk.conf"
cat >"$tmp/candor.yaml" <<EOF
listeners:
  - address: 127.0.0.1:$CANDOR_PORT
workers: 1
access_log:
  path: $tmp/access.log
limits:
  max_connections: 20000
  header_read_timeout: 10s
routes:
  - match: { path_prefix: /upload }
    upstream: sink
  - match: { path_prefix: /1m }
    upstream: bulk
  - upstream: backend
upstreams:
  bulk:
    endpoints:
      - address: 127.0.0.1:$BULK_PORT
    timeouts: { response: 600s, idle: 600s }
    pool:
      max_connections: 4096
  sink:
    endpoints:
      - address: 127.0.0.1:$SINK_PORT
    timeouts: { response: 600s, idle: 600s }
    pool:
      max_connections: 4096
  backend:
    endpoints:
      - address: 127.0.0.1:$BACKEND_PORT
    pool:
      max_connections: 4096
EOF

# The same front as nginx and as HAProxy: one worker, a 10 s head deadline, 60 s for an idle client,
# streamed request bodies, upstream keep-alive.
cat >"$tmp/nginx-proxy.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 65536;
daemon off;
pid $tmp/nginx-proxy/nginx.pid;
error_log $tmp/nginx-proxy/error.log crit;
events { worker_connections 20000; }
http {
  access_log $tmp/nginx-proxy/access.log combined buffer=64k flush=1s;
  client_header_timeout 10s;
  keepalive_timeout 60s;
  keepalive_requests 1000000;
  client_max_body_size 0;
  client_body_temp_path $tmp/nginx-proxy/body;
  proxy_temp_path $tmp/nginx-proxy/proxy;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_request_buffering off;
  proxy_max_temp_file_size 0;
  proxy_read_timeout 600s;
  proxy_send_timeout 600s;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 1024; }
  upstream sink { server 127.0.0.1:$SINK_PORT; keepalive 16; }
  upstream bulk { server 127.0.0.1:$BULK_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$CANDOR_PORT backlog=4096;
    location / { proxy_pass http://backend; }
    location /upload { proxy_pass http://sink; }
    location /1m { proxy_pass http://bulk; }
  }
}
EOF
cat >"$tmp/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 9000
defaults
  mode http
  http-reuse always
  timeout connect 5s
  timeout client 600s
  timeout server 600s
  timeout http-request 10s
  timeout http-keep-alive 60s
  maxconn 9000
frontend slow
  bind 127.0.0.1:$CANDOR_PORT
  use_backend sink if { path_beg /upload }
  use_backend bulk if { path_beg /1m }
  default_backend backend
backend backend
  server b1 127.0.0.1:$BACKEND_PORT
backend sink
  server s1 127.0.0.1:$SINK_PORT
backend bulk
  server k1 127.0.0.1:$BULK_PORT
EOF

# The slow bodies' backend: reads a whole Content-Length body before it answers, a thread per connection.
cat >"$tmp/sink.py" <<'EOF'
import socket, sys, threading

def serve(conn):
    try:
        rf = conn.makefile("rb")
        while True:
            length = 0
            while True:
                line = rf.readline(65536)
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while length > 0:
                got = rf.read(min(length, 65536))
                if not got:
                    return
                length -= len(got)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    except (OSError, ValueError):
        pass
    finally:
        conn.close()

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(4096)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

# The crowd: one thread, non-blocking sockets; prints a status line every second.
cat >"$tmp/crowd.py" <<'EOF'
import selectors, socket, struct, sys, time

port, total, interval = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
mix = [int(x) for x in sys.argv[4].split()]
kinds = ["slowloris"] * (total * mix[0] // 100) + ["body"] * (total * mix[1] // 100)
kinds += ["reader"] * (total - len(kinds))
HEAD = b"GET /100b HTTP/1.1\r\nHost: slow\r\nUser-Agent: slowloris\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
BODY_HEAD = b"POST /upload HTTP/1.1\r\nHost: slow\r\nContent-Length: 1048576\r\n\r\n"
READER = b"GET /1m HTTP/1.1\r\nHost: slow\r\n\r\n"
CLOSE, CLOSE_WAIT = 7, 8   # tcpi_state values: the peer has closed
sel = selectors.DefaultSelector()
conns = {}   # socket -> [kind, bytes sent, next send time]
closed_by_proxy = reconnects = failed = 0

def open_one(kind):
    global failed
    s = socket.socket()
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # The segment size of an Ethernet path (loopback's is 64 KiB): the kernel sizes the proxy's send
    # buffer for a reader that never reads from it, so on loopback a slow reader would soak up its
    # whole 1 MiB response, ten times what it can over a real network.
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1448)
    # Closed with a reset, as an attacker would, so the crowd's own closes leave no TIME-WAIT behind.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    try:
        s.connect_ex(("127.0.0.1", port))
    except OSError:
        failed += 1
        s.close()
        return
    conns[s] = [kind, 0, time.monotonic() + interval]
    if kind != "reader":
        # A reader never reads, so its socket would be readable forever and the select loop would spin;
        # whether the proxy closed it is read from the TCP state in the once-a-second pass instead.
        sel.register(s, selectors.EVENT_READ)

for k in kinds:
    open_one(k)
last = 0
next_round = time.monotonic() + interval
while True:
    now = time.monotonic()
    for key, _ in sel.select(timeout=max(0.0, min(0.2, next_round - now))):
        s = key.fileobj
        kind = conns[s][0]
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            sel.unregister(s); s.close(); del conns[s]
            closed_by_proxy += 1; reconnects += 1
            open_one(kind)
    now = time.monotonic()
    if now < next_round:
        continue
    next_round = now + interval  # every slow client sends its next byte once per interval, in one pass
    for s, st in list(conns.items()):
        kind, sent = st[0], st[1]
        try:
            if kind == "slowloris":
                s.send(HEAD[sent % len(HEAD):sent % len(HEAD) + 1]); st[1] += 1
            elif kind == "body":
                s.send(BODY_HEAD if sent == 0 else b"x"); st[1] += 1
            elif sent == 0:
                s.send(READER); st[1] += 1
            elif s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] in (CLOSE_WAIT, CLOSE):
                s.close(); del conns[s]
                closed_by_proxy += 1; reconnects += 1
                open_one(kind)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            if kind != "reader":
                sel.unregister(s)
            s.close(); del conns[s]
            closed_by_proxy += 1; reconnects += 1
            open_one(kind)
    if now - last >= 1:
        last = now
        print("CROWD open=%d closed_by_proxy=%d reconnects=%d failed=%d" %
              (len(conns), closed_by_proxy, reconnects, failed), flush=True)
EOF

cat >"$tmp/report.lua" <<'EOF'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d p50=%d p99=%d p999=%d max=%d mean=%d errors=%d non2xx=%d\n",
    summary.requests, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    latency.mean, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
EOF
if [ "$PACE_MS" != 0 ]; then   # each connection waits PACE_MS between a response and its next request
  printf 'delay = function() return %s end\n' "$PACE_MS" >>"$tmp/report.lua"
fi

taskset -c "$LOAD_CPUS" nginx -c "$tmp/nginx.conf" -p "$tmp/nginx" & pids+=($!)
# The crowd's side stands for machines other than wrk's and the backend's: the crowd, the slow bodies'
# sink and the slow readers' backend run at the idle scheduling class on the load CPU, so the work they
# cause there (a crowd of 500 slow readers makes its backend push about 400 MB into the proxy's
# upstream sockets at once) never delays wrk or wrk's backend. The proxy's own share of that work is on
# the proxy's CPU, as it would be.
taskset -c "$LOAD_CPUS" chrt --idle 0 nginx -c "$tmp/nginx-bulk.conf" -p "$tmp/nginx-bulk" & pids+=($!)
taskset -c "$LOAD_CPUS" chrt --idle 0 python3 "$tmp/sink.py" "$SINK_PORT" & pids+=($!)
case "$PROXY" in
  candor) (cd "$root" && exec taskset -c "$CANDOR_CPUS" ./candor run -c "$tmp/candor.yaml" >"$tmp/proxy.out" 2>&1) & ;;
  nginx) taskset -c "$CANDOR_CPUS" nginx -c "$tmp/nginx-proxy.conf" -p "$tmp/nginx-proxy" >"$tmp/proxy.out" 2>&1 & ;;
  haproxy) taskset -c "$CANDOR_CPUS" haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/proxy.out" 2>&1 & ;;
esac
pids+=($!)
log "proxy under test: $PROXY"
for i in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$CANDOR_PORT/100b" && break
  [ "$i" = 300 ] && die "$PROXY did not answer (see $tmp/proxy.out)"
  sleep 0.1
done

wrk_round() {  # wrk_round DURATION -> RESULT line
  timeout -k 5 120 taskset -c "$LOAD_CPUS" wrk -t 1 -c "$CONNECTIONS" -d "$1" --latency -s "$tmp/report.lua" \
    "http://127.0.0.1:$CANDOR_PORT/100b" | grep '^RESULT'
}

crowd_start() {  # crowd_start NAME: the crowd in the background, held at full size before it returns
  timeout -k 5 900 taskset -c "$LOAD_CPUS" chrt --idle 0 python3 "$tmp/crowd.py" "$CANDOR_PORT" \
    "$SLOW_CONNECTIONS" "$SLOW_INTERVAL" "$SLOW_MIX" >"$tmp/crowd-$1.txt" 2>&1 &
  crowd=$!
  crowd_since=$SECONDS
  pids+=($crowd)
  for i in $(seq 1 600); do   # at most 60 s until the crowd is in place
    est="$(ss -Htn state established "( dport = :$CANDOR_PORT )" | wc -l)"
    [ "$est" -ge "$SLOW_CONNECTIONS" ] && break
    sleep 0.1
  done
  sleep "$SETTLE"
}
crowd_stop() {
  kill "$crowd" 2>/dev/null || true
  wait "$crowd" 2>/dev/null || true
  for i in $(seq 1 300); do   # let the proxy notice the crowd is gone
    [ "$(ss -Htn state established "( sport = :$CANDOR_PORT )" | wc -l)" -lt 100 ] && break
    sleep 0.1
  done
  sleep "$SETTLE"
}

log "warm-up: $WARMUP quiet, then $WARMUP_CROWDS times $WARMUP crowded and $WARMUP quiet"
wrk_round "$WARMUP" >/dev/null
for i in $(seq 1 "$WARMUP_CROWDS"); do
  crowd_start "warmup-$i"
  wrk_round "$WARMUP" >/dev/null
  crowd_stop
  wrk_round "$WARMUP" >/dev/null
done
results="$tmp/results"
for round in $(seq 1 "$ROUNDS"); do
  r="$(wrk_round "$DURATION")"
  log "round $round quiet: $r"
  echo "quiet $r" >>"$results"

  crowd_start "$round"
  log "round $round: $est client connections established before the load"
  r="$(wrk_round "$DURATION")"
  c="$(tail -n 1 "$tmp/crowd-$round.txt")"
  # One status line per pass the crowd made; fewer than its seconds alive: it was starved (see the top).
  passes="$(wc -l <"$tmp/crowd-$round.txt")/$((SECONDS - crowd_since))"
  log "round $round crowded: $r; $c passes=$passes"
  echo "crowded $r $c held=$est passes=$passes" >>"$results"
  crowd_stop
done

echo "Proxy: $PROXY"
python3 - "$results" "$SLOW_CONNECTIONS" "$SLOW_MIX" "$SLOW_INTERVAL" <<'EOF'
import statistics, sys
rows = {"quiet": [], "crowded": []}
for line in open(sys.argv[1]):
    f = line.split()
    kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
    rows[f[0]].append(kv)
q = statistics.median(int(r["p99"]) for r in rows["quiet"])
c = statistics.median(int(r["p99"]) for r in rows["crowded"])
mix = sys.argv[3].split()
ms = lambda rs, key: " / ".join("%.1f" % (int(r[key]) / 1000) for r in rs)
print("| load | requests per round | p99 per round (ms) | p99.9 per round (ms) | longest per round (ms) "
      "| p99 median | errors | non-2xx |")
print("|---|---|---|---|---|---:|---:|---:|")
for name, rs in rows.items():
    print("| %s | %s | %s | %s | %s | %.2f ms | %d | %d |" % (name, " / ".join(r["requests"] for r in rs),
          ms(rs, "p99"), ms(rs, "p999"), ms(rs, "max"), statistics.median(int(r["p99"]) for r in rs) / 1000,
          sum(int(r["errors"]) for r in rs), sum(int(r["non2xx"]) for r in rs)))
print()
print("Crowd: %s connections (%s%% slowloris, %s%% slow body, %s%% slow reader), one byte every %s s; held at the "
      "start of each crowded round: %s; seen closed by the proxy by the round's end (then reopened): %s." % (
      sys.argv[2], mix[0], mix[1], mix[2], sys.argv[4], " / ".join(r.get("held", "?") for r in rows["crowded"]),
      " / ".join(r.get("closed_by_proxy", "?") for r in rows["crowded"])))
print("The crowd's once-a-second passes, of the seconds it was alive (fewer: it was starved of CPU): %s." %
      " / ".join(r.get("passes", "?") for r in rows["crowded"]))
print()
print("crowded p99 / quiet p99 = %.2fx (target: at most 1.5x)" % (c / q))
EOF
