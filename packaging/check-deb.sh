#!/usr/bin/env bash
# Checks the Debian package the way an operator meets it, on this machine, then removes it: inspect,
# dpkg -i, the installed files and user, candor check, the systemd unit (systemd-analyze verify, offline),
# the logrotate file, candor run with the shipped config (as the candor user with only
# CAP_NET_BIND_SERVICE, as the unit runs it) serving a request from a local upstream, candor status and
# reload, a log rotation with SIGUSR1, a graceful stop, then dpkg -r and --purge.
# Usage (as root): packaging/check-deb.sh target/deb/candor_*.deb
set -euo pipefail
deb="${1:?usage: check-deb.sh PATH.deb}"
[ -f "$deb" ] || { echo "check-deb: no such file: $deb" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "check-deb: must run as root (it installs the package)" >&2; exit 2; }

checks=0
pass() { checks=$((checks + 1)); echo "check-deb: PASS $*"; }
fail() { echo "check-deb: FAIL $*" >&2; exit 1; }

if dpkg -s candor >/dev/null 2>&1; then
  fail "a candor package is already installed here; remove it first (this check installs and purges its own)"
fi
for port in 80 9901 8081; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "127.0.0.1:$port is in use; the shipped config (and its stand-in upstream) need it"
  fi
done

