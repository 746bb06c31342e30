"""Chat benchmark driver (run by bench/chat.sh): starts the real stack with the test
harness, then measures
  1. POST /api/chat/send throughput at 64 connections (wrk, unique client_id per request),
  2. GET /api/chat/history?limit=50 at 64 connections (wrk),
  3. WebSocket fan-out: 100 sockets in one space, one sender; latency from send to
     receipt on every socket (p50/p99), measured by the C probe bench/chat_fanout.c,
and prints ratios against build/bin/hello-mhd (bare libmicrohttpd on the same machine)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "blackbox"))
from harness import BIN, Stack, fresh_code, free_port  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "5s")
CONNS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
THREADS = os.environ.get("BENCH_THREADS", "2")
FANOUT = int(os.environ.get("BENCH_SOCKETS", "100"))
ROUNDS = int(os.environ.get("BENCH_FANOUT_MESSAGES", "50"))

SEND_LUA = r"""
local n = 0
local tid = tostring(math.random(1, 1e9))
request = function()
  n = n + 1
  local body = string.format('{"space_id":%s,"user_id":"%s","content":"bench %d",' ..
    '"message_type":"text","client_id":"b%s_%d"}', SPACE, USER, n, tid, n)
  return wrk.format("POST", nil, nil, body)
end
"""


def wrk(url, headers, script=None):
    cmd = ["wrk", "-t", THREADS, "-c", str(CONNS), "-d", DURATION, "--latency"]
    for k, v in headers.items():
        cmd += ["-H", "%s: %s" % (k, v)]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "errors": int(non2xx.group(1)) if non2xx else 0}


def hello_mhd():
    """Bare libmicrohttpd hello world on this machine: the ceiling an HTTP route can reach."""
    exe = os.path.join(BIN, "hello-mhd")
    if not os.access(exe, os.X_OK):
        return None
    port = free_port()
    env = dict(os.environ, PORT=str(port), GATEWAY_PORT=str(port))
    p = subprocess.Popen([exe, str(port)], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 5
        while time.time() < deadline:
            if subprocess.run(["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:%d/" % port]).returncode == 0:
                break
            time.sleep(0.05)
        return wrk("http://127.0.0.1:%d/" % port, {})
    finally:
        p.terminate()
        p.wait()


def fanout(stack, owner, sid):
    """C probe (bench/chat_fanout.c): FANOUT sockets, one sender, latency send -> receipt."""
    probe = os.path.join(HERE, "..", "build", "bench", "chat_fanout")
    out = subprocess.run([probe, str(stack.ports[0]), str(sid), owner.openid, owner.token,
                          str(FANOUT), str(ROUNDS)], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit("fan-out probe failed: %s %s" % (out.stdout, out.stderr))
    p50, p99, n = out.stdout.split()
    return {"p50": float(p50), "p99": float(p99), "n": int(n)}


def main():
    stack = Stack().start()
    try:
        owner = stack.login("bench" + uuid.uuid4().hex[:8])
        sid = owner.enter(fresh_code())
        h = owner.headers()
        h["Content-Type"] = "application/json"
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write("SPACE = %d\nUSER = %s\n%s" % (sid, json.dumps(owner.openid), SEND_LUA))
            lua = f.name
        base = stack.url("/api/chat/send") + "?user_id=" + owner.openid
        send = wrk(base, h, lua)
        os.unlink(lua)
        hist = wrk(stack.url("/api/chat/history") + "?space_id=%d&limit=50&user_id=%s" %
                   (sid, owner.openid), owner.headers())
        fan = fanout(stack, owner, sid)
    finally:
        stack.stop()
    hello = hello_mhd()
    print("chat send    (POST /api/chat/send, %d conns): %8.0f req/s  p50 %s  p99 %s  non-2xx %d"
          % (CONNS, send["rps"], send["p50"], send["p99"], send["errors"]))
    print("chat history (limit 50, %d conns):            %8.0f req/s  p50 %s  p99 %s  non-2xx %d"
          % (CONNS, hist["rps"], hist["p50"], hist["p99"], hist["errors"]))
    print("ws fan-out   (%d sockets, %d messages):       p50 %.2f ms  p99 %.2f ms  (%d receipts)"
          % (FANOUT, ROUNDS, fan["p50"], fan["p99"], fan["n"]))
    if hello:
        print("hello-mhd    (%d conns):                      %8.0f req/s  p50 %s  p99 %s"
              % (CONNS, hello["rps"], hello["p50"], hello["p99"]))
        print("ratios vs hello-mhd: send %.3f  history %.3f"
              % (send["rps"] / hello["rps"], hist["rps"] / hello["rps"]))
    else:
        print("hello-mhd not built: no ratio")


if __name__ == "__main__":
    main()
