#!/usr/bin/env bash
# bench/run.sh: Candor next to nginx and HAProxy, all proxying to the same fast backend.
#
# One run measures, case by case, four targets side by side:
#   direct   wrk -> backend nginx (the ceiling)
#   candor   wrk -> Candor  -> backend
#   nginx    wrk -> nginx   -> backend
#   haproxy  wrk -> HAProxy -> backend
# with the proxies pinned to their own CPUs, rounds interleaved (direct candor nginx haproxy, again, ...),
# and the median of the rounds reported as a Markdown table on stdout. See docs/performance.md.
#
# Run as root on Linux (nginx, haproxy, wrk and python3 are installed with apt-get when missing):
#   bench/run.sh
#   ROUNDS=5 DURATION=20s bench/run.sh > report.md
#
# Environment (defaults in brackets):
#   ROUNDS [3]  DURATION [10s]  CONNECTIONS [50]
#   WARMUP [15s]: load each target gets, unmeasured, before the rounds of a case (the JVM compiles
#     Candor's hot paths during the first 10-15 s on one CPU)
#   PROXY_CPUS [1]  CANDOR_CPUS [$PROXY_CPUS]  WRK_CPUS [0]
#   BACKEND_CPUS [2 with 3+ CPUs, else $WRK_CPUS]
#   CASES ["small medium close large idle upload startup tls"]; tls compares Candor and nginx only,
#     terminating TLS with the same certificate (TLS_KEY [ec]: ec for ECDSA P-256, rsa for RSA 2048);
#     routes (not in the default list) is Candor only: ROUTE_HOSTS [10000] host routes and ROUTE_REGEXES
#     [1000] path_regex routes in one config, the first and the last of each asked for (see docs/performance.md)
#   IDLE_CONNECTIONS [5000]  UPLOAD_SIZE [1G, as understood by truncate -s]
#   PORT_BASE [28080]: the listeners use PORT_BASE .. PORT_BASE+6, all on 127.0.0.1
#   KEEP_TMP [0]: 1 keeps the temp dir (configs, raw wrk output, logs) for inspection
#   NOISE_LIMIT [10]: a timed round during which processes other than the benchmark's own used more
#     than this percentage of one CPU is run again, at most RETRIES [2] more times, then kept and flagged;
#     before a re-run and before each case the script waits up to QUIET_WAIT [120] seconds for them to calm down
#   CANDOR_JAVA_OPTS: extra JVM flags, passed through by the ./candor launcher
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-15s}"
CONNECTIONS="${CONNECTIONS:-50}"
PROXY_CPUS="${PROXY_CPUS:-1}"
CANDOR_CPUS="${CANDOR_CPUS:-$PROXY_CPUS}"
WRK_CPUS="${WRK_CPUS:-0}"
CASES="${CASES:-small medium close large idle upload startup tls}"
TLS_KEY="${TLS_KEY:-ec}"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-5000}"
UPLOAD_SIZE="${UPLOAD_SIZE:-1G}"
PORT_BASE="${PORT_BASE:-28080}"
KEEP_TMP="${KEEP_TMP:-0}"
NOISE_LIMIT="${NOISE_LIMIT:-10}"
RETRIES="${RETRIES:-2}"
QUIET_WAIT="${QUIET_WAIT:-120}"
ROUTE_HOSTS="${ROUTE_HOSTS:-10000}"
ROUTE_REGEXES="${ROUTE_REGEXES:-1000}"

ncpu="$(getconf _NPROCESSORS_ONLN)"
if [ -z "${BACKEND_CPUS:-}" ]; then
  if [ "$ncpu" -ge 3 ]; then BACKEND_CPUS=2; else BACKEND_CPUS="$WRK_CPUS"; fi
fi

BACKEND_PORT=$PORT_BASE
UPLOAD_PORT=$((PORT_BASE + 1))
CANDOR_PORT=$((PORT_BASE + 2))
NGINX_PORT=$((PORT_BASE + 3))
HAPROXY_PORT=$((PORT_BASE + 4))
CANDOR_TLS_PORT=$((PORT_BASE + 5))
NGINX_TLS_PORT=$((PORT_BASE + 6))

TARGETS=(direct candor nginx haproxy)
PROXIES=(candor nginx haproxy)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# checks and tools

# seconds in a wrk duration such as 10s, 2m or 1h (a bare number is seconds)
secs() {
  local d="$1"
  case "$d" in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}

# number of CPUs in a taskset list such as 0, 2-3 or 0,2-3
cpu_count() {
  local n=0 part a b
  IFS=, read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    if [[ "$part" == *-* ]]; then a="${part%-*}"; b="${part#*-}"; n=$((n + b - a + 1)); else n=$((n + 1)); fi
  done
  echo "$n"
}

