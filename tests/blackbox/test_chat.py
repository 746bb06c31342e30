"""svc-chat over HTTP, as the mini-program calls it: history paging, send (fallback path)
with validation and idempotency, reply-to, read marks, readers, unread count, delete."""
import time

import pytest

from harness import fresh_code, share_into


@pytest.fixture
def pair(user):
    a, b = user("cha"), user("chb")
    sid = a.enter(fresh_code())
    share_into(a, b, sid)
    return a, b, sid


def send(c, sid, content="hi", **extra):
    body = {"space_id": sid, "user_id": c.openid, "content": content, "message_type": "text",
            "media_url": None, "live_cover_url": None, "live_video_url": None,
            "media_duration": None, "client_id": None}
    body.update(extra)
    return c.post("/api/chat/send", body)


def sent_id(r):
    assert r.status_code == 200, r.text
    assert r.json()["success"] is True and r.json()["message"] == "发送成功"
    return r.json()["id"]


def test_history_empty_shape(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    r = a.get("/api/chat/history", space_id=sid, limit=50)
    assert r.status_code == 200
    assert r.json() == {"messages": [], "last_message_id": None, "has_more": False,
                        "next_before_id": None}


def test_history_paging(stack, pair):
    a, b, sid = pair
    ids = [sent_id(send(a if i % 2 else b, sid, "m%d" % i)) for i in range(5)]
    assert ids == sorted(ids)
    h = a.get("/api/chat/history", space_id=sid, limit=2).json()
    assert [m["id"] for m in h["messages"]] == ids[3:]
    assert h["has_more"] is True and h["next_before_id"] == ids[3]
    assert h["last_message_id"] == ids[4]
    h = a.get("/api/chat/history", space_id=sid, limit=2, before_id=h["next_before_id"]).json()
    assert [m["id"] for m in h["messages"]] == ids[1:3]
    h = a.get("/api/chat/history", space_id=sid, limit=50, before_id=ids[1]).json()
    assert [m["id"] for m in h["messages"]] == ids[:1]
    assert h["has_more"] is False and h["next_before_id"] is None
    # clamps: 0 -> 1, 500 -> 100; before_id=0 means latest
    assert len(a.get("/api/chat/history", space_id=sid, limit=0).json()["messages"]) == 1
    assert len(a.get("/api/chat/history", space_id=sid, limit=500).json()["messages"]) == 5
    assert len(a.get("/api/chat/history", space_id=sid, before_id=0).json()["messages"]) == 5
    assert a.get("/api/chat/history", space_id=sid, limit="x").status_code == 400
    m = a.get("/api/chat/history", space_id=sid, limit=1).json()["messages"][0]
    assert m["content"] == "m4" and m["user_id"] == b.openid
    assert isinstance(m["created_at_ts"], int) and abs(m["created_at_ts"] - time.time() * 1000) < 60000
    assert len(m["created_at"]) == 19 and m["created_at"][10] == "T"
    assert set(m) >= {"content", "id", "user_id", "alias", "message_type", "media_url",
                      "live_cover_url", "live_video_url", "media_duration", "avatar_url",
                      "created_at_ts", "client_id", "reply_to_id", "reply_to_user_id",
                      "reply_to_content", "reply_to_type", "reply_to_alias",
                      "reply_to_avatar_url", "created_at"}


def test_validation_errors(stack, pair):
    a, b, sid = pair
    cases = [
        ({"message_type": "sticker"}, "不支持的消息类型"),
        ({"content": "  "}, "消息内容不能为空"),
        ({"message_type": "image", "content": ""}, "媒体消息缺少资源地址"),
        ({"message_type": "live", "content": "", "live_cover_url": "https://x/c.jpg"},
         "Live消息缺少封面或视频"),
        ({"message_type": "system", "content": "广告"}, "不支持的系统消息"),
        ({"content": "x" * 5001}, "消息内容过长（最多5000字）"),
        ({"message_type": "image", "content": "", "media_url": "ftp://x/y"}, "媒体地址无效"),
    ]
    for extra, detail in cases:
        body = {"content": extra.pop("content", "x")}
        body.update(extra)
        r = send(a, sid, **body)
        assert r.status_code == 400 and r.json() == {"detail": detail}, (extra, r.text)
    assert send(a, sid, "小明在想你", message_type="system").status_code == 200


def test_media_live_and_duration(stack, pair):
    a, b, sid = pair
    sent_id(send(a, sid, "", message_type="live", live_cover_url="https://x/c.jpg",
                 live_video_url="https://x/v.mp4"))
    sent_id(send(a, sid, "", message_type="audio", media_url="https://x/a.mp3",
                 media_duration=3200))
    sent_id(send(a, sid, "", message_type="video", media_url="https://x/v.mp4",
                 media_duration=2.5))
    live, audio, video = a.get("/api/chat/history", space_id=sid).json()["messages"]
    assert live["media_url"] == "https://x/c.jpg"
    assert live["live_cover_url"] == "https://x/c.jpg" and live["live_video_url"] == "https://x/v.mp4"
    assert audio["media_duration"] == 3200 and audio["media_url"] == "https://x/a.mp3"
    assert video["media_duration"] is None


def test_idempotent_send(stack, pair):
    a, b, sid = pair
    cid = "%d_abcdef" % int(time.time() * 1000)
    first = sent_id(send(a, sid, "once", client_id=cid))
    assert sent_id(send(a, sid, "once", client_id=cid)) == first
    # another user may use the same client_id: a different message
    assert sent_id(send(b, sid, "once", client_id=cid)) != first
    msgs = a.get("/api/chat/history", space_id=sid).json()["messages"]
    assert len(msgs) == 2


def test_reply_to_same_space_only(stack, pair, user):
    a, b, sid = pair
    orig = sent_id(send(a, sid, "orig"))
    sent_id(send(b, sid, "re", reply_to_id=orig, reply_to_user_id="forged",
                 reply_to_content="orig", reply_to_type="text"))
    other = user("chc")
    osid = other.enter(fresh_code())
    foreign = sent_id(send(other, osid, "secret"))
    sent_id(send(b, sid, "re2", reply_to_id=foreign, reply_to_user_id=other.openid,
                 reply_to_content="secret", reply_to_type="text"))
    msgs = a.get("/api/chat/history", space_id=sid).json()["messages"]
    re, re2 = msgs[1], msgs[2]
    assert re["reply_to_id"] == orig and re["reply_to_user_id"] == a.openid
    assert re["reply_to_content"] == "orig" and re["reply_to_type"] == "text"
    assert "reply_to_alias" in re and "reply_to_avatar_url" in re
    # a message of another space is not a reply target: the reply fields are dropped
    assert re2["reply_to_id"] is None and re2["reply_to_user_id"] is None
    assert re2["reply_to_content"] is None


def test_read_marks_readers_unread(stack, pair):
    a, b, sid = pair
    ids = [sent_id(send(b, sid, "m%d" % i)) for i in range(3)]
    r = a.get("/api/chat/unread-count", space_id=sid)
    assert r.status_code == 200 and r.json() == {"count": 3, "last_read_id": 0}
    assert a.post("/api/chat/read", {"space_id": sid, "user_id": a.openid,
                                     "last_read_message_id": ids[1]}).json() == {"success": True}
    assert a.get("/api/chat/unread-count", space_id=sid).json() == {"count": 1, "last_read_id": ids[1]}
    # monotonic: an older id does not move the mark back
    a.post("/api/chat/read", {"space_id": sid, "user_id": a.openid, "last_read_message_id": ids[0]})
    assert a.get("/api/chat/unread-count", space_id=sid).json()["last_read_id"] == ids[1]
    # clamped to an existing id of the space
    a.post("/api/chat/read", {"space_id": sid, "user_id": a.openid,
                              "last_read_message_id": ids[2] * 1000})
    assert a.get("/api/chat/unread-count", space_id=sid).json() == {"count": 0, "last_read_id": ids[2]}
    # own messages never count as unread
    assert b.get("/api/chat/unread-count", space_id=sid).json()["count"] == 0
    readers = a.get("/api/chat/readers", space_id=sid).json()["readers"]
    by = {r["user_id"]: r for r in readers}
    assert set(by) == {a.openid, b.openid}
    assert by[a.openid]["last_read_message_id"] == ids[2] and by[a.openid]["last_read_at"]
    assert by[b.openid]["last_read_message_id"] is None and by[b.openid]["last_read_at"] is None
    assert set(by[a.openid]) == {"user_id", "alias", "avatar_url", "last_read_message_id",
                                 "last_read_at"}
    r = a.post("/api/chat/read", {"space_id": sid, "user_id": a.openid, "last_read_message_id": "x"})
    assert r.status_code == 400


def test_delete_rules(stack, pair, user):
    a, b, sid = pair
    by_a = sent_id(send(a, sid, "owner's"))
    by_b = sent_id(send(b, sid, "member's"))
    by_b2 = sent_id(send(b, sid, "member's 2"))
    # a member cannot delete the owner's message
    r = b.post("/api/chat/delete", {"message_id": by_a, "operator_user_id": b.openid})
    assert r.status_code == 403 and r.json()["detail"] == "无权限"
    # author deletes own; owner deletes anyone's
    assert b.post("/api/chat/delete", {"message_id": by_b, "operator_user_id": b.openid}).json() == {"success": True}
    assert a.post("/api/chat/delete", {"message_id": by_b2, "operator_user_id": a.openid}).status_code == 200
    # gone twice, missing and foreign: the same 404
    stranger = user("chx")
    for c, mid in ((b, by_b), (a, by_a + 64 * 1000), (stranger, by_a)):
        r = c.post("/api/chat/delete", {"message_id": mid, "operator_user_id": c.openid})
        assert r.status_code == 404 and r.json() == {"detail": "消息不存在"}
    assert [m["id"] for m in a.get("/api/chat/history", space_id=sid).json()["messages"]] == [by_a]
    assert b.post("/api/chat/delete", {"message_id": "abc", "operator_user_id": b.openid}).status_code == 400


def test_non_member_gets_404(stack, pair, user):
    a, b, sid = pair
    x = user("chy")
    for path in ("/api/chat/history", "/api/chat/readers", "/api/chat/unread-count"):
        assert x.get(path, space_id=sid).status_code in (403, 404)
    assert send(x, sid).status_code in (403, 404)
