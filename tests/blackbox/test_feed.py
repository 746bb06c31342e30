"""Feed (pages/notes, post-create, notes-activity): posts, comments, likes, activity,
unread counts, permissions, and purge after a space deletion with svc-notes down."""
import os
import time
from concurrent.futures import ThreadPoolExecutor

from harness import count_rows, fresh_code, share_into, space_with_members, wait_until




def post(client, sid, content="hello", media_type="none", media_urls=None):
    return client.post("/api/feed/create", {"space_id": sid, "user_id": client.openid, "content": content,
                                            "media_type": media_type, "media_urls": media_urls or []})


def test_create_rules(user):
    owner, _, _, sid = space_with_members(user)
    p = post(owner, sid, "  hi  ").json()
    assert p["content"] == "hi" and p["media_type"] == "none" and p["media_urls"] == []
    assert p["comments"] == [] and p["likes"] == [] and p["like_count"] == 0 and p["liked_by_me"] is False
    assert isinstance(p["created_at_ts"], int) and p["created_at_ts"] > 1.7e12
    img = post(owner, sid, "", "IMAGE", ["https://x/a.jpg", "https://x/b.jpg"]).json()
    assert img["media_type"] == "image" and img["media_urls"] == ["https://x/a.jpg", "https://x/b.jpg"]
    live = post(owner, sid, "", "live", [{"cover_url": "https://x/c.jpg"},
                                          {"cover_url": "https://x/c.jpg", "video_url": "https://x/v.mp4"}]).json()
    assert live["media_urls"] == [{"cover_url": "https://x/c.jpg", "video_url": "https://x/v.mp4"}]
    vid = post(owner, sid, "", "video", ["https://x/1.mp4", "https://x/2.mp4"]).json()
    assert vid["media_urls"] == ["https://x/1.mp4"]
    bad = [("", "none", []), ("x", "gif", []), ("", "live", [{"cover_url": "c"}]),
           ("x", "image", ["u%d" % i for i in range(10)]), ("x" * 5001, "none", [])]
    for content, mtype, urls in bad:
        r = post(owner, sid, content, mtype, urls)
        assert r.status_code == 400 and isinstance(r.json()["detail"], str), (content[:5], mtype, r.text)
    assert post(owner, sid, "", "none", []).json()["detail"] == "动态内容不能为空"


def test_list_comments_likes_and_order(user):
    owner, member, _, sid = space_with_members(user)
    member.post("/api/user/set-alias", {"space_id": sid, "user_id": member.openid, "alias": "Bob",
                                        "avatar_url": "https://x/b.png", "theme_preference": "dark"})
    first = post(owner, sid, "first").json()
    second = post(member, sid, "second").json()
    c = member.post("/api/feed/comment", {"post_id": first["id"], "user_id": member.openid, "content": "nice"})
    assert c.status_code == 200
    cm = c.json()
    assert cm["alias"] == "Bob" and cm["avatar_url"] == "https://x/b.png" and cm["post_id"] == first["id"]
    r = member.post("/api/feed/like", {"post_id": first["id"], "user_id": member.openid, "like": True})
    assert r.json() == {"success": True, "like_count": 1, "liked": True}
    posts = owner.get("/api/feed/list", space_id=sid).json()["posts"]
    assert [p["id"] for p in posts] == [second["id"], first["id"]]
    f = posts[1]
    assert [x["content"] for x in f["comments"]] == ["nice"]
    assert f["likes"] == [{"user_id": member.openid, "alias": "Bob", "avatar_url": "https://x/b.png"}]
    assert f["like_count"] == 1 and f["liked_by_me"] is False
    assert member.get("/api/feed/list", space_id=sid).json()["posts"][1]["liked_by_me"] is True
    assert posts[0]["alias"] == "Bob"
    comments = owner.get("/api/feed/comments", post_id=first["id"]).json()["comments"]
    assert [x["id"] for x in comments] == [cm["id"]]


def test_comment_validation_and_permissions(user):
    owner, member, outsider, sid = space_with_members(user)
    p = post(member, sid, "m").json()
    for content in ["", "   ", "x" * 1001]:
        r = owner.post("/api/feed/comment", {"post_id": p["id"], "user_id": owner.openid, "content": content})
        assert r.status_code == 400, content[:3]
    # outsiders: the same 404 as a missing post, for every object route
    missing = p["id"] + 64 * 10000
    for pid in (p["id"], missing):
        r = outsider.post("/api/feed/comment", {"post_id": pid, "user_id": outsider.openid, "content": "x"})
        assert r.status_code == 404 and r.json() == {"detail": "动态不存在"}
        r = outsider.post("/api/feed/like", {"post_id": pid, "user_id": outsider.openid, "like": True})
        assert r.status_code == 404
        assert outsider.post("/api/feed/delete", {"post_id": pid, "operator_user_id": outsider.openid}).status_code == 404
    assert outsider.get("/api/feed/list", space_id=sid).status_code == 404
    # deleting: a member cannot delete the owner's post; the owner can delete the member's
    op = post(owner, sid, "o").json()
    r = member.post("/api/feed/delete", {"post_id": op["id"], "operator_user_id": member.openid})
    assert r.status_code == 403
    cm = member.post("/api/feed/comment", {"post_id": op["id"], "user_id": member.openid, "content": "c"}).json()
    oc = owner.post("/api/feed/comment", {"post_id": p["id"], "user_id": owner.openid, "content": "o"}).json()
    assert member.post("/api/feed/comment/delete", {"comment_id": oc["id"], "operator_user_id": member.openid}).status_code == 403
    assert owner.post("/api/feed/comment/delete", {"comment_id": cm["id"], "operator_user_id": owner.openid}).status_code == 200
    assert outsider.post("/api/feed/comment/delete", {"comment_id": oc["id"], "operator_user_id": outsider.openid}).status_code == 404
    assert owner.post("/api/feed/delete", {"post_id": p["id"], "operator_user_id": owner.openid}).status_code == 200
    ids = [x["id"] for x in owner.get("/api/feed/list", space_id=sid).json()["posts"]]
    assert p["id"] not in ids and op["id"] in ids


