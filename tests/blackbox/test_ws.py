"""WebSocket /ws/chat/{space_id} with a real RFC 6455 client (python3-websockets), the way
the mini-program's chat page uses it: presence, ping/pong, typing, messages (no "event"
key), read/read_update, message_deleted, error frames, resume, limits, closes."""
import asyncio
import json
import os
import sqlite3
import time
import uuid

import pytest
import requests
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from harness import fresh_code, share_into

TIMEOUT = 8


def ws_url(client, space_id, gateway=None, **params):
    port = client.stack.ports[client.gateway if gateway is None else gateway]
    params.setdefault("user_id", client.openid)
    query = "&".join("%s=%s" % (k, v) for k, v in params.items())
    return "ws://127.0.0.1:%d/ws/chat/%s?%s" % (port, space_id, query)


class Sock:
    """One client socket; keeps every frame received so tests can look back."""

    def __init__(self, ws):
        self.ws = ws
        self.frames = []
        self.used = set()     # indexes of frames already returned by next()

    async def next(self, pred=lambda f: True, timeout=TIMEOUT):
        """The first frame not returned before that matches pred (waits for it)."""
        deadline = time.monotonic() + timeout
        for i, f in enumerate(self.frames):
            if i not in self.used and pred(f):
                self.used.add(i)
                return f
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching frame; got %r" % self.frames)
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except asyncio.TimeoutError:
                raise AssertionError("no matching frame; got %r" % self.frames)
            self.frames.append(json.loads(raw))
            if pred(self.frames[-1]):
                self.used.add(len(self.frames) - 1)
                return self.frames[-1]

    async def send(self, obj):
        await self.ws.send(obj if isinstance(obj, str) else json.dumps(obj))

    async def closed_code(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                raw = await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic())
                self.frames.append(json.loads(raw))
        except ConnectionClosed as e:
            return e.rcvd.code if e.rcvd else None
        raise AssertionError("socket still open; frames %r" % self.frames)

    async def close(self):
        await self.ws.close()


async def connect(client, space_id, headers=True, gateway=None, max_size=2 ** 20,
                  ping_interval=20, **params):
    h = client.headers() if headers else {}
    ws = await websockets.connect(ws_url(client, space_id, gateway, **params), extra_headers=h,
                                  compression=None, max_size=max_size,
                                  ping_interval=ping_interval, open_timeout=TIMEOUT)
    return Sock(ws)


def is_msg(f):
    return "event" not in f


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


@pytest.fixture
def pair(user):
    """Owner and a member of one fresh space."""
    a, b = user("wsa"), user("wsb")
    sid = a.enter(fresh_code())
    share_into(a, b, sid)
    return a, b, sid


async def ahandshake_status(url, headers):
    """HTTP status of a handshake: 101 accepted, else the rejection's status."""
    try:
        ws = await websockets.connect(url, extra_headers=headers, compression=None,
                                      open_timeout=TIMEOUT)
    except InvalidStatusCode as e:
        return e.status_code
    await ws.close()
    return 101


def handshake_status(url, headers):
    return run(ahandshake_status(url, headers))


def test_handshake_rejections(stack, user, pair):
    a, b, sid = pair
    stranger = user("wsx")
    # no token at all (query user_id alone is not identity)
    assert handshake_status(ws_url(a, sid), {"X-User-Id": a.openid}) == 401
    # garbage token
    assert handshake_status(ws_url(a, sid), {"Authorization": "Bearer garbage"}) == 401
    # valid token, not a member / no such space: the same 403
    assert handshake_status(ws_url(stranger, sid), stranger.headers()) == 403
    assert handshake_status(ws_url(a, 987654321), a.headers()) == 403
    # ?user_id must match the token
    assert handshake_status(ws_url(a, sid, user_id=b.openid), a.headers()) == 403
    # token in the URL for proxies that strip headers
    assert handshake_status(ws_url(a, sid, access_token=a.token), {}) == 101
    assert handshake_status(ws_url(a, sid, token=a.token), {}) == 101
    # not an upgrade
    r = requests.get(ws_url(a, sid).replace("ws://", "http://"), headers=a.headers(), timeout=5)
    assert r.status_code == 400 and r.json()["detail"]


