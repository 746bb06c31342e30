"""svc-space over HTTP, exactly as the mini-program calls it (peer-api §1.2 rows 2-16 and 40,
§4), plus the original backend's failures (§8) as regression tests: parallel first entry,
parallel share redemption, header impersonation, blocked user redeeming, existence oracles."""
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from harness import Client, Stack, fresh_code, share_into

BAD_CODE = "空间号必须是6位数字"
SHARE_INVALID = {"detail": "分享口令无效或已过期"}


def twin(c):
    """Another connection for the same user (requests.Session is not shared across threads)."""
    return Client(c.stack, c.openid, c.token, c.gateway)


def share_code(owner, sid):
    r = owner.post("/api/space/share", {"space_id": sid, "operator_user_id": owner.openid})
    assert r.status_code == 200, r.text
    return r.json()["share_code"]


def join(c, code, new_code):
    return c.post("/api/space/join-by-share",
                  {"share_code": code, "new_code": new_code, "user_id": c.openid})


def members(c, sid):
    r = c.get("/api/space/members", space_id=sid)
    assert r.status_code == 200, r.text
    return [m["user_id"] for m in r.json()["members"]]


def act(owner, path, sid, target):
    return owner.post(path, {"space_id": sid, "member_user_id": target.openid,
                             "operator_user_id": owner.openid})


# ---------- settings, enter ----------

def test_settings_system_is_public(stack):
    r = requests.get(stack.url("/api/settings/system"), timeout=10)
    assert r.status_code == 200 and r.json() == {"review_mode": False}


def test_enter_not_created_then_created(stack, user):
    a, code = user(), fresh_code()
    r = a.post("/api/space/enter", {"space_code": code, "user_id": a.openid,
                                    "create_if_missing": False})
    assert r.status_code == 200
    assert r.json() == {"success": False, "message": "空间号未创建", "space_id": None,
                        "theme_preference": None, "admin_entry": False, "requires_creation": True}
    r = a.post("/api/space/enter", {"space_code": code, "user_id": a.openid})
    assert r.json()["requires_creation"] is True
    r = a.post("/api/space/enter", {"space_code": code, "user_id": a.openid,
                                    "create_if_missing": True})
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body["space_id"], int)
    assert body == {"success": True, "message": "进入空间成功", "space_id": body["space_id"],
                    "theme_preference": None, "admin_entry": False, "requires_creation": False}
    # entering again: same space; camelCase spellings of the seed PRD work too
    r = a.post("/api/space/enter", {"spaceCode": code, "userId": a.openid, "createIfMissing": True})
    assert r.status_code == 200 and r.json()["space_id"] == body["space_id"]
    info = a.get("/api/space/info", space_id=body["space_id"]).json()
    assert info == {"space_id": body["space_id"], "code": code, "owner_user_id": a.openid}
    assert members(a, body["space_id"]) == [a.openid]


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", "", " 12345",
                                  "１２３４５６", "١٢٣٤٥٦", "12345６", 123456, None, ["123456"]])
def test_enter_rejects_non_ascii_six_digits(stack, user, code):
    a = user()
    r = a.post("/api/space/enter", {"space_code": code, "user_id": a.openid,
                                    "create_if_missing": True})
    assert r.status_code == 400 and r.json() == {"detail": BAD_CODE}


def test_admin_code_is_an_ordinary_space(stack, user):
    a = user()
    r = a.post("/api/space/enter", {"space_code": "201432", "user_id": a.openid,
                                    "create_if_missing": True})
    assert r.status_code == 200 and r.json()["admin_entry"] is False
    assert r.json()["success"] is True


def test_two_users_same_code_get_different_spaces(stack, user):
    a, b, code = user(), user(), fresh_code()
    sa, sb = a.enter(code), b.enter(code)
    assert sa != sb
    assert a.get("/api/space/info", space_id=sb).status_code == 404
    assert b.get("/api/space/info", space_id=sa).status_code == 404


