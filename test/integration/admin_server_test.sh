#!/usr/bin/env bash
# Transport behaviour of a real `kongdb start` (endpoint bodies are covered elsewhere):
# keep-alive, pipelining, limits, slow clients, TLS, the admin token, signals, `kongdb health`,
# and the web GUI's listener.
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
passes=0
failures=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL $1"; failures=$((failures + 1)); }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_kongdb NAME [VAR=VALUE...]: starts `kongdb start` with that environment, waits until
# `kongdb health` succeeds (or the process died), sets $pid.
start_kongdb() {
  local name=$1
  shift
  env "$@" "$KONGDB" start >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 1
    env "$@" "$KONGDB" health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

port=$(free_port)
base="http://127.0.0.1:$port"
common=(KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:$port"
        KONG_ADMIN_ACCESS_LOG="$tmp/access.log" KONG_NGINX_ADMIN_CLIENT_HEADER_TIMEOUT=1s
        KONG_NGINX_WORKER_PROCESSES=2)

if start_kongdb main "${common[@]}"; then ok; else bad "kongdb start serves"; cat "$tmp/main.err"; fi
main_pid=$pid
grep -q "Admin API listening on http://127.0.0.1:$port" "$tmp/main.err" && ok || { bad "start-up line on stderr"; cat "$tmp/main.err"; }

out=$(env "${common[@]}" "$KONGDB" health 2>&1); rc=$?
[ $rc -eq 0 ] && [[ "$out" == *"healthy at http://127.0.0.1:$port"* ]] && ok || bad "health of a running instance (rc=$rc: $out)"

# Keep-alive: several requests on one connection count as one accepted connection.
python3 - "$port" <<'PY' && ok || bad "keep-alive reuses the connection"
import http.client, json, sys
port = int(sys.argv[1])
probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
probe.request("GET", "/status"); before = json.loads(probe.getresponse().read())["server"]["connections_accepted"]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
for _ in range(5):
    c.request("GET", "/services"); r = c.getresponse(); r.read(); assert r.status == 200, r.status
c.request("GET", "/status"); after = json.loads(c.getresponse().read())["server"]["connections_accepted"]
assert after == before + 1, (before, after)
PY

# Pipelining: three requests in one write come back in order.
python3 - "$port" <<'PY' && ok || bad "pipelined requests answered in order"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /does-not-exist HTTP/1.1\r\nHost: t\r\n\r\n"
          b"GET /status HTTP/1.1\r\nHost: t\r\n\r\n"
          b"GET /services HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk: break
    data += chunk
parts = data.split(b"HTTP/1.1 ")[1:]
assert [p[:3] for p in parts] == [b"404", b"200", b"200"], [p[:3] for p in parts]
assert b'"server"' in parts[1] and b'"data"' in parts[2], parts
PY

# A body over the 10m default gets 413; the server keeps serving.
head -c 11000000 /dev/zero | tr '\0' 'a' >"$tmp/big"
code=$(curl -s -o "$tmp/413.body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$tmp/big" "$base/services")
[ "$code" = 413 ] && grep -q '"message"' "$tmp/413.body" && ok || bad "oversized body -> 413 (got $code)"
code=$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /services HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n")
try:
    s.sendall(b"a" * 1000000)
except OSError:
    pass
print(s.recv(100).split(b" ")[1].decode())
PY
)
[ "$code" = 413 ] && ok || bad "declared oversized body -> 413 without reading it (got $code)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/status")
[ "$code" = 200 ] && ok || bad "serving after 413 (got $code)"

# 10k headers -> 4xx, and the server keeps serving.
code=$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
req = b"GET /status HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(10000)) + b"\r\n"
try:
    s.sendall(req)
except OSError:
    pass
print(s.recv(100).split(b" ")[1].decode())
PY
)
[[ "$code" == 4* ]] && ok || bad "10k headers -> 4xx (got $code)"

# Slowloris: a client that never finishes its header is dropped; others are served meanwhile.
python3 - "$port" <<'PY' && ok || bad "slow client dropped while others are served"
import socket, sys, http.client
port = int(sys.argv[1])
slow = socket.create_connection(("127.0.0.1", port), timeout=15)
slow.sendall(b"GET /status HTTP/1.1\r\nHost: t\r\nX-Slow: ")
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
for _ in range(3):
    c.request("GET", "/status"); r = c.getresponse(); r.read(); assert r.status == 200
slow.sendall(b"a")
assert slow.recv(100) == b"", "slow client was answered instead of dropped"
PY

code=$(curl -s -o "$tmp/400.body" -w '%{http_code}' "$base/services/%zz")
[ "$code" = 400 ] && ok || bad "invalid percent-encoding -> 400 (got $code: $(cat "$tmp/400.body"))"

grep -q '"GET /status HTTP/1.1" 200 ' "$tmp/access.log" && ok || bad "access log lines"

# A second instance on a port in use: exit 1 with a clear message.
out=$(env "${common[@]}" "$KONGDB" start 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"could not bind admin listener 127.0.0.1:$port"* ]] && ok || bad "port in use -> exit 1 (rc=$rc: $out)"

# SIGTERM drains and exits 0; health then fails.
kill -TERM "$main_pid"
wait "$main_pid"; rc=$?
[ $rc -eq 0 ] && grep -q "stopped" "$tmp/main.err" && ok || { bad "SIGTERM -> exit 0 (rc=$rc)"; cat "$tmp/main.err"; }
out=$(env "${common[@]}" "$KONGDB" health 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"not running"* ]] && ok || bad "health of a stopped instance (rc=$rc: $out)"