[ "$(uname -s)" = Linux ] || die "Linux only (taskset, /proc)"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number"
[[ "$DURATION" =~ ^[1-9][0-9]*[smh]?$ ]] || die "DURATION must look like 10s, 2m or 1h"
[[ "$WARMUP" =~ ^[0-9]+[smh]?$ ]] || die "WARMUP must look like 5s (0 for none)"
[[ "$CONNECTIONS" =~ ^[1-9][0-9]*$ ]] || die "CONNECTIONS must be a positive whole number"
[[ "$IDLE_CONNECTIONS" =~ ^[1-9][0-9]*$ ]] || die "IDLE_CONNECTIONS must be a positive whole number"
[[ "$NOISE_LIMIT" =~ ^[0-9]+$ ]] || die "NOISE_LIMIT must be a whole number (percent of one CPU)"
[[ "$RETRIES" =~ ^[0-9]+$ ]] || die "RETRIES must be a whole number"
[[ "$QUIET_WAIT" =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds"
[[ "$TLS_KEY" =~ ^(ec|rsa)$ ]] || die "TLS_KEY must be ec or rsa"
for c in "$PROXY_CPUS" "$CANDOR_CPUS" "$WRK_CPUS" "$BACKEND_CPUS"; do
  [[ "$c" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die "CPU list '$c' is not a taskset list like 1, 2-3 or 0,2"
done

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
command -v pgrep >/dev/null 2>&1 || missing+=(procps)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; run as root to install them with apt-get"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${missing[*]} with apt-get"
  # Debian starts the packaged nginx/haproxy services on their usual ports; this script never uses those.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
export PATH="$PATH:/usr/sbin:/sbin"

# Raise the open-file limit for 5,000 idle connections (the hard limit too when we may).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE_CONNECTIONS * 2 + 1000)) ]; then
  log "warning: open-file limit $(ulimit -n) is low for IDLE_CONNECTIONS=$IDLE_CONNECTIONS"
fi
# Connection limits for the proxies, within the open-file limit (HAProxy refuses to start otherwise).
fd_limit="$(ulimit -n)"
[ "$fd_limit" = unlimited ] && fd_limit=1048576
max_conns=$(( (fd_limit - 200) / 2 ))
[ "$max_conns" -gt 20000 ] && max_conns=20000

if [ ! -f "$root/target/candor.jar" ] || [ ! -d "$root/target/lib" ]; then
  log "building Candor (target/candor.jar is missing)"
  (cd "$root" && ./mvnw -B -q -DskipTests package) >&2
fi

for p in $BACKEND_PORT $UPLOAD_PORT $CANDOR_PORT $NGINX_PORT $HAPROXY_PORT $CANDOR_TLS_PORT $NGINX_TLS_PORT; do
  if [ -n "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
    die "port 127.0.0.1:$p is already in use; pick other ports with PORT_BASE"
  fi
done

proxy_workers="$(cpu_count "$PROXY_CPUS")"
candor_workers="$(cpu_count "$CANDOR_CPUS")"
backend_workers="$(cpu_count "$BACKEND_CPUS")"
wrk_threads="$(cpu_count "$WRK_CPUS")"
[ "$CONNECTIONS" -ge "$wrk_threads" ] || die "CONNECTIONS must be at least the number of WRK_CPUS"

# ---------------------------------------------------------------------------------------------
# temp dir, process bookkeeping and the exit trap

tmp="$(mktemp -d "${TMPDIR:-/tmp}/candor-bench.XXXXXX")"
chmod 755 "$tmp"   # nginx workers run as an unprivileged user and read the bodies from here
mkdir -p "$tmp/www" "$tmp/raw" "$tmp/logs" "$tmp/nginx-backend" "$tmp/nginx-proxy" "$tmp/tls"
results="$tmp/results.tsv"
: >"$results"

declare -A pid_of=()

stop_pid() {  # stop_pid PID: TERM, up to 10 s, then KILL; always reaps
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop() {  # stop NAME
  local name="$1"
  if [ -n "${pid_of[$name]:-}" ]; then
    stop_pid "${pid_of[$name]}"
    unset "pid_of[$name]"
  fi
}

cleanup() {
  local rc=$? name
  trap - EXIT INT TERM
  for name in "${!pid_of[@]}"; do stop "$name"; done
  if [ "$KEEP_TMP" = 1 ]; then
    log "kept $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME CPUS COMMAND...: runs COMMAND pinned, in the background, output to $tmp/logs/NAME.out
start() {
  local name="$1" cpus="$2"
  shift 2
  taskset -c "$cpus" "$@" >"$tmp/logs/$name.out" 2>&1 &
  pid_of[$name]=$!
}

port_of() {
  case "$1" in
    direct) echo $BACKEND_PORT ;;
    candor) echo $CANDOR_PORT ;;
    nginx) echo $NGINX_PORT ;;
    haproxy) echo $HAPROXY_PORT ;;
  esac
}

# wait_ready NAME PORT: until GET /100b answers 200 with 100 bytes (at most 60 s)
wait_ready() {
  local name="$1" port="$2" i out
  for i in $(seq 1 120); do
    if ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
      cat "$tmp/logs/$name.out" >&2 || true
      die "$name exited during start-up"
    fi
    out="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 2 "http://127.0.0.1:$port/100b" || true)"
    [ "$out" = "200 100" ] && return 0
    sleep 0.5
  done
  cat "$tmp/logs/$name.out" >&2 || true
  die "$name did not answer on 127.0.0.1:$port within 60 s (last: '$out')"
}

# The PIDs whose memory counts for a target: Candor's JVM, HAProxy's process, nginx's workers.
mem_pids() {
  case "$1" in
    nginx) pgrep -P "${pid_of[nginx]}" || true ;;
    direct) pgrep -P "${pid_of[backend]}" || true ;;
    *) echo "${pid_of[$1]}" ;;
  esac
}