def test_parallel_first_entries_make_one_space(stack, user):
    a, code = user(), fresh_code()
    clients = [twin(a) for _ in range(20)]

    def go(c):
        return c.post("/api/space/enter", {"space_code": code, "user_id": c.openid,
                                           "create_if_missing": True})
    with ThreadPoolExecutor(20) as ex:
        rs = list(ex.map(go, clients))
    assert [r.status_code for r in rs] == [200] * 20, [r.text for r in rs if r.status_code != 200]
    assert len({r.json()["space_id"] for r in rs}) == 1
    assert all(r.json()["success"] is True for r in rs)
    assert a.enter(code) == rs[0].json()["space_id"]
    assert members(a, rs[0].json()["space_id"]) == [a.openid]


# ---------- share, join ----------

def test_share_join_members_and_own_codes(stack, user):
    a, b = user(), user()
    code_a = fresh_code()
    sid = a.enter(code_a)
    r = a.post("/api/space/share", {"space_id": sid, "operator_user_id": a.openid})
    assert r.status_code == 200
    share = r.json()
    assert set(share) == {"share_code", "expires_in"} and share["expires_in"] == 300
    assert re.fullmatch(r"[0-9A-Z]{8}", share["share_code"])
    code_b = fresh_code()
    r = join(b, share["share_code"], code_b)
    assert r.status_code == 200
    assert r.json() == {"success": True, "space_id": sid, "theme_preference": None}
    assert members(a, sid) == [a.openid, b.openid]
    assert members(b, sid) == [a.openid, b.openid]
    assert b.enter(code_b) == sid
    # each sees their own code; the owner's code is not shown to members
    assert a.get("/api/space/info", space_id=sid).json()["code"] == code_a
    assert b.get("/api/space/info", space_id=sid).json() == {
        "space_id": sid, "code": code_b, "owner_user_id": a.openid}
    # the owner's code means nothing to b: it is b's own namespace
    r = b.post("/api/space/enter", {"space_code": code_a, "user_id": b.openid,
                                    "create_if_missing": False})
    assert r.json()["requires_creation"] is True
    # legacy settings route makes share codes too
    r = a.post("/api/settings/space/share", {"space_id": sid, "operator_user_id": a.openid})
    assert r.status_code == 200 and re.fullmatch(r"[0-9A-Z]{8}", r.json()["share_code"])


