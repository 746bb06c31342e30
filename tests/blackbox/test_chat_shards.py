"""svc-chat with two shards: each space lives on one shard (space_id mod 2), message ids
carry their shard (so chat.delete {message_id} finds it), every gateway subscribes to both
shards' events, presence is kept by the space's shard."""
import pytest

from harness import Stack, fresh_code, share_into
from test_ws import connect, is_msg, run


@pytest.fixture(scope="module")
def sharded():
    s = Stack(shards={"chat": 2}).start()
    yield s
    s.stop()


def test_two_shards(sharded):
    a = sharded.login("sha")
    b = sharded.login("shb")
    spaces = []
    while len({sid % 2 for sid in spaces}) < 2:     # one space on each shard
        sid = a.enter(fresh_code())
        share_into(a, b, sid)
        spaces.append(sid)
    spaces = [next(s for s in spaces if s % 2 == k) for k in (0, 1)]

    async def go():
        for sid in spaces:
            wa = await connect(a, sid)
            wb = await connect(b, sid)
            await wa.next(lambda f: f.get("event") == "presence" and f["online_count"] == 2)
            await wb.send({"content": "hi %d" % sid, "client_id": "s_%d" % sid})
            m = await wa.next(is_msg)
            assert m["content"] == "hi %d" % sid and m["id"] % 64 == sid % 2   # shard bits
            r = b.post("/api/chat/delete", {"message_id": m["id"], "operator_user_id": b.openid})
            assert r.status_code == 200, r.text
            f = await wa.next(lambda f: f.get("event") == "message_deleted")
            assert f["message_id"] == m["id"]
            h = a.get("/api/chat/history", space_id=sid).json()
            assert h["messages"] == []
            await wa.close()
            await wb.close()
    run(go())