# mem_kib TARGET FIELD: sum of FIELD (VmHWM or VmRSS) over the target's processes, in KiB
mem_kib() {
  local target="$1" field="$2" pid total=0 v
  for pid in $(mem_pids "$target"); do
    v="$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# ---------------------------------------------------------------------------------------------
# configuration files and helpers

head -c 100 /dev/zero | tr '\0' 'a' >"$tmp/www/100b"
head -c 16384 /dev/zero | tr '\0' 'b' >"$tmp/www/16k"
head -c 1048576 /dev/zero | tr '\0' 'c' >"$tmp/www/1m"
chmod 644 "$tmp"/www/*

# One self-signed certificate for both TLS listeners (Candor and nginx serve the very same files).
if [ "$TLS_KEY" = rsa ]; then tls_newkey=(-newkey rsa:2048); else tls_newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); fi
openssl req -x509 "${tls_newkey[@]}" -nodes -days 90 -subj "/CN=bench.test" \
  -addext "subjectAltName=DNS:bench.test,IP:127.0.0.1" \
  -keyout "$tmp/tls/bench.key" -out "$tmp/tls/bench.pem" 2>/dev/null || die "openssl could not make the test certificate"
chmod 644 "$tmp/tls/bench.key" "$tmp/tls/bench.pem"   # nginx workers drop privileges

cat >"$tmp/nginx-backend.conf" <<EOF
# The backend: fixed bodies from files, no logging, long keep-alive.
worker_processes $backend_workers;
worker_rlimit_nofile $fd_limit;
daemon off;
pid $tmp/nginx-backend/nginx.pid;
error_log $tmp/logs/nginx-backend.error.log warn;
events { worker_connections $max_conns; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
  client_body_temp_path $tmp/nginx-backend/client_body;
  proxy_temp_path $tmp/nginx-backend/proxy;
  fastcgi_temp_path $tmp/nginx-backend/fastcgi;
  uwsgi_temp_path $tmp/nginx-backend/uwsgi;
  scgi_temp_path $tmp/nginx-backend/scgi;
  server {
    listen 127.0.0.1:$BACKEND_PORT backlog=4096;
    root $tmp/www;
  }
}
EOF

cat >"$tmp/nginx-proxy.conf" <<EOF
# nginx as the proxy: upstream keep-alive, buffered access log, the same headers Candor adds.
worker_processes $proxy_workers;
worker_rlimit_nofile $fd_limit;
daemon off;
pid $tmp/nginx-proxy/nginx.pid;
error_log $tmp/logs/nginx-proxy.error.log warn;
events { worker_connections $max_conns; }
http {
  log_format bench '\$remote_addr [\$time_iso8601] "\$request" \$status \$body_bytes_sent '
                   '\$request_time \$upstream_addr \$upstream_status \$upstream_connect_time '
                   '\$upstream_header_time \$request_id';
  access_log $tmp/logs/nginx-access.log bench buffer=64k flush=1s;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_max_body_size 0;
  client_body_temp_path $tmp/nginx-proxy/client_body;
  proxy_temp_path $tmp/nginx-proxy/proxy;
  fastcgi_temp_path $tmp/nginx-proxy/fastcgi;
  uwsgi_temp_path $tmp/nginx-proxy/uwsgi;
  scgi_temp_path $tmp/nginx-proxy/scgi;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$http_host;
  proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
  proxy_set_header X-Request-Id \$request_id;
  proxy_request_buffering off;     # stream uploads, as Candor and HAProxy do
  proxy_max_temp_file_size 0;      # never spool responses to disk
  proxy_read_timeout 300s;
  proxy_send_timeout 300s;
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 1024;
    keepalive_requests 1000000;
    keepalive_timeout 50s;
  }
  upstream upload {
    server 127.0.0.1:$UPLOAD_PORT;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / { proxy_pass http://backend; }
    location /upload { proxy_pass http://upload; }
  }
  # TLS termination with Candor's settings: TLS 1.2 and 1.3, ECDHE with AEAD suites, session resumption
  # (tickets and a cache), HTTP/1.1 only (Candor does not serve h2 yet).
  server {
    listen 127.0.0.1:$NGINX_TLS_PORT ssl backlog=4096;
    ssl_certificate $tmp/tls/bench.pem;
    ssl_certificate_key $tmp/tls/bench.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
    ssl_session_cache shared:SSL:10m;
    ssl_session_timeout 5m;
    location / { proxy_pass http://backend; }
  }
}
EOF

cat >"$tmp/haproxy.cfg" <<EOF
# HAProxy as the proxy: one thread, aggressive connection reuse, httplog to stdout (unbuffered:
# HAProxy writes each line as it goes; it has no buffered file logging without a syslog daemon).
global
  nbthread $proxy_workers
  maxconn $max_conns
  log stdout format raw local0
defaults
  mode http
  log global
  option httplog
  option forwardfor
  http-reuse always
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-request 10s
  timeout http-keep-alive 300s
  maxconn $max_conns
frontend bench
  bind 127.0.0.1:$HAPROXY_PORT
  unique-id-format %{+X}o%ci%cp%fi%fp%Ts%rt%pid
  unique-id-header X-Request-Id
  use_backend upload if { path_beg /upload }
  default_backend backend
backend backend
  server b1 127.0.0.1:$BACKEND_PORT
backend upload
  server u1 127.0.0.1:$UPLOAD_PORT
EOF

cat >"$tmp/candor.yaml" <<EOF
# Candor as the proxy: $candor_workers event loop(s), access log to a file, keep-alive pool to the backend.
listeners:
  - address: 127.0.0.1:$CANDOR_PORT
  - address: 127.0.0.1:$CANDOR_TLS_PORT
    tls:
      certificates:
        - cert: $tmp/tls/bench.pem
          key: $tmp/tls/bench.key
      protocols: [http/1.1]
workers: $candor_workers
access_log:
  path: $tmp/logs/candor-access.log
shutdown_grace: 1s
limits:
  max_body_size: 0
  max_connections: $max_conns
  client_idle_timeout: 300s
routes:
  - match: { path_prefix: /upload }
    upstream: upload
  - upstream: backend
upstreams:
  backend:
    endpoints:
      - address: 127.0.0.1:$BACKEND_PORT
    pool:
      max_connections: 1024
      idle_timeout: 50s
  upload:
    endpoints:
      - address: 127.0.0.1:$UPLOAD_PORT
    timeouts:
      response: 300s
      idle: 300s
EOF

# wrk reports through this script: requests, duration and the percentiles, in microseconds.
cat >"$tmp/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50=%d p99=%d p999=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), e.connect, e.read, e.write, e.timeout, e.status))
end
EOF

# The upload backend: drains request bodies (Content-Length or chunked) and answers with the
# number of body bytes it read; HTTP/1.1 keep-alive, one thread per connection.
cat >"$tmp/drain.py" <<'EOF'
import socket, sys, threading

BUF = 1 << 20

def discard(rf, n, mv):
    got = 0
    while got < n:
        k = rf.readinto(mv[:min(BUF, n - got)])
        if not k:
            raise EOFError
        got += k
    return got

def serve(conn):
    rf = conn.makefile("rb", buffering=65536)
    mv = memoryview(bytearray(BUF))
    try:
        while True:
            line = rf.readline(65536)
            if not line:
                return
            headers = {}
            while True:
                h = rf.readline(65536)
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.partition(b":")
                headers[k.strip().lower()] = v.strip().lower()
            if headers.get(b"expect") == b"100-continue":
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            total = 0
            if b"chunked" in headers.get(b"transfer-encoding", b""):
                while True:
                    size = int(rf.readline(1024).split(b";")[0].strip(), 16)
                    if size == 0:
                        while rf.readline(65536) not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    total += discard(rf, size, mv)
                    rf.readline(16)
            else:
                total = discard(rf, int(headers.get(b"content-length", b"0")), mv)
            body = str(total).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
            if headers.get(b"connection") == b"close":
                return
    except (EOFError, ConnectionError, ValueError):
        return
    finally:
        conn.close()

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(128)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

# Opens N keep-alive connections, makes one request on each, then holds them all open and idle.
cat >"$tmp/hold.py" <<'EOF'
import socket, sys, time

port, n, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
req = b"GET /100b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
socks, failed = [], 0
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(req)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        while len(body) < length:
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            body += chunk
        if not head.startswith(b"HTTP/1.1 200"):
            raise ConnectionError(head.split(b"\r\n")[0].decode())
        socks.append(s)
    except (OSError, ConnectionError) as e:
        failed += 1
        if failed == 1:
            print("first failure:", e, file=sys.stderr, flush=True)
print("OPEN %d FAILED %d" % (len(socks), failed), flush=True)
time.sleep(hold)
alive = 0
for s in socks:
    s.setblocking(False)
    try:
        alive += 0 if s.recv(1) == b"" else 1
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
print("ALIVE %d" % alive, flush=True)
EOF

# ---------------------------------------------------------------------------------------------
# starting and stopping the proxies

start_backends() {
  start backend "$BACKEND_CPUS" nginx -c "$tmp/nginx-backend.conf" -p "$tmp/nginx-backend"
  start upload-backend "$BACKEND_CPUS" python3 "$tmp/drain.py" "$UPLOAD_PORT"
  wait_ready backend "$BACKEND_PORT"
}

# launch_proxy NAME: starts a proxy pinned, without waiting for it
launch_proxy() {
  case "$1" in
    candor) start candor "$CANDOR_CPUS" "$root/candor" run -c "$tmp/candor.yaml" ;;
    nginx) start nginx "$PROXY_CPUS" nginx -c "$tmp/nginx-proxy.conf" -p "$tmp/nginx-proxy" ;;
    haproxy)
      # `log stdout` goes to this process's stdout, which start() sends to logs/haproxy.out
      start haproxy "$PROXY_CPUS" haproxy -db -f "$tmp/haproxy.cfg" ;;
  esac
}

start_proxy() {
  launch_proxy "$1"
  wait_ready "$1" "$(port_of "$1")"
}

access_log_of() {
  case "$1" in
    candor) echo "$tmp/logs/candor-access.log" ;;
    nginx) echo "$tmp/logs/nginx-access.log" ;;
    haproxy) echo "$tmp/logs/haproxy.out" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# noise: CPU time used by processes that are not part of the benchmark

clk_tck="$(getconf CLK_TCK)"

# busy ticks of the whole machine: user + nice + system + steal (interrupt time left out, because
# the kernel charges the loopback traffic of our own processes there)
ticks_busy() { awk '$1 == "cpu" {print $2 + $3 + $4 + $9; exit}' /proc/stat; }

# ticks used by this script, everything it started and their children (reaped ones included)
ticks_ours() {
  local pids pid
  pids="$$ ${pid_of[*]}"
  for pid in "${pid_of[@]}"; do pids="$pids $(pgrep -P "$pid" | tr '\n' ' ')"; done
  for pid in $pids; do cat "/proc/$pid/stat" 2>/dev/null || true; done |
    awk '{sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15} END {print t + 0}'
}

# ticks used by a target's serving processes (the ones mem_pids names)
ticks_of() {
  local pid
  for pid in $(mem_pids "$1"); do cat "/proc/$pid/stat" 2>/dev/null || true; done |
    awk '{sub(/^.*\) /, ""); t += $12 + $13} END {print t + 0}'
}

# noise_begin [TARGET]; noise_end prints "N C": the percent of one CPU used by other processes since
# noise_begin, and the percent used by TARGET's serving processes (0 without a target)
noise_begin() {
  noise_target="${1:-}"
  noise_t0=$(date +%s%N); noise_b0=$(ticks_busy); noise_o0=$(ticks_ours)
  noise_p0=0
  [ -z "$noise_target" ] || noise_p0=$(ticks_of "$noise_target")
}
noise_end() {
  local t1 b1 o1 p1=0
  t1=$(date +%s%N); b1=$(ticks_busy); o1=$(ticks_ours)
  [ -z "$noise_target" ] || p1=$(ticks_of "$noise_target")
  awk -v b=$((b1 - noise_b0)) -v o=$((o1 - noise_o0)) -v p=$((p1 - noise_p0)) -v ns=$((t1 - noise_t0)) -v hz="$clk_tck" \
    'BEGIN {t = ns / 1e9 * hz; x = (b - o) / t * 100; if (x < 0) x = 0; printf "%.0f %.0f", x, p / t * 100}'
}

# wait_quiet: until other processes use at most NOISE_LIMIT% of a CPU over 2 s (at most QUIET_WAIT s)
wait_quiet() {
  local waited=0 n
  while :; do
    noise_begin
    sleep 2
    n="$(noise_end)"
    n="${n%% *}"
    [ "$n" -le "$NOISE_LIMIT" ] && return 0
    if [ "$waited" -ge "$QUIET_WAIT" ]; then
      log "other processes still use ${n}% of a CPU after ${waited}s; going on"
      return 0
    fi
    [ "$waited" -eq 0 ] && log "other processes use ${n}% of a CPU; waiting up to ${QUIET_WAIT}s for them to calm down"
    waited=$((waited + 2))
  done
}

# ---------------------------------------------------------------------------------------------
# measurements

# wrk_run TARGET PATH DURATION OUTFILE [extra wrk args]: one bounded, pinned wrk run
wrk_run() {
  local target="$1" path="$2" dur="$3" out="$4"
  shift 4
  timeout -k 5 $(( $(secs "$dur") + 60 )) \
    taskset -c "$WRK_CPUS" wrk -t "$wrk_threads" -c "$CONNECTIONS" -d "$dur" --latency \
      -s "$tmp/report.lua" "$@" "http://127.0.0.1:$(port_of "$target")$path" >"$out" 2>&1 || {
    log "wrk against $target failed:"; cat "$out" >&2; return 1; }
}

declare -A sent=()

http_case() {  # http_case CASE PATH [extra wrk args]
  local case="$1" path="$2" target round out r
  shift 2
  log "case $case: starting fresh proxies"
  for target in "${PROXIES[@]}"; do start_proxy "$target"; sent[$target]=0; done
  wait_quiet
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    for target in "${TARGETS[@]}"; do
      log "case $case: warm-up $target ($WARMUP)"
      out="$tmp/raw/$case-$target-warmup.txt"
      wrk_run "$target" "$path" "$WARMUP" "$out" "$@"
      r="$(sed -n 's/.*RESULT requests=\([0-9]*\).*/\1/p' "$out")"
      sent[$target]=$(( ${sent[$target]:-0} + ${r:-0} ))
    done
  fi
  local try noise cpu
  for round in $(seq 1 "$ROUNDS"); do
    for target in "${TARGETS[@]}"; do
      for try in $(seq 0 "$RETRIES"); do
        out="$tmp/raw/$case-$target-$round-$try.txt"
        noise_begin "$target"
        wrk_run "$target" "$path" "$DURATION" "$out" "$@"
        read -r noise cpu <<<"$(noise_end)"
        r="$(grep '^RESULT' "$out" || true)"
        [ -n "$r" ] || { cat "$out" >&2; die "no result from wrk ($case, $target, round $round)"; }
        # RESULT requests=N duration_us=N p50=N p99=N p999=N connect=N read=N write=N timeout=N status=N
        eval "$(echo "${r#RESULT }" | tr ' ' '\n' | sed 's/^/local w_/')"
        sent[$target]=$(( ${sent[$target]:-0} + w_requests ))
        log "case $case round $round $target: $(awk -v n="$w_requests" -v d="$w_duration_us" 'BEGIN{printf "%.0f req/s", n/(d/1e6)}'), p99 ${w_p99}us, errors $((w_connect + w_read + w_write + w_timeout)), non-2xx $w_status, $target used ${cpu}% CPU, others ${noise}%"
        [ "$noise" -le "$NOISE_LIMIT" ] && break
        if [ "$try" -lt "$RETRIES" ]; then log "  other processes were busy; running this round again"; wait_quiet; fi
      done
      # shellcheck disable=SC2154
      printf 'http\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$target" "$round" \
        "$w_requests" "$w_duration_us" "$w_p50" "$w_p99" "$w_p999" \
        $((w_connect + w_read + w_write + w_timeout)) "$w_status" "$noise" "$try" "$cpu" >>"$results"
    done
  done
  for target in "${PROXIES[@]}"; do
    printf 'rss\t%s\t%s\t%s\n' "$case" "$target" "$(mem_kib "$target" VmHWM)" >>"$results"
    stop "$target"
    local f lines
    f="$(access_log_of "$target")"
    lines="$(wc -l <"$f" 2>/dev/null || echo 0)"
    printf 'log\t%s\t%s\t%s\t%s\n' "$case" "$target" "$lines" "${sent[$target]}" >>"$results"
    rm -f "$f"
  done
}

# routes: Candor alone with one config of ROUTE_HOSTS host routes, then ROUTE_REGEXES path_regex routes (each
# stripping its own prefix), then a catch-all; the first and the last route of each kind are asked for in
# turn, so any cost that grows with the number of routes shows as a gap between first and last.
routes_case() {
  local cfg="$tmp/candor-routes.yaml" variant round out r try noise cpu path host
  local last_host=$((ROUTE_HOSTS - 1)) last_regex=$((ROUTE_REGEXES - 1))
  {
    sed -n '1,/^routes:/p' "$tmp/candor.yaml"
    awk -v n="$ROUTE_HOSTS" 'BEGIN { for (i = 0; i < n; i++)
      printf "  - match: { host: h%d.bench.test }\n    upstream: backend\n", i }'
    awk -v n="$ROUTE_REGEXES" 'BEGIN { for (i = 0; i < n; i++)
      printf "  - match: { path_regex: \"^/r%d/[0-9a-z]+$\" }\n    rewrite: { strip_prefix: /r%d }\n    upstream: backend\n", i, i }'
    echo "  - upstream: backend"
    sed -n '/^upstreams:/,$p' "$tmp/candor.yaml"
  } >"$cfg"
  "$root/candor" check -c "$cfg" >/dev/null 2>"$tmp/logs/routes-check.out" ||
    { cat "$tmp/logs/routes-check.out" >&2; die "the generated routes config is invalid"; }
  log "case routes: starting Candor with $ROUTE_HOSTS host routes and $ROUTE_REGEXES regex routes"
  start candor "$CANDOR_CPUS" "$root/candor" run -c "$cfg"
  wait_ready candor "$CANDOR_PORT"
  wait_quiet
  # variant = Host header and path asked for
  declare -A route_req=(
    [host-first]="h0.bench.test /100b"
    [host-last]="h$last_host.bench.test /100b"
    [regex-first]="other.test /r0/100b"
    [regex-last]="other.test /r$last_regex/100b"
    [catch-all]="other.test /100b")
  local variants=(host-first host-last regex-first regex-last catch-all)
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    for variant in "${variants[@]}"; do
      read -r host path <<<"${route_req[$variant]}"
      log "case routes: warm-up $variant ($WARMUP)"
      wrk_run candor "$path" "$WARMUP" "$tmp/raw/routes-$variant-warmup.txt" -H "Host: $host"
    done
  fi
  for round in $(seq 1 "$ROUNDS"); do
    for variant in "${variants[@]}"; do
      read -r host path <<<"${route_req[$variant]}"
      for try in $(seq 0 "$RETRIES"); do
        out="$tmp/raw/routes-$variant-$round-$try.txt"
        noise_begin candor
        wrk_run candor "$path" "$DURATION" "$out" -H "Host: $host"
        read -r noise cpu <<<"$(noise_end)"
        r="$(grep '^RESULT' "$out" || true)"
        [ -n "$r" ] || { cat "$out" >&2; die "no result from wrk (routes, $variant, round $round)"; }
        eval "$(echo "${r#RESULT }" | tr ' ' '\n' | sed 's/^/local w_/')"
        log "case routes round $round $variant: $(awk -v n="$w_requests" -v d="$w_duration_us" 'BEGIN{printf "%.0f req/s", n/(d/1e6)}'), p99 ${w_p99}us, non-2xx $w_status, candor used ${cpu}% CPU, others ${noise}%"
        [ "$noise" -le "$NOISE_LIMIT" ] && break
        if [ "$try" -lt "$RETRIES" ]; then log "  other processes were busy; running this round again"; wait_quiet; fi
      done
      printf 'routes\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$round" \
        "$w_requests" "$w_duration_us" "$w_p50" "$w_p99" "$w_p999" \
        $((w_connect + w_read + w_write + w_timeout)) "$w_status" "$noise" "$try" "$cpu" >>"$results"
    done
  done
  printf 'rss\troutes\tcandor\t%s\n' "$(mem_kib candor VmHWM)" >>"$results"
  stop candor
  rm -f "$(access_log_of candor)"
}