def test_parallel_likes_are_exact(stack, user):
    owner = user("own")
    sid = owner.enter(fresh_code())
    p = post(owner, sid, "popular").json()
    fans = [user("fan") for _ in range(30)]
    for f in fans:
        share_into(owner, f, sid)

    def like(client):
        return client.post("/api/feed/like", {"post_id": p["id"], "user_id": client.openid, "like": True}).status_code

    with ThreadPoolExecutor(16) as ex:
        assert set(ex.map(like, fans + fans)) == {200}
    got = owner.get("/api/feed/list", space_id=sid).json()["posts"][0]
    assert got["like_count"] == 30 and len({x["user_id"] for x in got["likes"]}) == 30
    r = fans[0].post("/api/feed/like", {"post_id": p["id"], "user_id": fans[0].openid, "like": False})
    assert r.json() == {"success": True, "like_count": 29, "liked": False}


def test_activity_and_unread(user):
    owner, member, _, sid = space_with_members(user)
    since = int(time.time() * 1000) - 1
    mine = post(owner, sid, "mine").json()
    member.post("/api/feed/comment", {"post_id": mine["id"], "user_id": member.openid, "content": "c1"})
    member.post("/api/feed/like", {"post_id": mine["id"], "user_id": member.openid, "like": True})
    owner.post("/api/feed/comment", {"post_id": mine["id"], "user_id": owner.openid, "content": "self"})
    items = owner.get("/api/feed/activity", space_id=sid).json()["items"]
    assert [i["type"] for i in items] == ["like", "comment"]
    c = items[1]
    assert c["id"].startswith("comment_") and c["comment_content"] == "c1" and c["post_content"] == "mine"
    assert c["user_id"] == member.openid and c["post_media_urls"] == []
    older = owner.get("/api/feed/activity", space_id=sid, before_ts=items[0]["created_at_ts"]).json()["items"]
    assert all(i["created_at_ts"] < items[0]["created_at_ts"] for i in older)
    assert owner.get("/api/feed/unread-count", space_id=sid, since_ts=since).json() == {"count": 2}
    assert member.get("/api/feed/unread-count", space_id=sid, since_ts=since).json() == {"count": 2}
    assert owner.get("/api/feed/unread-count", space_id=sid).json() == {"count": 0}


def test_space_deletion_purges_even_when_notes_was_down(stack, user):
    owner = user("own")
    sid = owner.enter(fresh_code())
    p = post(owner, sid, "doomed").json()
    owner.post("/api/feed/comment", {"post_id": p["id"], "user_id": owner.openid, "content": "c"})
    owner.post("/api/notes/create", {"space_id": sid, "user_id": owner.openid, "title": "t", "content": "c"})
    db = os.path.join(stack.data, "notes.db")
    tables = ("posts", "comments", "notes")
    assert count_rows(db, tables, sid) == 3
    stack.stop_service("notes")
    assert owner.post("/api/space/delete", {"space_id": sid, "operator_user_id": owner.openid}).status_code == 200
    assert count_rows(db, tables, sid) == 3
    stack.start_service("notes")
    assert wait_until(lambda: count_rows(db, tables, sid) == 0)
    stack.wait_ready()


def test_repeated_likes_by_one_user_count_once(user):
    owner, member, _, sid = space_with_members(user)
    p = post(owner, sid, "once").json()

    def like(_):
        return member.post("/api/feed/like", {"post_id": p["id"], "user_id": member.openid, "like": True}).json()

    with ThreadPoolExecutor(8) as ex:
        replies = list(ex.map(like, range(12)))
    assert all(r == {"success": True, "like_count": 1, "liked": True} for r in replies)
    got = owner.get("/api/feed/list", space_id=sid).json()["posts"][0]
    assert got["like_count"] == 1 and got["liked_by_me"] is False and got["likes"][0]["user_id"] == member.openid
    off = {"post_id": p["id"], "user_id": member.openid, "like": False}
    assert member.post("/api/feed/like", off).json() == {"success": True, "like_count": 0, "liked": False}
    assert member.post("/api/feed/like", off).json() == {"success": True, "like_count": 0, "liked": False}