work="$(mktemp -d)"
upstream_pid=""
candor_pid=""
cleanup() {
  [ -n "$candor_pid" ] && kill "$candor_pid" 2>/dev/null || true
  [ -n "$upstream_pid" ] && kill "$upstream_pid" 2>/dev/null || true
  if dpkg -s candor >/dev/null 2>&1; then
    dpkg --purge candor >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. What the package says and holds, before installing it.
info="$(dpkg-deb --info "$deb")"
echo "$info" | grep -q '^ Package: candor$' || fail "dpkg-deb --info: not the candor package:\n$info"
echo "$info" | grep -q '^ Recommends: logrotate$' || fail "dpkg-deb --info: no Recommends: logrotate"
for script in postinst prerm postrm; do
  echo "$info" | grep -q " $script " || fail "dpkg-deb --info: no $script"
done
if echo "$info" | grep '^ Depends:' | grep -Eq 'libx11|libasound|libfreetype'; then
  fail "the package depends on desktop libraries: $(echo "$info" | grep '^ Depends:')"
fi
pass "dpkg-deb --info: $(echo "$info" | grep '^ Version:' | sed 's/^ //'), $(echo "$info" | grep '^ Depends:' | sed 's/^ //')"

contents="$(dpkg-deb --contents "$deb" | awk '{print $6}')"
for f in ./opt/candor/bin/candor ./opt/candor/lib/runtime/bin/java ./opt/candor/lib/app/candor.jar \
         ./opt/candor/lib/app/share/candor.service ./opt/candor/lib/app/share/candor.logrotate \
         ./opt/candor/lib/app/share/candor.yaml; do
  echo "$contents" | grep -qx "$f" || fail "dpkg-deb --contents: $f missing"
done
if echo "$contents" | grep -q '/lib/runtime/bin/javac$'; then
  fail "the runtime is a whole JDK, not a jlinked one"
fi
pass "dpkg-deb --contents: launcher, jlinked runtime (no javac), jar and service files"

# 2. Install, and what postinst placed.
dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log" >&2; fail "dpkg -i"; }
pass "dpkg -i $(basename "$deb")"
[ "$(readlink /usr/bin/candor)" = /opt/candor/bin/candor ] || fail "/usr/bin/candor is not a link to /opt/candor/bin/candor"
getent passwd candor | grep -q ':/usr/sbin/nologin$' || fail "no candor system user with nologin: $(getent passwd candor)"
[ "$(stat -c '%U:%G %a' /var/log/candor)" = "candor:adm 750" ] || fail "/var/log/candor is $(stat -c '%U:%G %a' /var/log/candor)"
[ "$(stat -c '%U:%G %a' /etc/candor/candor.yaml)" = "root:candor 640" ] || fail "/etc/candor/candor.yaml is $(stat -c '%U:%G %a' /etc/candor/candor.yaml)"
[ -f /lib/systemd/system/candor.service ] || fail "no /lib/systemd/system/candor.service"
[ -f /etc/logrotate.d/candor ] || fail "no /etc/logrotate.d/candor"
pass "installed: /usr/bin/candor, user candor, /etc/candor/candor.yaml (root:candor 640), /var/log/candor (candor:adm 750), unit, logrotate file"

# 3. The installed command, as the unit's ExecStartPre runs it.
/usr/bin/candor version >"$work/version.txt" 2>&1 || fail "candor version: $(cat "$work/version.txt")"
runuser -u candor -- /usr/bin/candor check -c /etc/candor/candor.yaml >"$work/check.txt" 2>&1 \
  || { cat "$work/check.txt" >&2; fail "candor check -c /etc/candor/candor.yaml (as candor)"; }
grep -q 'OK' "$work/check.txt" || fail "candor check did not say OK: $(cat "$work/check.txt")"
pass "candor check -c /etc/candor/candor.yaml as the candor user: $(grep OK "$work/check.txt")"

# 4. The unit and the logrotate file, checked offline.
# It exits 0 on an unknown or misspelt directive and only says so, so any output is a failure.
systemd-analyze verify /lib/systemd/system/candor.service >"$work/verify.txt" 2>&1 \
  || { cat "$work/verify.txt" >&2; fail "systemd-analyze verify candor.service"; }
[ ! -s "$work/verify.txt" ] || { cat "$work/verify.txt" >&2; fail "systemd-analyze verify candor.service has remarks"; }
pass "systemd-analyze verify candor.service: no remark"
for key in 'ExecStartPre=/usr/bin/candor check' 'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=on-failure' \
           'AmbientCapabilities=CAP_NET_BIND_SERVICE' 'ProtectSystem=strict' 'ReadWritePaths=/var/log/candor' \
           'NoNewPrivileges=yes' 'PrivateTmp=yes' 'ProtectHome=yes' 'LimitNOFILE='; do
  grep -qF "$key" /lib/systemd/system/candor.service || fail "candor.service lacks $key"
done
stop_s="$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' /lib/systemd/system/candor.service)"
grace_s="$(sed -n 's/^shutdown_grace: \([0-9]*\)s$/\1/p' /etc/candor/candor.yaml)"
[ -n "$stop_s" ] && [ -n "$grace_s" ] && [ "$stop_s" -gt "$grace_s" ] \
  || fail "TimeoutStopSec (${stop_s:-?}s) must be above shutdown_grace (${grace_s:-?}s)"
pass "the unit has the hardening and TimeoutStopSec ${stop_s}s > shutdown_grace ${grace_s}s"
if command -v logrotate >/dev/null; then
  logrotate -d /etc/logrotate.d/candor >"$work/logrotate.txt" 2>&1 \
    || { cat "$work/logrotate.txt" >&2; fail "logrotate -d /etc/logrotate.d/candor"; }
  if grep -qi 'error' "$work/logrotate.txt"; then cat "$work/logrotate.txt" >&2; fail "logrotate -d reports an error"; fi
  pass "logrotate -d /etc/logrotate.d/candor"
fi

# 5. Run the shipped config in front of a stand-in upstream on 127.0.0.1:8081, as the unit would:
# the candor user with CAP_NET_BIND_SERVICE as its only capability (it binds port 80).
mkdir -p "$work/www"
echo "hello from the upstream" >"$work/www/index.html"
python3 -m http.server 8081 --bind 127.0.0.1 --directory "$work/www" >"$work/upstream.log" 2>&1 &
upstream_pid=$!
setpriv --reuid=candor --regid=candor --init-groups --inh-caps=+net_bind_service --ambient-caps=+net_bind_service \
  /usr/bin/candor run -c /etc/candor/candor.yaml >"$work/run.out" 2>"$work/run.err" &
candor_pid=$!
served=""
for _ in $(seq 1 300); do
  if ! kill -0 "$candor_pid" 2>/dev/null; then cat "$work/run.err" >&2; fail "candor run exited"; fi
  if body="$(curl -fsS --max-time 2 http://127.0.0.1:80/ 2>/dev/null)" && [ "$body" = "hello from the upstream" ]; then
    served=yes
    break
  fi
  sleep 0.1
done
[ -n "$served" ] || { cat "$work/run.err" >&2; fail "no answer through candor on 127.0.0.1:80 within 30 s"; }
pass "candor run -c /etc/candor/candor.yaml as candor (CAP_NET_BIND_SERVICE only) serves the upstream's page on port 80"

/usr/bin/candor status -c /etc/candor/candor.yaml >"$work/status.txt" 2>&1 || { cat "$work/status.txt" >&2; fail "candor status"; }
grep -q 'config:      /etc/candor/candor.yaml' "$work/status.txt" || fail "candor status: $(cat "$work/status.txt")"
/usr/bin/candor reload -c /etc/candor/candor.yaml >"$work/reload.txt" 2>&1 || { cat "$work/reload.txt" >&2; fail "candor reload"; }
pass "candor status and candor reload talk to it: $(head -1 "$work/reload.txt")"

# 6. Rotation as logrotate does it: rename, then SIGUSR1; the next line goes to a new file.
for _ in $(seq 1 100); do [ -s /var/log/candor/access.log ] && break; sleep 0.05; done
[ -s /var/log/candor/access.log ] || fail "no line in /var/log/candor/access.log"
mv /var/log/candor/access.log /var/log/candor/access.log.1
kill -USR1 "$candor_pid"
for _ in $(seq 1 100); do grep -q 'access log reopened (SIGUSR1)' "$work/run.err" && break; sleep 0.05; done
grep -q 'access log reopened (SIGUSR1)' "$work/run.err" || { cat "$work/run.err" >&2; fail "no reopen after SIGUSR1"; }
curl -fsS --max-time 2 -H 'X-Request-Id: after-rotation' http://127.0.0.1:80/ >/dev/null || fail "no answer after SIGUSR1"
for _ in $(seq 1 100); do grep -q '"after-rotation"' /var/log/candor/access.log 2>/dev/null && break; sleep 0.05; done
grep -q '"after-rotation"' /var/log/candor/access.log || fail "the request after the rotation is not in the new access.log"
grep -q '"after-rotation"' /var/log/candor/access.log.1 && fail "the request after the rotation went to the renamed file"
kill -0 "$candor_pid" || fail "candor is gone after SIGUSR1"
pass "rename + SIGUSR1: candor keeps serving and writes the new access.log"

# 7. Graceful stop: exit 0.
kill -TERM "$candor_pid"
status=0
wait "$candor_pid" || status=$?
candor_pid=""
[ "$status" = 0 ] || { cat "$work/run.err" >&2; fail "candor exited $status after SIGTERM"; }
pass "SIGTERM: candor drained and exited 0"

# 8. Remove keeps the configuration; purge takes everything.
dpkg -r candor >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log" >&2; fail "dpkg -r candor"; }
[ ! -e /usr/bin/candor ] && [ ! -e /opt/candor ] && [ ! -e /lib/systemd/system/candor.service ] \
  || fail "dpkg -r left /usr/bin/candor, /opt/candor or the unit"
[ -f /etc/candor/candor.yaml ] || fail "dpkg -r removed the configuration"
pass "dpkg -r: program and unit gone, /etc/candor/candor.yaml kept"
dpkg --purge candor >"$work/dpkg-purge.log" 2>&1 || { cat "$work/dpkg-purge.log" >&2; fail "dpkg --purge candor"; }
[ ! -e /etc/candor ] && [ ! -e /var/log/candor ] && [ ! -e /etc/logrotate.d/candor ] \
  || fail "dpkg --purge left /etc/candor, /var/log/candor or /etc/logrotate.d/candor"
getent passwd candor >/dev/null && fail "dpkg --purge left the candor user"
dpkg -s candor >/dev/null 2>&1 && fail "dpkg still knows the candor package"
pass "dpkg --purge: configuration, logs and the candor user gone"

echo "check-deb: all $checks checks of $(basename "$deb") passed"