# java_live_heap PID: bytes of live objects (class histogram forces a full GC first)
java_live_heap() {
  command -v jcmd >/dev/null 2>&1 || { echo 0; return; }
  timeout 60 jcmd "$1" GC.class_histogram 2>/dev/null | awk '$1 == "Total" {print $3}' || echo 0
}

idle_case() {
  local target round port base held heap_base heap_held out i est line hold_pid
  local warm="$WARMUP"
  [ "$(secs "$warm")" -gt 0 ] || warm=1s
  for round in $(seq 1 "$ROUNDS"); do
    for target in "${PROXIES[@]}"; do
      port="$(port_of "$target")"
      start_proxy "$target"
      wrk_run "$target" /100b "$warm" "$tmp/raw/idle-$target-warmup-$round.txt"
      heap_base=0
      # for the JVM, a full GC first (the class histogram forces one), so that both readings start clean
      [ "$target" = candor ] && heap_base="$(java_live_heap "${pid_of[candor]}")"
      sleep 1
      base="$(mem_kib "$target" VmRSS)"
      out="$tmp/raw/idle-$target-$round.txt"
      # hold long enough to be measured; the helper is stopped below anyway
      timeout -k 5 600 taskset -c "$WRK_CPUS" python3 "$tmp/hold.py" "$port" "$IDLE_CONNECTIONS" 8 >"$out" 2>&1 &
      hold_pid=$!
      pid_of[hold]=$hold_pid
      line=""
      for i in $(seq 1 1200); do   # at most 120 s to open them all
        line="$(grep '^OPEN' "$out" || true)"
        [ -n "$line" ] && break
        kill -0 "$hold_pid" 2>/dev/null || break
        sleep 0.1
      done
      [ -n "$line" ] || { cat "$out" >&2; die "idle connections helper did not report ($target)"; }
      sleep 2
      held="$(mem_kib "$target" VmRSS)"
      est="$(ss -Htn state established "( sport = :$port )" | wc -l)"
      heap_held=0
      [ "$target" = candor ] && heap_held="$(java_live_heap "${pid_of[candor]}")"
      for i in $(seq 1 200); do   # at most 20 s for the helper's own liveness check
        grep -q '^ALIVE' "$out" && break
        kill -0 "$hold_pid" 2>/dev/null || break
        sleep 0.1
      done
      stop hold
      # OPEN n FAILED f / ALIVE a
      printf 'idle\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$round" \
        "$(awk '/^OPEN/ {print $2}' "$out")" "$(awk '/^OPEN/ {print $4}' "$out")" \
        "$(awk '/^ALIVE/ {print $2}' "$out")" "$est" "$base" "$held" "${heap_base:-0}" "${heap_held:-0}" >>"$results"
      log "idle round $round $target: $(grep -h -E '^(OPEN|ALIVE)' "$out" | tr '\n' ' ')established $est, RSS $base -> $held KiB"
      stop "$target"
      rm -f "$(access_log_of "$target")"
    done
  done
}