def test_two_users_every_frame(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        f = await wa.next(lambda f: f.get("event") == "presence")
        assert f == {"event": "presence", "online_user_ids": [a.openid], "online_count": 1}
        wb = await connect(b, sid)
        f = await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)
        assert set(f["online_user_ids"]) == {a.openid, b.openid}
        await wb.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)
        # client's own presence frame is accepted (re-broadcast)
        await wb.send({"event": "presence", "user_id": b.openid})
        await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)

        # ping -> unicast pong with ms timestamp
        await wa.send({"event": "ping", "user_id": a.openid})
        pong = await wa.next(lambda f: f.get("event") == "pong")
        assert abs(pong["ts"] - time.time() * 1000) < 60000

        # typing goes to everyone, sender included, with the socket's user id
        await wb.send({"event": "typing", "user_id": "someone-else", "typing": True})
        for s in (wa, wb):
            f = await s.next(lambda f: f.get("event") == "typing" and f["typing"] is True)
            assert f == {"event": "typing", "user_id": b.openid, "typing": True}

        # a message: typing:false then the message frame (no "event" key) with client_id
        cid = "%d_a1b2c3" % int(time.time() * 1000)
        await wb.send({"user_id": a.openid, "content": " hello ", "message_type": "text",
                       "media_url": None, "live_cover_url": None, "live_video_url": None,
                       "media_duration": None, "client_id": cid})
        for s in (wa, wb):
            t = await s.next(lambda f: f.get("event") == "typing" and f["typing"] is False)
            assert t["user_id"] == b.openid
            m = await s.next(is_msg)
            assert m["client_id"] == cid and m["user_id"] == b.openid  # frame's user_id ignored
            assert m["content"] == "hello" and m["message_type"] == "text"
            assert isinstance(m["id"], int) and isinstance(m["created_at_ts"], int)
            for k in ("alias", "avatar_url", "media_url", "live_cover_url", "live_video_url",
                      "media_duration", "reply_to_id", "reply_to_user_id", "reply_to_content",
                      "reply_to_type", "reply_to_alias", "reply_to_avatar_url", "created_at"):
                assert k in m
            assert s.frames.index(t) < s.frames.index(m)
        mid = m["id"]

        # read -> read_update to everyone
        await wa.send({"event": "read", "user_id": a.openid, "last_read_message_id": mid})
        for s in (wa, wb):
            f = await s.next(lambda f: f.get("event") == "read_update")
            assert f == {"event": "read_update", "user_id": a.openid, "last_read_message_id": mid}

        # delete over HTTP -> message_deleted on the sockets
        r = b.post("/api/chat/delete", {"message_id": mid, "operator_user_id": b.openid})
        assert r.status_code == 200 and r.json()["success"] is True
        for s in (wa, wb):
            f = await s.next(lambda f: f.get("event") == "message_deleted")
            assert f == {"event": "message_deleted", "message_id": mid}

        # b leaves: a sees typing false for b, then presence with a alone
        await wb.close()
        f = await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 1)
        assert f["online_user_ids"] == [a.openid]
        await wa.close()
    run(go())