# TLS listener next to a plain one, with an admin token.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
  -subj /CN=localhost >/dev/null 2>&1
plain=$(free_port)
tls=$(free_port)
secure=(KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:$plain, 127.0.0.1:$tls http2 ssl"
        KONG_ADMIN_SSL_CERT="$tmp/cert.pem" KONG_ADMIN_SSL_CERT_KEY="$tmp/key.pem"
        KONG_ADMIN_TOKEN=s3cret KONG_ADMIN_ACCESS_LOG=off)
if start_kongdb secure "${secure[@]}"; then ok; else bad "kongdb start with TLS + token"; cat "$tmp/secure.err"; fi
secure_pid=$pid
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tmp/cert.pem" --resolve "localhost:$tls:127.0.0.1" \
  -H 'Kong-Admin-Token: s3cret' "https://localhost:$tls/status")
[ "$code" = 200 ] && ok || bad "TLS listener answers (got $code)"
body=$(curl -s "http://127.0.0.1:$plain/status"); code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$plain/status")
[ "$code" = 401 ] && [[ "$body" == *'"message"'* ]] && ok || bad "missing admin token -> 401 (got $code: $body)"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Kong-Admin-Token: nope' "https://127.0.0.1:$tls/status")
[ "$code" = 401 ] && ok || bad "wrong admin token -> 401 (got $code)"
out=$(env KONG_ADMIN_LISTEN="127.0.0.1:$tls ssl" KONG_ADMIN_TOKEN=s3cret "$KONGDB" health 2>&1); rc=$?
[ $rc -eq 0 ] && ok || bad "health over TLS with the token (rc=$rc: $out)"
out=$(env KONG_ADMIN_LISTEN="127.0.0.1:$plain" "$KONGDB" health 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *401* ]] && ok || bad "health without the token fails (rc=$rc: $out)"
kill -INT "$secure_pid"
wait "$secure_pid"; rc=$?
[ $rc -eq 0 ] && ok || bad "SIGINT -> exit 0 (rc=$rc)"

out=$(env KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:1 ssl" "$KONGDB" start 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"admin_ssl_cert"* ]] && ok || bad "ssl listener without a cert -> exit 1 (rc=$rc: $out)"
out=$(env KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="nonsense" "$KONGDB" start 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"invalid admin_listen entry 'nonsense'"* ]] && ok || bad "bad admin_listen -> exit 1 (rc=$rc: $out)"

# The web GUI on admin_gui_listen: its files, /kconfig.json, the URL printed at start-up, and
# Kong's CORS headers on the Admin API for it.
mkdir -p "$tmp/gui/assets"
echo '<!doctype html><title>gui</title>' >"$tmp/gui/index.html"
echo 'console.log(1)' >"$tmp/gui/assets/app-1a2b.js"
api_port=$(free_port)
gui_port=$(free_port)
gui=(KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:$api_port" KONG_ADMIN_ACCESS_LOG=off
     KONG_ADMIN_GUI_LISTEN="127.0.0.1:$gui_port" KONG_ADMIN_GUI_ROOT="$tmp/gui")
if start_kongdb gui "${gui[@]}"; then ok; else bad "kongdb start with the GUI"; cat "$tmp/gui.err"; fi
gui_pid=$pid
grep -q "Admin GUI at http://127.0.0.1:$gui_port" "$tmp/gui.err" && ok || { bad "GUI URL printed"; cat "$tmp/gui.err"; }
[ "$(curl -s "http://127.0.0.1:$gui_port/")" = '<!doctype html><title>gui</title>' ] && ok || bad "GUI index served"
[ "$(curl -s "http://127.0.0.1:$gui_port/kconfig.json")" = "{\"admin_api_url\":\"http://127.0.0.1:$api_port\"}" ] && ok ||
  bad "kconfig.json names the Admin API ($(curl -s "http://127.0.0.1:$gui_port/kconfig.json"))"
headers=$(curl -s -D - -o /dev/null -X OPTIONS -H "Origin: http://127.0.0.1:$gui_port" \
  -H 'Access-Control-Request-Headers: content-type,kong-admin-token' "http://127.0.0.1:$api_port/services")
[[ "$headers" == *"HTTP/1.1 204"* && "$headers" == *"Access-Control-Allow-Origin: http://127.0.0.1:$gui_port"* &&
   "$headers" == *"Access-Control-Allow-Headers: content-type,kong-admin-token"* ]] && ok || bad "CORS preflight ($headers)"
kill -TERM "$gui_pid"
wait "$gui_pid" && ok || bad "GUI instance stops on SIGTERM"
out=$(env KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:$api_port" KONG_ADMIN_GUI_LISTEN=bogus "$KONGDB" start 2>&1); rc=$?
[ $rc -eq 1 ] && [[ "$out" == *"admin_gui_listen: invalid admin_listen entry 'bogus'"* ]] && ok || bad "bad admin_gui_listen -> exit 1 (rc=$rc: $out)"
if start_kongdb nogui KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:$api_port" \
     KONG_ADMIN_GUI_LISTEN="127.0.0.1:$gui_port" KONG_ADMIN_GUI_ROOT="$tmp/missing"; then ok; else bad "start without GUI files"; fi
grep -q "Admin GUI not served: no Admin GUI files in '$tmp/missing'" "$tmp/nogui.err" && ok || { bad "missing GUI noted"; cat "$tmp/nogui.err"; }
kill -TERM "$pid"
wait "$pid"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