upload_case() {
  local target round out code secs_ bytes file="$tmp/upload.bin" warmfile="$tmp/upload-warm.bin"
  truncate -s "$UPLOAD_SIZE" "$file"          # sparse: reads cost no disk I/O
  truncate -s 64M "$warmfile"
  # read them once, so that the first upload does not pay for filling the page cache
  cat "$file" "$warmfile" >/dev/null
  local size
  size="$(stat -c %s "$file")"
  for target in "${PROXIES[@]}"; do start_proxy "$target"; done
  upload() {  # upload TARGET FILE OUT
    timeout -k 5 900 taskset -c "$WRK_CPUS" curl -sS -T "$2" -H 'Expect:' -o "$3.body" \
      -w '%{http_code} %{time_total}\n' --max-time 850 \
      "http://127.0.0.1:$(port_of "$1")/upload" >"$3" 2>&1 || true
  }
  for target in "${TARGETS[@]}"; do
    upload "$target" "$warmfile" "$tmp/raw/upload-$target-warmup.txt"
  done
  for round in $(seq 1 "$ROUNDS"); do
    wait_quiet
    for target in "${TARGETS[@]}"; do
      out="$tmp/raw/upload-$target-$round.txt"
      if [ "$target" = direct ]; then
        # direct means straight to the upload backend
        timeout -k 5 900 taskset -c "$WRK_CPUS" curl -sS -T "$file" -H 'Expect:' -o "$out.body" \
          -w '%{http_code} %{time_total}\n' --max-time 850 "http://127.0.0.1:$UPLOAD_PORT/upload" >"$out" 2>&1 || true
      else
        upload "$target" "$file" "$out"
      fi
      read -r code secs_ <"$out" || true
      bytes="$(cat "$out.body" 2>/dev/null || echo 0)"
      printf 'upload\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$round" "${code:-0}" "${secs_:-0}" "${bytes:-0}" "$size" >>"$results"
      log "upload round $round $target: status ${code:-?}, ${secs_:-?} s, backend read ${bytes:-?} of $size bytes"
    done
  done
  for target in "${PROXIES[@]}"; do
    printf 'rss\tupload\t%s\t%s\n' "$target" "$(mem_kib "$target" VmHWM)" >>"$results"
    stop "$target"
    rm -f "$(access_log_of "$target")"
  done
  rm -f "$file" "$warmfile"
}

