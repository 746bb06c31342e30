"""Chat benchmark driver (run by bench/chat.sh): starts the real stack with the test
harness, then measures
  1. POST /api/chat/send throughput at 64 connections (wrk, unique client_id per request),
  2. GET /api/chat/history?limit=50 at 64 connections (wrk),
  3. WebSocket fan-out: 100 sockets in one space, one sender; latency from send to
     receipt on every socket (p50/p99), measured by the C probe bench/chat_fanout.c,
and prints ratios against build/bin/hello-mhd (bare libmicrohttpd), via bench/benchlib.py."""
import json
import os
import subprocess
import uuid

from benchlib import HERE, hello_mhd, post_script, report, wrk
from harness import Stack, fresh_code

FANOUT = int(os.environ.get("BENCH_SOCKETS", "100"))
ROUNDS = int(os.environ.get("BENCH_FANOUT_MESSAGES", "50"))


def send_script(sid, uid):
    """Every request stores a new message (its own client_id)."""
    prelude = "local tid = tostring(math.random(1, 1e9))\nlocal SPACE, USER = %d, %s" % (
        sid, json.dumps(uid))
    body = ("string.format('{\"space_id\":%d,\"user_id\":\"%s\",\"content\":\"bench %d\","
            "\"message_type\":\"text\",\"client_id\":\"b%s_%d\"}', SPACE, USER, n, tid, n)")
    return post_script(body, prelude)


def fanout(stack, owner, sid):
    """C probe: FANOUT sockets, one sender, latency send -> receipt on every socket."""
    probe = os.path.join(HERE, "..", "build", "bench", "chat_fanout")
    out = subprocess.run([probe, str(stack.ports[0]), str(sid), owner.openid, owner.token,
                          str(FANOUT), str(ROUNDS)], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit("fan-out probe failed: %s %s" % (out.stdout, out.stderr))
    p50, p99, n = out.stdout.split()
    return float(p50), float(p99), int(n)


def main():
    stack = Stack().start()
    try:
        owner = stack.login("bench" + uuid.uuid4().hex[:8])
        sid = owner.enter(fresh_code())
        headers = dict(owner.headers(), **{"Content-Type": "application/json"})
        lua = send_script(sid, owner.openid)
        try:
            send = wrk(stack.url("/api/chat/send") + "?user_id=" + owner.openid, headers, lua)
        finally:
            os.unlink(lua)
        history = wrk(stack.url("/api/chat/history") + "?space_id=%d&limit=50&user_id=%s"
                      % (sid, owner.openid), owner.headers())
        fan = fanout(stack, owner, sid)
    finally:
        stack.stop()
    report("chat", [("send (POST /api/chat/send)", send),
                    ("history (limit 50)", history)], hello_mhd())
    print("ws fan-out to %d sockets (%d messages): p50 %.2f ms  p99 %.2f ms  (%d receipts)"
          % (FANOUT, ROUNDS, fan[0], fan[1], fan[2]))


if __name__ == "__main__":
    main()