def test_member_is_not_owner(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    share_into(a, b, sid)
    for path in ("/api/space/share", "/api/space/delete"):
        r = b.post(path, {"space_id": sid, "operator_user_id": b.openid})
        assert r.status_code == 403 and r.json() == {"detail": "无权限"}, path
    assert b.get("/api/space/blocks", space_id=sid).status_code == 403
    for path in ("/api/space/remove-member", "/api/space/block-member", "/api/space/unblock-member"):
        r = act(b, path, sid, a)
        assert r.status_code == 403 and r.json() == {"detail": "无权限"}, path
    assert members(a, sid) == [a.openid, b.openid]


def test_parallel_redemptions_succeed_once(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    code = share_code(a, sid)
    joiners = [user() for _ in range(8)]

    def go(c):
        return join(c, code, fresh_code())
    with ThreadPoolExecutor(8) as ex:
        rs = list(ex.map(go, joiners))
    ok = [r for r in rs if r.status_code == 200]
    assert len(ok) == 1, [r.text for r in rs]
    assert all(r.status_code == 400 and r.json() == SHARE_INVALID for r in rs if r not in ok)
    assert len(members(a, sid)) == 2


def test_join_validation(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    code = share_code(a, sid)
    for bad in ("12345", "１２３４５６", 123456, None):
        r = join(b, code, bad)
        assert r.status_code == 400 and r.json() == {"detail": "新空间号必须是6位数字"}
    # b's own code is taken in b's namespace; the code stays usable after the refusal
    own = fresh_code()
    b.enter(own)
    r = join(b, code, own)
    assert r.status_code == 400 and r.json() == {"detail": "该空间号已被使用"}
    # the owner redeeming his own code: clear refusal, code not burnt
    r = join(a, code, fresh_code())
    assert r.status_code == 400 and "房主" in r.json()["detail"]
    assert join(b, code, fresh_code()).status_code == 200
    # a second redemption of the same code by the same user is just "invalid"
    assert join(b, code, fresh_code()).json() == SHARE_INVALID


def test_share_code_answers_are_identical(stack, user):
    a, b, c = user(), user(), user()
    sid = a.enter(fresh_code())
    used = share_code(a, sid)
    assert join(b, used, fresh_code()).status_code == 200
    answers = [join(c, x, fresh_code()) for x in (used, "ZZZZZZZZ", "00000000", "short", used.lower())]
    assert all(r.status_code == 400 for r in answers)
    assert all(r.json() == SHARE_INVALID for r in answers)


def test_expired_share_code_is_the_same_answer():
    s = Stack(env={"SHARE_CODE_TTL_SECONDS": "1"}).start()
    try:
        a, b = s.login("exp_a%d" % time.time_ns()), s.login("exp_b%d" % time.time_ns())
        sid = a.enter(fresh_code())
        r = a.post("/api/space/share", {"space_id": sid, "operator_user_id": a.openid})
        assert r.json()["expires_in"] == 1
        code = r.json()["share_code"]
        time.sleep(1.3)   # expiry is a matter of time itself; a join attempt would consume it
        r = join(b, code, fresh_code())
        assert r.status_code == 400 and r.json() == SHARE_INVALID
        unknown = join(b, "QQQQQQQQ", fresh_code())
        assert (unknown.status_code, unknown.json()) == (r.status_code, r.json())
        assert b.get("/api/space/info", space_id=sid).status_code == 404
    finally:
        s.stop()


def test_blocked_user_cannot_redeem(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    share_into(a, b, sid)
    r = act(a, "/api/space/block-member", sid, b)
    assert r.status_code == 200 and r.json() == {"success": True}
    assert members(a, sid) == [a.openid]
    blocks = a.get("/api/space/blocks", space_id=sid).json()["blocks"]
    assert [x["user_id"] for x in blocks] == [b.openid]
    code = share_code(a, sid)
    r = join(b, code, fresh_code())
    assert r.status_code == 403 and r.json() == {"detail": "你已被房主移出该空间"}
    assert members(a, sid) == [a.openid]
    assert b.get("/api/space/info", space_id=sid).status_code == 404
    # the refused attempt did not burn the code
    c = user()
    assert join(c, code, fresh_code()).status_code == 200
    # unblock: no membership back, but a new code works
    r = act(a, "/api/space/unblock-member", sid, b)
    assert r.status_code == 200 and a.get("/api/space/blocks", space_id=sid).json() == {"blocks": []}
    assert b.get("/api/space/info", space_id=sid).status_code == 404
    assert join(b, share_code(a, sid), fresh_code()).status_code == 200
    assert members(a, sid) == [a.openid, c.openid, b.openid]


# ---------- identity and oracles ----------

def test_header_and_body_impersonation_refused(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    r = b.post("/api/space/enter", {"space_code": fresh_code(), "user_id": b.openid,
                                    "create_if_missing": True},
               headers={"X-User-Id": a.openid, "X-Openid": a.openid})
    assert r.status_code == 403
    r = b.post("/api/space/enter", {"space_code": fresh_code(), "user_id": a.openid,
                                    "create_if_missing": True})
    assert r.status_code == 403
    r = b.post("/api/space/delete", {"space_id": sid, "operator_user_id": a.openid})
    assert r.status_code == 403
    r = b.request("GET", "/api/space/info", params={"space_id": sid, "user_id": a.openid})
    assert r.status_code == 403
    r = requests.post(stack.url("/api/space/enter"), json={"space_code": fresh_code(),
                      "user_id": a.openid, "create_if_missing": True},
                      headers={"X-User-Id": a.openid}, timeout=10)
    assert r.status_code == 401
    assert members(a, sid) == [a.openid]


def test_no_existence_oracle_on_info(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    gone = a.enter(fresh_code())
    assert a.post("/api/space/delete", {"space_id": gone, "operator_user_id": a.openid}).status_code == 200
    for path in ("/api/space/info", "/api/space/members", "/api/user/alias"):
        answers = [b.get(path, space_id=x) for x in (sid, gone, 987654321)]
        assert {r.status_code for r in answers} == {404}, path
        assert all(r.json() == {"detail": "空间不存在"} for r in answers), path


# ---------- owner rules, membership changes ----------

def test_owner_cannot_remove_block_or_leave(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    for path in ("/api/space/remove-member", "/api/space/block-member"):
        r = act(a, path, sid, a)
        assert r.status_code == 400 and r.json() == {"detail": "房主不可移除自己"}, path
    r = a.post("/api/space/leave", {"space_id": sid, "operator_user_id": a.openid})
    assert r.status_code == 400 and r.json() == {"detail": "房主不能退出房间，请使用删除空间"}
    assert a.enter(a.get("/api/space/info", space_id=sid).json()["code"]) == sid
    r = a.post("/api/space/remove-member", {"space_id": sid, "operator_user_id": a.openid})
    assert r.status_code == 400


def test_remove_and_leave(stack, user):
    a, b, c = user(), user(), user()
    sid = a.enter(fresh_code())
    code_b = share_into(a, b, sid)
    share_into(a, c, sid)
    assert act(a, "/api/space/remove-member", sid, b).json() == {"success": True}
    assert b.get("/api/space/info", space_id=sid).status_code == 404
    # b's old code is b's own namespace again
    r = b.post("/api/space/enter", {"space_code": code_b, "user_id": b.openid,
                                    "create_if_missing": False})
    assert r.json()["requires_creation"] is True
    r = c.post("/api/space/leave", {"space_id": sid, "operator_user_id": c.openid})
    assert r.status_code == 200 and r.json() == {"success": True}
    assert members(a, sid) == [a.openid]
    assert c.post("/api/space/leave", {"space_id": sid}).status_code == 404


def test_modify_code(stack, user):
    a, b = user(), user()
    old, other = fresh_code(), fresh_code()
    sid = a.enter(old)
    a.enter(other)
    r = a.post("/api/space/modify-code", {"space_id": sid, "new_code": other})
    assert r.status_code == 400 and r.json() == {"detail": "该空间号已被使用"}
    r = a.post("/api/space/modify-code", {"space_id": sid, "new_code": "１２３４５６"})
    assert r.status_code == 400 and r.json() == {"detail": BAD_CODE}
    new = fresh_code()
    r = a.post("/api/space/modify-code", {"space_id": sid, "new_code": new})
    assert r.status_code == 200 and r.json() == {"success": True, "message": "空间号修改成功"}
    assert a.enter(new) == sid
    r = a.post("/api/space/enter", {"space_code": old, "user_id": a.openid})
    assert r.json()["requires_creation"] is True
    # a member changes only their own code; b's codes do not collide with a's
    code_b = share_into(a, b, sid)
    r = b.post("/api/space/modify-code", {"space_id": sid, "new_code": new})
    assert r.status_code == 200
    assert b.enter(new) == sid
    assert a.get("/api/space/info", space_id=sid).json()["code"] == new
    assert b.post("/api/space/enter", {"space_code": code_b, "user_id": b.openid}).json()[
        "requires_creation"] is True
    # legacy settings route takes query parameters
    newer = fresh_code()
    r = a.post("/api/settings/space/modify-code", None, params={
        "space_id": sid, "new_code": newer, "user_id": a.openid})
    assert r.status_code == 200 and a.enter(newer) == sid


def test_delete_space(stack, user):
    a, b = user(), user()
    code = fresh_code()
    sid = a.enter(code)
    code_b = share_into(a, b, sid)
    pending = share_code(a, sid)
    r = a.post("/api/space/delete", {"space_id": sid, "operator_user_id": a.openid})
    assert r.status_code == 200 and r.json() == {"success": True, "message": "空间删除成功"}
    for c in (a, b):
        assert c.get("/api/space/info", space_id=sid).status_code == 404
        assert c.get("/api/space/members", space_id=sid).status_code == 404
    assert a.post("/api/space/delete", {"space_id": sid}).status_code == 404
    # pending share codes die with the space; the code makes a brand-new space
    assert join(user(), pending, fresh_code()).json() == SHARE_INVALID
    new_sid = a.enter(code)
    assert new_sid != sid and new_sid > sid
    assert b.post("/api/space/enter", {"space_code": code_b, "user_id": b.openid}).json()[
        "requires_creation"] is True
    r = a.post("/api/settings/space/delete", {"space_id": new_sid, "operator_user_id": a.openid})
    assert r.status_code == 200 and r.json()["success"] is True


# ---------- alias, logs ----------

def test_alias_get_and_set(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    share_into(a, b, sid)
    r = b.get("/api/user/alias", space_id=sid)
    assert r.status_code == 200 and r.json() is None
    body = {"space_id": sid, "user_id": b.openid, "alias": "Bob",
            "avatar_url": "https://cdn.example.com/a.png", "theme_preference": "light"}
    r = b.post("/api/user/set-alias", body)
    assert r.status_code == 200
    assert r.json() == {"space_id": sid, "user_id": b.openid, "alias": "Bob",
                        "avatar_url": "https://cdn.example.com/a.png", "theme_preference": "light"}
    # null keeps, "" clears
    r = b.post("/api/user/set-alias", {"space_id": sid, "user_id": b.openid, "alias": "",
                                       "avatar_url": None, "theme_preference": None})
    assert r.json()["avatar_url"] == "https://cdn.example.com/a.png"
    assert r.json()["alias"] == "" and r.json()["theme_preference"] == "light"
    assert b.get("/api/user/alias", space_id=sid).json()["theme_preference"] == "light"
    r = b.post("/api/user/set-alias", {"space_id": sid, "user_id": b.openid, "alias": "Bob",
                                       "avatar_url": ""})
    assert r.json()["avatar_url"] == ""
    m = a.get("/api/space/members", space_id=sid).json()["members"]
    assert m == [{"user_id": a.openid, "alias": None, "avatar_url": None},
                 {"user_id": b.openid, "alias": "Bob", "avatar_url": ""}]
    # theme comes back on enter
    r = b.post("/api/space/join-by-share", {"share_code": share_code(a, sid),
                                            "new_code": fresh_code(), "user_id": b.openid})
    assert r.json()["theme_preference"] == "light"
    for bad in ({"alias": "x" * 33}, {"alias": 5}, {}, {"alias": "a", "theme_preference": "pink"},
                {"alias": "a", "avatar_url": "h" * 1025}, {"alias": "a", "avatar_url": 3}):
        bad.update({"space_id": sid, "user_id": b.openid})
        r = b.post("/api/user/set-alias", bad)
        assert r.status_code == 400 and isinstance(r.json()["detail"], str), bad
    assert b.get("/api/user/alias", space_id=sid).json()["alias"] == "Bob"


def test_logs_track(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    r = a.post("/api/logs/track", {"user_id": a.openid, "action": "page_view",
                                   "page": "pages/chat/chat", "detail": "{\"space_id\":1}",
                                   "space_id": sid})
    assert r.status_code == 200 and r.json() == {"success": True}
    r = a.post("/api/logs/track", {"user_id": a.openid, "action": "page_view", "page": "pages/index/index",
                                   "detail": "", "space_id": None})
    assert r.status_code == 200
    r = a.post("/api/logs/track", {"user_id": a.openid, "page": "p"})
    assert r.status_code == 400 and r.json() == {"detail": "缺少用户或动作"}
    r = a.post("/api/logs/track", {"user_id": a.openid, "action": "x" * 65})
    assert r.status_code == 400
    r = b.post("/api/logs/track", {"user_id": b.openid, "action": "page_view", "space_id": sid})
    assert r.status_code == 404


def test_enter_latency(stack, user):
    """Not a benchmark: a sanity bound so a regression to a slow path shows up."""
    a, code = user(), fresh_code()
    a.enter(code)
    t0 = time.perf_counter()
    for _ in range(50):
        a.enter(code)
    per_call_ms = (time.perf_counter() - t0) * 1000 / 50
    print("enter (existing space) %.2f ms/call over HTTP" % per_call_ms)
    assert per_call_ms < 50