# start-up: from launching the proxy to its first proxied 200, polled every 10 ms; a fresh process per
# round (Candor through its launcher, with the class-data archive it keeps under target/)
startup_case() {
  local target round t0 t1 ok i
  # one unmeasured start first: after a build, the launcher records its class-data archive then
  start_proxy candor
  stop candor
  for round in $(seq 1 "$ROUNDS"); do
    wait_quiet
    for target in "${PROXIES[@]}"; do
      t0=$(date +%s%N)
      launch_proxy "$target"
      ok=0
      for i in $(seq 1 3000); do   # at most 30 s
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$(port_of "$target")/100b" || true)" = 200 ]; then
          ok=1; break
        fi
        kill -0 "${pid_of[$target]}" 2>/dev/null || break
        sleep 0.01
      done
      t1=$(date +%s%N)
      printf 'startup\t%s\t%s\t%s\t%s\n' "$target" "$round" "$(( (t1 - t0) / 1000000 ))" "$ok" >>"$results"
      log "startup round $round $target: $(( (t1 - t0) / 1000000 )) ms to the first proxied 200$([ $ok = 1 ] || echo ' (never answered)')"
      stop "$target"
      rm -f "$(access_log_of "$target")"
    done
  done
}

# tls: Candor and nginx terminating TLS with the same certificate, in front of the same backend.
#   tls-new:       a new TLS connection (TCP + handshake) per request (wrk, Connection: close): handshakes/s
#   tls-keepalive: requests over kept-alive TLS connections: TLS request throughput
tls_port_of() { case "$1" in candor) echo $CANDOR_TLS_PORT ;; nginx) echo $NGINX_TLS_PORT ;; esac; }

wait_tls_ready() {  # wait_tls_ready TARGET
  local i
  for i in $(seq 1 120); do
    [ "$(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "https://127.0.0.1:$(tls_port_of "$1")/100b" || true)" = 200 ] && return 0
    sleep 0.5
  done
  die "$1 did not answer over TLS on 127.0.0.1:$(tls_port_of "$1")"
}

tls_wrk() {  # tls_wrk TARGET DURATION OUT [extra wrk args]
  local target="$1" dur="$2" out="$3"
  shift 3
  timeout -k 5 $(( $(secs "$dur") + 60 )) \
    taskset -c "$WRK_CPUS" wrk -t "$wrk_threads" -c "$CONNECTIONS" -d "$dur" --latency \
      -s "$tmp/report.lua" "$@" "https://127.0.0.1:$(tls_port_of "$target")/100b" >"$out" 2>&1 || {
    log "wrk over TLS against $target failed:"; cat "$out" >&2; return 1; }
}

tls_case() {
  local target round kind out r noise cpu try
  log "case tls: starting fresh proxies (candor, nginx; $TLS_KEY certificate)"
  for target in candor nginx; do start_proxy "$target"; wait_tls_ready "$target"; done
  wait_quiet
  if [ "$(secs "$WARMUP")" -gt 0 ]; then
    for target in candor nginx; do
      log "case tls: warm-up $target ($WARMUP)"
      tls_wrk "$target" "$WARMUP" "$tmp/raw/tls-$target-warmup.txt" -H 'Connection: close'
    done
  fi
  for round in $(seq 1 "$ROUNDS"); do
    for kind in new keepalive; do
      for target in candor nginx; do
        for try in $(seq 0 "$RETRIES"); do
          out="$tmp/raw/tls-$kind-$target-$round-$try.txt"
          noise_begin "$target"
          if [ "$kind" = new ]; then
            tls_wrk "$target" "$DURATION" "$out" -H 'Connection: close'
          else
            tls_wrk "$target" "$DURATION" "$out"
          fi
          read -r noise cpu <<<"$(noise_end)"
          r="$(grep '^RESULT' "$out" || true)"
          [ -n "$r" ] || { cat "$out" >&2; die "no result from wrk (tls-$kind, $target, round $round)"; }
          eval "$(echo "${r#RESULT }" | tr ' ' '\n' | sed 's/^/local w_/')"
          log "case tls-$kind round $round $target: $(awk -v n="$w_requests" -v d="$w_duration_us" 'BEGIN{printf "%.0f req/s", n/(d/1e6)}'), p99 ${w_p99}us, errors $((w_connect + w_read + w_write + w_timeout)), non-2xx $w_status, other processes ${noise}%, $target CPU ${cpu}%"
          [ "$noise" -le "$NOISE_LIMIT" ] && break
          if [ "$try" -lt "$RETRIES" ]; then log "  other processes were busy; running this round again"; wait_quiet; fi
        done
        # shellcheck disable=SC2154
        printf 'tls\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$target" "$round" \
          "$w_requests" "$w_duration_us" "$w_p50" "$w_p99" "$w_p999" \
          $((w_connect + w_read + w_write + w_timeout)) "$w_status" "$noise" "$try" "$cpu" >>"$results"
      done
    done
  done
  for target in candor nginx; do
    printf 'rss\ttls\t%s\t%s\n' "$target" "$(mem_kib "$target" VmHWM)" >>"$results"
    stop "$target"
    rm -f "$(access_log_of "$target")"
  done
}

# direct upload goes to the drain server, which wait_ready cannot probe with GET /100b
port_of_upload_ready() {
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null --max-time 2 -T /dev/null -H 'Expect:' "http://127.0.0.1:$UPLOAD_PORT/upload" && return 0
    sleep 0.1
  done
  die "upload backend did not start"
}

# ---------------------------------------------------------------------------------------------
# the run

facts() {
  local v
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | $(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo) |"
  echo "| CPUs online | $ncpu |"
  echo "| memory | $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
  echo "| kernel | $(uname -r) |"
  echo "| Java | $(java -version 2>&1 | head -1) |"
  echo "| nginx | $(nginx -v 2>&1 | sed 's/^nginx version: //') |"
  echo "| HAProxy | $(haproxy -v 2>&1 | head -1 | awk '{print $3}') |"
  echo "| wrk | $(wrk -v 2>&1 | head -1 | awk '{print $2}') |"
  echo "| Candor | $("$root/candor" version 2>/dev/null | head -1)$(cd "$root" && git rev-parse --short HEAD 2>/dev/null | sed 's/^/ @ /')$(cd "$root" && [ -n "$(git status --porcelain -- src pom.xml 2>/dev/null)" ] && echo ' (uncommitted changes)') |"
  echo "| pinning | proxy CPUs $PROXY_CPUS (Candor $CANDOR_CPUS), wrk $WRK_CPUS ($wrk_threads thread(s)), backend $BACKEND_CPUS ($backend_workers nginx worker(s)) |"
  echo "| workers | Candor \`workers: $candor_workers\`, nginx \`worker_processes $proxy_workers\`, HAProxy \`nbthread $proxy_workers\` |"
  echo "| load | ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS IDLE_CONNECTIONS=$IDLE_CONNECTIONS UPLOAD_SIZE=$UPLOAD_SIZE |"
}

log "temp dir $tmp; proxies on CPUs $PROXY_CPUS (Candor $CANDOR_CPUS), wrk on $WRK_CPUS, backend on $BACKEND_CPUS"
case ",$WRK_CPUS,$BACKEND_CPUS," in *",$PROXY_CPUS,"*) log "warning: PROXY_CPUS overlaps the load generator or backend" ;; esac
[ "$BACKEND_CPUS" = "$WRK_CPUS" ] && log "warning: backend shares CPUs $BACKEND_CPUS with wrk (only $ncpu CPUs)"
"$root/candor" version >/dev/null   # builds first if the sources are newer than the jar
facts >"$tmp/facts.md"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
start_backends
port_of_upload_ready
t0=$(date +%s)

for case in $CASES; do
  case "$case" in
    small) http_case small /100b ;;
    medium) http_case medium /16k ;;
    close) http_case close /100b -H 'Connection: close' ;;
    large) http_case large /1m ;;
    idle) idle_case ;;
    upload) upload_case ;;
    startup) startup_case ;;
    tls) tls_case ;;
    routes) routes_case ;;
    *) die "unknown case '$case' (small medium close large idle upload startup tls routes)" ;;
  esac
