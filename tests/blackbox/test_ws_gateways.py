"""WebSocket across two gateway processes (fan-out through svc-chat's event PUB) and the
server's own heartbeat: server_ping every WS_PING_SECONDS, idle close 4408."""
import asyncio
import base64
import os
import signal
import socket
import time
import uuid

import pytest

from harness import Stack, fresh_code, share_into
from test_ws import connect, is_msg, run


@pytest.fixture(scope="module")
def stack2():
    s = Stack(gateways=2, env={"WS_PING_SECONDS": "1", "WS_IDLE_SECONDS": "5",
                               "WS_PRESENCE_ALIVE_MS": "300", "PRESENCE_TTL_MS": "2000",
                               "WS_MAX_QUEUE": "65536", "WS_RESUME_MAX": "3"}).start()
    yield s
    s.stop()


def login(stack, prefix, gateway):
    c = stack.login("%s%s" % (prefix, uuid.uuid4().hex[:10]), gateway)
    return c


def test_message_crosses_gateways(stack2):
    a = login(stack2, "gwa", 0)
    b = login(stack2, "gwb", 1)
    sid = a.enter(fresh_code())
    share_into(a, b, sid)

    async def go():
        wa = await connect(a, sid)            # on gateway 0
        wb = await connect(b, sid)            # on gateway 1
        # presence is the space's, not one process's
        f = await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)
        assert set(f["online_user_ids"]) == {a.openid, b.openid}
        await wb.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)
        await wa.send({"content": "over there", "message_type": "text", "client_id": "x_1"})
        m = await wb.next(is_msg)
        assert m["content"] == "over there" and m["user_id"] == a.openid and m["client_id"] == "x_1"
        await wb.send({"event": "typing", "typing": True})
        f = await wa.next(lambda f: f.get("event") == "typing" and f["user_id"] == b.openid)
        assert f == {"event": "typing", "user_id": b.openid, "typing": True}
        await wb.close()
        f = await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 1)
        await wa.close()
    run(go())


def test_server_ping_and_idle_close(stack2):
    a = login(stack2, "idle", 0)
    sid = a.enter(fresh_code())

    async def go():
        # no client frames at all (client pings off): server_ping arrives, then 4408
        ws = await connect(a, sid, ping_interval=None)
        t0 = time.monotonic()
        f = await ws.next(lambda f: f.get("event") == "server_ping")
        assert isinstance(f["ts"], int)
        assert await ws.closed_code(timeout=10) == 4408
        assert time.monotonic() - t0 >= 2.0
        # a client that keeps talking stays
        ws = await connect(a, sid, ping_interval=None)
        for _ in range(5):
            await ws.send({"event": "ping"})
            await ws.next(lambda f: f.get("event") == "pong")
            await asyncio.sleep(1)
        assert ws.ws.open
        await ws.close()
    run(go())


def test_resume_is_bounded_and_pages_with_history(stack2):
    a = login(stack2, "rb", 0)
    sid = a.enter(fresh_code())
    ids = [a.post("/api/chat/send", {"space_id": sid, "user_id": a.openid,
                                     "content": "m%d" % i}).json()["id"] for i in range(5)]

    async def go():
        ws = await connect(a, sid, last_id=0, ping_interval=1)
        got = [(await ws.next(is_msg))["id"] for _ in range(3)]
        assert got == ids[2:]                     # the newest WS_RESUME_MAX, in order
        await ws.close()
    run(go())
    older = a.get("/api/chat/history", space_id=sid, before_id=ids[2]).json()["messages"]
    assert [m["id"] for m in older] == ids[:2]