def test_http_send_echoed_with_client_id_and_idempotent(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        cid = "%d_ffff01" % int(time.time() * 1000)
        body = {"space_id": sid, "user_id": b.openid, "content": "via http",
                "message_type": "text", "client_id": cid}
        r1 = b.post("/api/chat/send", body)
        assert r1.status_code == 200, r1.text
        assert r1.json()["success"] is True and r1.json()["message"] == "发送成功"
        m = await wa.next(is_msg)
        assert m["client_id"] == cid and m["id"] == r1.json()["id"]
        # the same client_id again (nng resend / HTTP fallback after a socket send)
        r2 = b.post("/api/chat/send", body)
        assert r2.status_code == 200 and r2.json()["id"] == r1.json()["id"]
        m2 = await wa.next(is_msg)
        assert m2["id"] == m["id"] and m2["client_id"] == cid
        # and over the socket too
        wb = await connect(b, sid)
        await wb.send({"content": "via http", "message_type": "text", "client_id": cid})
        m3 = await wb.next(is_msg)
        assert m3["id"] == m["id"]
        h = a.get("/api/chat/history", space_id=sid, limit=50).json()
        assert [x["id"] for x in h["messages"]].count(m["id"]) == 1
        assert len(h["messages"]) == 1
        await wa.close()
        await wb.close()
    run(go())


def test_malformed_frames_get_error_frames(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        for bad in ("not json", "[1,2]", '"str"', '{"event":"dance"}', '{"event":"typing"}',
                    '{"event":"read","last_read_message_id":"x"}'):
            await wa.send(bad)
            f = await wa.next(lambda f: f.get("event") == "error")
            assert isinstance(f["detail"], str) and f["detail"]
        await wa.send({"content": "   ", "message_type": "text", "client_id": "c_empty"})
        f = await wa.next(lambda f: f.get("event") == "error")
        assert f == {"event": "error", "detail": "消息内容不能为空", "client_id": "c_empty"}
        await wa.send({"content": "", "message_type": "gif", "client_id": "c_type"})
        f = await wa.next(lambda f: f.get("event") == "error")
        assert f["detail"] == "不支持的消息类型" and f["client_id"] == "c_type"
        await wa.send({"content": "", "message_type": "image", "client_id": "c_img"})
        f = await wa.next(lambda f: f.get("event") == "error")
        assert f["detail"] == "媒体消息缺少资源地址"
        # still usable afterwards
        await wa.send({"event": "ping"})
        await wa.next(lambda f: f.get("event") == "pong")
        await wa.close()
    run(go())


def test_flood_is_rate_limited_not_closed(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        for _ in range(150):                      # WS_RATE_PER_SEC 30, burst 60
            await wa.send({"event": "ping", "client_id": "flood"})
        got = [await wa.next(lambda f: f.get("event") in ("pong", "error")) for _ in range(150)]
        errors = [f for f in got if f["event"] == "error"]
        assert errors and errors[0] == {"event": "error", "detail": "发送过于频繁，请稍后再试",
                                        "client_id": "flood"}
        assert len(got) - len(errors) >= 60       # the burst was served
        await asyncio.sleep(1.2)                  # refilled: served again, socket still open
        await wa.send({"event": "ping"})
        await wa.next(lambda f: f.get("event") == "pong")
        await wa.close()
    run(go())


def test_oversized_frame_closes_1009(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        await wa.send(json.dumps({"content": "x" * (70 * 1024)}))
        assert await wa.closed_code() == 1009
    run(go())


def test_resume_after_reconnect(stack, pair):
    a, b, sid = pair

    async def go():
        ids = []
        for i in range(3):
            r = b.post("/api/chat/send", {"space_id": sid, "user_id": b.openid,
                                          "content": "m%d" % i, "message_type": "text"})
            ids.append(r.json()["id"])
        # reconnect with the last id seen: the messages after it, in order, then live ones
        wa = await connect(a, sid, last_id=ids[0])
        got = [await wa.next(is_msg) for _ in range(2)]
        assert [m["id"] for m in got] == ids[1:]
        r = b.post("/api/chat/send", {"space_id": sid, "user_id": b.openid, "content": "live",
                                      "message_type": "text"})
        live = await wa.next(is_msg)
        assert live["id"] == r.json()["id"]
        # the resume frame: only what is missing, nothing twice
        await wa.send({"event": "resume", "last_id": ids[1]})
        await wa.send({"event": "ping"})
        await wa.next(lambda f: f.get("event") == "pong")
        await asyncio.sleep(0.3)
        await wa.send({"event": "ping"})
        await wa.next(lambda f: f.get("event") == "pong")
        msgs = [f["id"] for f in wa.frames if is_msg(f)]
        assert sorted(msgs) == sorted(set(msgs)), msgs
        assert msgs[:3] == ids[1:] + [live["id"]]
        await wa.close()
    run(go())


def chat_rows(stack, sid):
    db = os.path.join(stack.data, "chat.db")
    con = sqlite3.connect(db, timeout=5)
    try:
        return con.execute("SELECT COUNT(*) FROM messages WHERE space_id = ?", (sid,)).fetchone()[0]
    finally:
        con.close()


def test_space_deleted_while_connected(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        wb = await connect(b, sid)
        r = a.post("/api/chat/send", {"space_id": sid, "user_id": a.openid, "content": "bye",
                                      "message_type": "text"})
        assert r.status_code == 200
        assert chat_rows(stack, sid) == 1
        r = a.post("/api/space/delete", {"space_id": sid, "operator_user_id": a.openid})
        assert r.status_code == 200, r.text
        assert await wa.closed_code() == 4404
        assert await wb.closed_code() == 4404
        deadline = time.time() + 10
        while chat_rows(stack, sid) and time.time() < deadline:
            await asyncio.sleep(0.1)
        assert chat_rows(stack, sid) == 0
        assert a.get("/api/chat/history", space_id=sid).status_code in (403, 404)
        assert await ahandshake_status(ws_url(b, sid), b.headers()) == 403
    run(go())


def test_member_removed_while_connected(stack, pair):
    a, b, sid = pair

    async def go():
        wa = await connect(a, sid)
        wb = await connect(b, sid)
        await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)
        r = a.post("/api/space/remove-member", {"space_id": sid, "member_user_id": b.openid,
                                                "operator_user_id": a.openid})
        assert r.status_code == 200, r.text
        assert await wb.closed_code() == 4403
        f = await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 1)
        assert f["online_user_ids"] == [a.openid]
        assert await ahandshake_status(ws_url(b, sid), b.headers()) == 403
        await wa.close()
    run(go())