done

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
elapsed=$(( $(date +%s) - t0 ))
log "done in ${elapsed}s"

# ---------------------------------------------------------------------------------------------
# the report

python3 - "$results" "$tmp/facts.md" "$load_start" "$load_end" "$elapsed" "$NOISE_LIMIT" <<'EOF'
import statistics, sys
from collections import defaultdict

results, facts, load_start, load_end, elapsed, noise_limit = sys.argv[1:]
noise_limit = int(noise_limit)
retried = noisy = 0
http, rss, logs, idle, upload, startup = defaultdict(list), {}, {}, defaultdict(list), defaultdict(list), defaultdict(list)
tls = defaultdict(list)
routes = defaultdict(list)
for line in open(results):
    f = line.rstrip("\n").split("\t")
    if f[0] == "http":
        case, target, rnd = f[1], f[2], int(f[3])
        req, dur, p50, p99, p999, err, non2xx, noise, retries, cpu = map(int, f[4:14])
        http[(case, target)].append(dict(rps=req / (dur / 1e6), p50=p50, p99=p99, p999=p999, err=err, non2xx=non2xx,
                                         noise=noise, retries=retries, cpu=cpu))
    elif f[0] == "tls":
        kind, target = f[1], f[2]
        req, dur, p50, p99, p999, err, non2xx, noise, retries, cpu = map(int, f[4:14])
        tls[(kind, target)].append(dict(rps=req / (dur / 1e6), p99=p99, err=err, non2xx=non2xx, noise=noise,
                                        retries=retries, cpu=cpu))
    elif f[0] == "routes":
        req, dur, p50, p99, p999, err, non2xx, noise, retries, cpu = map(int, f[3:13])
        routes[f[1]].append(dict(rps=req / (dur / 1e6), p99=p99, err=err, non2xx=non2xx, noise=noise,
                                 retries=retries, cpu=cpu))
    elif f[0] == "rss":
        rss[(f[1], f[2])] = int(f[3])
    elif f[0] == "log":
        logs[(f[1], f[2])] = (int(f[3]), int(f[4]))
    elif f[0] == "idle":
        idle[f[1]].append(dict(open=int(f[3] or 0), failed=int(f[4] or 0), alive=int(f[5] or 0), est=int(f[6]),
                               base=int(f[7]), held=int(f[8]), hb=int(f[9] or 0), hh=int(f[10] or 0)))
    elif f[0] == "startup":
        startup[f[1]].append(dict(ms=int(f[3]), ok=f[4] == "1"))
    elif f[0] == "upload":
        upload[f[1]].append(dict(code=f[3], secs=float(f[4]), got=int(f[5]), size=int(f[6])))

med = statistics.median
def ms(us): return "%.2f ms" % (us / 1000)
def mib(kib): return "%.1f MiB" % (kib / 1024) if kib else "—"
def ratio(a, b): return "%.2f×" % (a / b) if a and b else "—"

titles = dict(
    small="100 B response, keep-alive clients",
    medium="16 KiB response, keep-alive clients",
    close="100 B response, new client connection per request (`Connection: close`)",
    large="1 MiB response, keep-alive clients")
out = []
out.append("## Machine\n")
out.append(open(facts).read().rstrip())
out.append("| load average (1/5/15 min) | %s at start, %s at end |" % (load_start, load_end))
out.append("| duration of the run | %d s |\n" % int(elapsed))
raw = []
out.append("## Results\n")
out.append("Medians of the rounds. p50/p99/p99.9: wrk's latency percentiles. CPU: CPU time of the serving "
           "processes (Candor's JVM with all its threads, nginx's workers, HAProxy; for direct, the backend's "
           "workers) as a percentage of one CPU. Peak RSS: VmHWM of those processes over the case, warm-up "
           "included. errors: wrk's socket errors (connect, read, write, timeout); non-2xx: responses "
           "that were not 2xx or 3xx.\n")
for case in ("small", "medium", "close", "large"):
    if (case, "direct") not in http:
        continue
    m = {}
    for t in ("direct", "candor", "nginx", "haproxy"):
        rows = http[(case, t)]
        m[t] = dict(rps=med([r["rps"] for r in rows]), p50=med([r["p50"] for r in rows]),
                    p99=med([r["p99"] for r in rows]), p999=med([r["p999"] for r in rows]),
                    cpu=med([r["cpu"] for r in rows]), per_cpu=med([r["rps"] * 100 / max(r["cpu"], 1) for r in rows]),
                    err=sum(r["err"] for r in rows), non2xx=sum(r["non2xx"] for r in rows))
        raw.append("| %s | %s | %s | %s | %s |" % (
            case, t, " / ".join("%.0f" % r["rps"] for r in rows), " / ".join(ms(r["p99"]) for r in rows),
            " / ".join("%d%%%s" % (r["noise"], "" if r["noise"] <= noise_limit else " (kept after %d retries)" % r["retries"])
                       for r in rows)))
        retried += sum(r["retries"] for r in rows)
        noisy += sum(1 for r in rows if r["noise"] > noise_limit)
    out.append("### %s\n" % titles[case])
    out.append("| target | req/s | × nginx | × direct | p50 | p99 | p99 × nginx | p99.9 | CPU | req/s per CPU | peak RSS | errors | non-2xx |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in ("direct", "candor", "nginx", "haproxy"):
        x = m[t]
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %d%% | %s | %s | %d | %d |" % (
            t, "{:,.0f}".format(x["rps"]),
            ratio(x["rps"], m["nginx"]["rps"]) if t != "direct" else "—",
            ratio(x["rps"], m["direct"]["rps"]) if t != "direct" else "1.00×",
            ms(x["p50"]), ms(x["p99"]),
            ratio(x["p99"], m["nginx"]["p99"]) if t != "direct" else "—",
            ms(x["p999"]), x["cpu"], "{:,.0f}".format(x["per_cpu"]),
            mib(rss.get((case, t), 0)) if t != "direct" else "(backend)", x["err"], x["non2xx"]))
    lg = ", ".join("%s %s lines for %s requests" % (t, "{:,}".format(logs[(case, t)][0]), "{:,}".format(logs[(case, t)][1]))
                   for t in ("candor", "nginx", "haproxy") if (case, t) in logs)
    out.append("\nAccess-log lines written (warm-up included): %s.\n" % lg)

