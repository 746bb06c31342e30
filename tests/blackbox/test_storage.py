"""svc-storage + the gateway's upload module on the local backend: POST /api/upload as
wx.uploadFile sends it, GET /files/<key>, type decided from bytes, identity and membership,
traversal, and purge on space deletion (also after being down during it)."""
import os
import re

import pytest
import requests

from harness import fresh_code, share_into
from test_storage_support import (blob_path, check_key, detail, jpeg_bytes, mp3_bytes,
                                  png_bytes, storage_rows, temp_files, upload, wait_for)


def test_upload_png_round_trip(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    png = png_bytes()
    r = upload(a, png, "photo.png", space_id=sid)
    assert r.status_code == 200, r.text
    body = r.json()
    check_key(body, "messages", sid, "png")
    assert storage_rows(stack, "key = ?", (body["key"],)) == [
        (body["key"], sid, a.openid, len(png), "image/png")]
    g = requests.get(stack.url(body["url"]), timeout=10)
    assert g.status_code == 200 and g.content == png
    assert g.headers["Content-Type"] == "image/png"
    part = requests.get(stack.url(body["url"]), headers={"Range": "bytes=1-3"}, timeout=10)
    assert part.status_code == 206 and part.content == png[1:4]
    assert part.headers["Content-Range"] == "bytes 1-3/%d" % len(png)
    bad = requests.get(stack.url(body["url"]), headers={"Range": "bytes=9999-"}, timeout=10)
    assert bad.status_code == 416


def test_categories_and_media_types(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    for category, content, ext in (("notes", jpeg_bytes(4096), "jpg"),
                                   ("avatars", png_bytes(), "png"),
                                   ("messages", mp3_bytes(8192), "mp3")):
        r = upload(a, content, "x.bin", category=category, space_id=sid)
        assert r.status_code == 200, (category, r.text)
        check_key(r.json(), category, sid, ext)
    r = upload(a, png_bytes(), category="misc", space_id=sid)
    assert r.status_code == 400 and detail(r) == "不支持的上传分类"


def test_type_from_bytes_not_name(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    before = storage_rows(stack)
    for name, content, ctype in (("x.jpg", b"just some text, not an image\n" * 20, "image/jpeg"),
                                 ("x.png", b"<html><script>alert(1)</script></html>", "image/png"),
                                 ("x.mp4", b"MZ\x90\x00" + b"\x00" * 500, "video/mp4")):
        r = upload(a, content, name, space_id=sid, ctype=ctype)
        assert r.status_code == 400 and detail(r) == "不支持的文件类型", (name, r.text)
    # a real PNG named .jpg is stored as .png with its real type
    r = upload(a, png_bytes(), "disguised.jpg", space_id=sid, ctype="image/jpeg")
    assert r.status_code == 200
    check_key(r.json(), "messages", sid, "png")
    assert len(storage_rows(stack)) == len(before) + 1
    assert temp_files(stack) == []


def test_empty_file_and_missing_file(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    r = upload(a, b"", "empty.jpg", space_id=sid)
    assert r.status_code == 400 and detail(r) == "空文件", r.text
    r = a.session.post(a.full_url("/api/upload"), headers=a.headers(),
                       files={"category": (None, "messages"), "space_id": (None, str(sid))},
                       timeout=10)
    assert r.status_code == 400 and detail(r), r.text
    r = a.session.post(a.full_url("/api/upload"), headers=a.headers(), json={"space_id": sid},
                       timeout=10)
    assert r.status_code == 400 and detail(r), r.text
    assert temp_files(stack) == []


def test_traversal_never_reaches_a_path(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    r = upload(a, png_bytes(), "../../etc/passwd", space_id=sid,
               fields={"category": "messages", "message_type": "../../x"})
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    check_key(r.json(), "messages", sid, "png")
    assert "etc" not in key and "passwd" not in key and ".." not in key
    for cat in ("../messages", "messages/../../x"):
        r = upload(a, png_bytes(), category=cat, space_id=sid)
        assert r.status_code == 400, r.text
    r = upload(a, png_bytes(), space_id="1/../2")
    assert r.status_code == 400, r.text
    for path in ("/files/../../etc/passwd", "/files/%2e%2e/%2e%2e/etc/passwd",
                 "/files/messages/%d/..%%2f..%%2fstorage.db" % sid, "/files/storage.db",
                 "/files/.tmp/x", "/files/messages/%d/%s.png" % (sid, "0" * 32)):
        g = requests.get(stack.base + path, timeout=10)
        assert g.status_code in (400, 404), (path, g.status_code)
        assert b"SQLite" not in g.content and b"root:" not in g.content


def test_identity_and_membership(stack, user):
    a, b = user(), user()
    sid = a.enter(fresh_code())
    before = len(storage_rows(stack))
    # not a member -> the same 404 as a missing space
    r = upload(b, png_bytes(), space_id=sid)
    assert r.status_code == 404 and detail(r) == "空间不存在", r.text
    r = upload(b, png_bytes(), space_id=987654321)
    assert r.status_code == 404 and detail(r) == "空间不存在", r.text
    # a user_id field that is not the token's subject
    r = upload(a, png_bytes(), space_id=sid, fields={"user_id": b.openid})
    assert r.status_code == 403, r.text
    # space_id required
    r = upload(a, png_bytes())
    assert r.status_code == 400 and detail(r) == "缺少空间ID", r.text
    # no token at all
    r = requests.post(stack.url("/api/upload"), data={"category": "messages", "space_id": sid},
                      files={"file": ("a.png", png_bytes())}, timeout=10)
    assert r.status_code == 401, r.text
    assert len(storage_rows(stack)) == before and temp_files(stack) == []
    # once shared, b may upload
    share_into(a, b, sid)
    r = upload(b, png_bytes(), space_id=sid)
    assert r.status_code == 200, r.text


def _delete_space(owner, sid):
    r = owner.post("/api/space/delete", {"space_id": sid, "operator_user_id": owner.openid})
    assert r.status_code == 200, r.text


def _gone(stack, key):
    def check():
        if storage_rows(stack, "key = ?", (key,)) or os.path.exists(blob_path(stack, key)):
            return False
        return requests.get(stack.url("/files/" + key), timeout=10).status_code == 404
    return check


def test_space_deletion_purges_files(stack, user):
    a = user()
    sid, other = a.enter(fresh_code()), a.enter(fresh_code())
    keys = [upload(a, png_bytes(), space_id=sid).json()["key"] for _ in range(3)]
    keep = upload(a, png_bytes(), space_id=other).json()["key"]
    assert all(os.path.exists(blob_path(stack, k)) for k in keys)
    _delete_space(a, sid)
    for k in keys:
        wait_for(_gone(stack, k), 20, "purge of " + k)
    assert requests.get(stack.url("/files/" + keep), timeout=10).status_code == 200
    r = upload(a, png_bytes(), space_id=sid)
    assert r.status_code == 404


def test_space_deletion_while_storage_down(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    key = upload(a, png_bytes(), space_id=sid).json()["key"]
    stack.stop_service("storage")
    try:
        _delete_space(a, sid)
        assert os.path.exists(blob_path(stack, key))
    finally:
        stack.start_service("storage")
    wait_for(_gone(stack, key), 30, "catch-up purge")


def test_parallel_uploads(stack, user):
    from concurrent.futures import ThreadPoolExecutor
    from test_storage_support import mp4_bytes
    a = user()
    sid = a.enter(fresh_code())
    files = [mp4_bytes(700 * 1024 + i) for i in range(8)]

    def one(content):
        r = requests.post(a.full_url("/api/upload"), headers=a.headers(), timeout=60,
                    data={"category": "messages", "space_id": str(sid)},
                    files={"file": ("v.mp4", content)})
        return r.status_code, r.json()
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(one, files))
    assert all(st == 200 for st, _ in results), results
    for content, (_, body) in zip(files, results):
        g = requests.get(stack.url(body["url"]), timeout=20)
        assert g.status_code == 200 and g.content == content
    assert temp_files(stack) == []
