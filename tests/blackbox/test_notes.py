"""Notebook (pages/notebook, note-edit): CRUD, permissions, search and paging."""
from harness import space_with_members




def create(client, sid, title="T", content="C", **extra):
    body = {"space_id": sid, "user_id": client.openid, "title": title, "content": content}
    body.update(extra)
    return client.post("/api/notes/create", body)


def test_note_lifecycle_and_shapes(user):
    owner, member, _, sid = space_with_members(user)
    r = create(owner, sid, "标题", "内容", editable_by_others=False)
    assert r.status_code == 200, r.text
    note = r.json()
    assert note["title"] == "标题" and note["content"] == "内容"
    assert note["user_id"] == owner.openid and note["editable_by_others"] is False
    assert note["can_edit"] is True and isinstance(note["id"], int)
    assert note["created_at"] == note["updated_at"] and "T" in note["created_at"]
    # the member sees it, cannot edit it
    got = member.get("/api/notes/%d" % note["id"]).json()
    assert got["can_edit"] is False
    r = member.put("/api/notes/%d" % note["id"], {"title": "x", "content": "y", "user_id": member.openid})
    assert r.status_code == 403 and r.json()["detail"] == "无权限编辑该笔记"
    # the author edits; list puts the updated note first
    other = create(owner, sid, "second", "2").json()
    r = owner.put("/api/notes/%d" % note["id"], {"title": "new", "content": "c2", "user_id": owner.openid})
    assert r.status_code == 200 and r.json()["title"] == "new"
    ids = [n["id"] for n in owner.get("/api/notes", space_id=sid).json()["notes"]]
    assert ids == [note["id"], other["id"]]
    # delete: author only
    r = member.delete("/api/notes/%d" % note["id"])
    assert r.status_code == 403 and r.json()["detail"] == "仅作者可删除"
    assert owner.delete("/api/notes/%d" % note["id"]).status_code == 200
    assert owner.get("/api/notes/%d" % note["id"]).status_code == 404


def test_editable_note_and_flag_only_for_author(user):
    owner, member, _, sid = space_with_members(user)
    note = create(owner, sid).json()
    assert note["editable_by_others"] is True
    r = member.put("/api/notes/%d" % note["id"], {"content": "by member", "user_id": member.openid,
                                                   "editable_by_others": False})
    assert r.status_code == 200
    assert r.json()["content"] == "by member" and r.json()["editable_by_others"] is True
    r = owner.put("/api/notes/%d" % note["id"], {"editable_by_others": False, "user_id": owner.openid})
    assert r.json()["editable_by_others"] is False


def test_foreign_and_missing_notes_look_the_same(user):
    owner, _, outsider, sid = space_with_members(user)
    note = create(owner, sid).json()
    foreign = outsider.get("/api/notes/%d" % note["id"])
    missing = outsider.get("/api/notes/%d" % (note["id"] + 64 * 1000))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "笔记不存在"}
    assert outsider.put("/api/notes/%d" % note["id"], {"title": "x", "user_id": outsider.openid}).status_code == 404
    assert outsider.delete("/api/notes/%d" % note["id"]).status_code == 404
    assert outsider.get("/api/notes", space_id=sid).status_code == 404


def test_validation(user):
    owner, _, _, sid = space_with_members(user)
    assert create(owner, sid, title="x" * 201).status_code == 400
    r = owner.post("/api/notes/create", {"space_id": sid, "user_id": owner.openid, "title": "t"})
    assert r.status_code == 400
    assert create(owner, sid, title=5).status_code == 400


def test_search_and_paging(user):
    owner, _, _, sid = space_with_members(user)
    for i in range(7):
        create(owner, sid, "note %d" % i, "body apple" if i % 2 else "body pear")
    create(owner, sid, "100% sure", "x")
    found = owner.get("/api/notes", space_id=sid, keyword="apple").json()["notes"]
    assert sorted(n["title"] for n in found) == ["note 1", "note 3", "note 5"]
    assert [n["title"] for n in owner.get("/api/notes", space_id=sid, keyword="%").json()["notes"]] == ["100% sure"]
    p1 = owner.get("/api/notes", space_id=sid, page=1, limit=3).json()
    p3 = owner.get("/api/notes", space_id=sid, page=3, limit=3).json()
    assert len(p1["notes"]) == 3 and p1["has_more"] is True
    assert len(p3["notes"]) == 2 and p3["has_more"] is False
    everything = owner.get("/api/notes", space_id=sid).json()["notes"]
    assert len(everything) == 8 and "has_more" not in owner.get("/api/notes", space_id=sid).json()