if idle:
    out.append("### %s idle keep-alive client connections held\n" % "{:,}".format(idle["candor"][0]["open"] if idle.get("candor") else
               max(r["open"] for rows in idle.values() for r in rows)))
    out.append("Resident memory (VmRSS) of the proxy after a warm-up, then with the connections open and idle "
               "(each made one request first); median of the rounds, a fresh process each round. Kernel socket "
               "buffers are not counted for anyone. For Candor the RSS hardly moves because the JVM's heap is "
               "already resident after the warm-up; what the connections cost it shows as live heap "
               "(objects still reachable after a full GC), given in the last column.\n")
    out.append("| target | opened | still open | RSS before | RSS with them | RSS per connection | live heap per connection |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for t in ("candor", "nginx", "haproxy"):
        rows = idle.get(t)
        if not rows:
            continue
        per = med([(r["held"] - r["base"]) / max(r["open"], 1) for r in rows])
        heap = (med([(r["hh"] - r["hb"]) / max(r["open"], 1) / 1024 for r in rows])
                if all(r["hb"] and r["hh"] for r in rows) else None)
        out.append("| %s | %d | %d | %s | %s | %.1f KiB | %s |" % (
            t, min(r["open"] for r in rows), min(r["alive"] for r in rows),
            mib(med([r["base"] for r in rows])), mib(med([r["held"] for r in rows])), per,
            ("%.1f KiB" % heap) if heap is not None else "—"))
    out.append("")

if upload:
    size = upload["direct"][0]["size"] if upload.get("direct") else 0
    out.append("### Upload of %s (curl -T, streamed to a draining backend)\n" % ("%.0f MiB" % (size / 1048576)))
    out.append("| target | time (median) | throughput | × nginx | × direct | peak RSS | failures |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    thr = {}
    for t in ("direct", "candor", "nginx", "haproxy"):
        rows = upload.get(t, [])
        ok = [r for r in rows if r["code"] == "200" and r["got"] == r["size"]]
        thr[t] = med([r["size"] / r["secs"] / 1048576 for r in ok]) if ok else 0
    for t in ("direct", "candor", "nginx", "haproxy"):
        rows = upload.get(t, [])
        ok = [r for r in rows if r["code"] == "200" and r["got"] == r["size"]]
        out.append("| %s | %s | %s | %s | %s | %s | %d |" % (
            t, ("%.2f s" % med([r["secs"] for r in ok])) if ok else "—",
            ("%.0f MiB/s" % thr[t]) if thr[t] else "—",
            ratio(thr[t], thr["nginx"]) if t != "direct" else "—",
            ratio(thr[t], thr["direct"]) if t != "direct" else "1.00×",
            mib(rss.get(("upload", t), 0)) if t != "direct" else "(backend)", len(rows) - len(ok)))
    out.append("")

if startup:
    out.append("### Start-up to the first proxied request\n")
    out.append("From launching the proxy (Candor through `./candor run`, JVM start included) to its first `200` "
               "for `GET /100b` through to the backend, polled every 10 ms; a fresh process each round.\n")
    out.append("| target | median | every round | never answered |")
    out.append("|---|---:|---|---:|")
    for t in ("candor", "nginx", "haproxy"):
        rows = startup.get(t, [])
        if rows:
            out.append("| %s | %d ms | %s | %d |" % (t, med([r["ms"] for r in rows]),
                       " / ".join("%d ms" % r["ms"] for r in rows), sum(1 for r in rows if not r["ok"])))
    out.append("")

if tls:
    out.append("### TLS termination: Candor and nginx with the same certificate\n")
    out.append("wrk over `https://` to `GET /100b`, proxied to the same backend. *new connection per request*: "
               "`Connection: close`, so every request is a TCP connect and a TLS handshake (wrk's client may "
               "resume sessions; both servers allow it): req/s is handshakes per second. *keep-alive*: requests "
               "over open TLS connections. Medians of the rounds; CPU as above; per round in brackets.\n")
    out.append("| case | target | req/s | × nginx | p99 | CPU | req/s per CPU | errors | non-2xx | req/s per round |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for kind, title in (("new", "new connection per request"), ("keepalive", "keep-alive")):
        base = med([r["rps"] for r in tls.get((kind, "nginx"), [])]) if tls.get((kind, "nginx")) else 0
        for t in ("candor", "nginx"):
            rows = tls.get((kind, t), [])
            if not rows:
                continue
            rps = med([r["rps"] for r in rows])
            out.append("| %s | %s | %s | %s | %s | %d%% | %s | %d | %d | %s |" % (
                title, t, "{:,.0f}".format(rps), ratio(rps, base), ms(med([r["p99"] for r in rows])),
                med([r["cpu"] for r in rows]), "{:,.0f}".format(med([r["rps"] * 100 / max(r["cpu"], 1) for r in rows])),
                sum(r["err"] for r in rows), sum(r["non2xx"] for r in rows),
                " / ".join("%.0f" % r["rps"] for r in rows)))
            retried += sum(r["retries"] for r in rows)
            noisy += sum(1 for r in rows if r["noise"] > noise_limit)
    out.append("\nPeak RSS over the case: candor %s, nginx %s.\n" % (mib(rss.get(("tls", "candor"), 0)),
                                                                     mib(rss.get(("tls", "nginx"), 0))))

if routes:
    out.append("### Routing: one config with many host routes and regex routes (Candor only)\n")
    out.append("`GET` through one Candor whose config holds the host routes, then the `path_regex` routes (each "
               "with a `strip_prefix` rewrite), then a catch-all. *first*/*last*: the first or the last route of "
               "that kind matches; *catch-all*: every regex route is tried and fails. With the route index, host "
               "routes cost the same whichever matches; regex routes are tried one after another (RE2, linear in "
               "the path), so their cost grows with the number of regex routes before the match. Medians of the "
               "rounds; per round in brackets.\n")
    out.append("| asked for | req/s | × host-first | p99 | CPU | req/s per CPU | errors | non-2xx | req/s per round |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    base = med([r["rps"] for r in routes["host-first"]]) if routes.get("host-first") else 0
    for v in ("host-first", "host-last", "regex-first", "regex-last", "catch-all"):
        rows = routes.get(v, [])
        if not rows:
            continue
        rps = med([r["rps"] for r in rows])
        out.append("| %s | %s | %s | %s | %d%% | %s | %d | %d | %s |" % (
            v, "{:,.0f}".format(rps), ratio(rps, base), ms(med([r["p99"] for r in rows])), med([r["cpu"] for r in rows]),
            "{:,.0f}".format(med([r["rps"] * 100 / max(r["cpu"], 1) for r in rows])), sum(r["err"] for r in rows),
            sum(r["non2xx"] for r in rows), " / ".join("%.0f" % r["rps"] for r in rows)))
        retried += sum(r["retries"] for r in rows)
        noisy += sum(1 for r in rows if r["noise"] > noise_limit)
    out.append("\nPeak RSS of Candor over the case: %s.\n" % mib(rss.get(("routes", "candor"), 0)))

if raw:
    out.append("### Every round\n")
    out.append("Other processes' CPU use is measured during each timed round (percent of one CPU); a round above "
               "%d%% was run again (%d re-runs in all); %d round(s) stayed above it after the retries and were kept.\n"
               % (noise_limit, retried, noisy))
    out.append("| case | target | req/s per round | p99 per round | other processes' CPU per round |")
    out.append("|---|---|---|---|---|")
    out.extend(raw)
    out.append("")
print("\n".join(out))
EOF