def raw_socket_that_never_reads(client, sid, port):
    """A websocket client with a tiny receive buffer that stops reading after the handshake."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    req = ("GET /ws/chat/%d?user_id=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
           "Authorization: Bearer %s\r\n\r\n" % (sid, client.openid, key, client.token))
    s.sendall(req.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return s


def read_until_eof(s, timeout):
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except (socket.timeout, ConnectionResetError):
        return data, False


def test_slow_reader_is_dropped(stack2):
    a = login(stack2, "slow", 0)
    sid = a.enter(fresh_code())
    s = raw_socket_that_never_reads(a, sid, stack2.ports[0])
    body = {"space_id": sid, "user_id": a.openid, "content": "x" * 4000}
    sent = 0
    deadline = time.monotonic() + 30
    # far more than the socket, the kernel buffers and WS_MAX_QUEUE (64 KiB) can hold
    while sent < 300 and time.monotonic() < deadline:
        assert a.post("/api/chat/send", body).status_code == 200
        sent += 1
    data, eof = read_until_eof(s, 10)
    s.close()
    assert eof, "the gateway kept a socket that never reads"
    assert data.count(b"x" * 4000) < sent          # dropped, not buffered without bound
    assert data.endswith(b"\x88\x15\x03\xf0send queue overflow")   # close 1008
    # the gateway is fine for everyone else
    async def go():
        ws = await connect(a, sid)
        await ws.send({"event": "ping"})
        await ws.next(lambda f: f.get("event") == "pong")
        await ws.close()
    run(go())


def test_presence_survives_svc_chat_restart(stack2):
    a = login(stack2, "rsa", 0)
    b = login(stack2, "rsb", 1)
    sid = a.enter(fresh_code())
    share_into(a, b, sid)

    async def go():
        wa = await connect(a, sid, ping_interval=1)     # this stack kicks idle sockets at 5 s
        await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 1)
        r = a.post("/api/chat/send", {"space_id": sid, "user_id": a.openid, "content": "before"})
        assert (await wa.next(is_msg))["id"] == r.json()["id"]
        stack2.stop_service("chat")
        stack2.start_service("chat")
        # sent while the gateways' subscriptions reconnect: still delivered, exactly once
        r = a.post("/api/chat/send", {"space_id": sid, "user_id": a.openid, "content": "after"})
        assert r.status_code == 200, r.text
        assert (await wa.next(is_msg))["id"] == r.json()["id"]
        # the gateways' heartbeat tells them svc-chat forgot: they announce their sockets
        wb = await connect(b, sid, gateway=1, ping_interval=1)
        f = await wb.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2,
                          timeout=10)
        assert set(f["online_user_ids"]) == {a.openid, b.openid}
        await wa.send({"event": "ping"})
        await wa.next(lambda f: f.get("event") == "pong")
        ids = [f["id"] for f in wa.frames if is_msg(f)]
        assert len(ids) == len(set(ids)) == 2, wa.frames
        await wa.close()
        await wb.close()
    run(go())


def test_crashed_gateway_leaves_no_ghosts(stack2):
    """Last in this module: it kills gateway 1 (and starts it again)."""
    a = login(stack2, "gha", 0)
    b = login(stack2, "ghb", 1)
    sid = a.enter(fresh_code())
    share_into(a, b, sid)

    async def go():
        wb = await connect(b, sid, gateway=1, ping_interval=1)
        await wb.next(lambda f: f.get("event") == "presence" and f["online_count"] == 1)
        stack2.stop_proc("gateway-1", sig=signal.SIGKILL)
        try:
            await wb.ws.close()
        except Exception:
            pass
        # svc-chat forgets gateway 1's sockets after PRESENCE_TTL_MS without its heartbeat
        deadline = time.monotonic() + 15
        while True:
            wa = await connect(a, sid)
            f = await wa.next(lambda f: f.get("event") == "presence")
            await wa.close()
            if f["online_user_ids"] == [a.openid] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert f["online_user_ids"] == [a.openid]
    try:
        run(go())
    finally:
        stack2.start_proc("gateway-1", "gateway", {"GATEWAY_PORT": str(stack2.ports[1])})
        stack2.wait_ready(stack2.ports[1])
