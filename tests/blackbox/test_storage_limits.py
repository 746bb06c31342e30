"""Size limits per type (configured small here so the test stays fast): images vs audio/video
limits, 413 文件过大 with nothing left behind; a client gone mid-upload leaves nothing."""
import os
import socket

import pytest

from harness import Stack, fresh_code
from test_storage_support import (check_key, detail, jpeg_bytes, mp3_bytes, mp4_bytes,
                                  png_bytes, storage_rows, temp_files, upload, wait_for)

MB = 1024 * 1024


@pytest.fixture(scope="module")
def small():
    # GATEWAY_IDLE_SECONDS: the backstop when libmicrohttpd notices a client's close late
    s = Stack(env={"STORAGE_MAX_IMAGE_MB": "1", "STORAGE_MAX_MEDIA_MB": "2",
                   "GATEWAY_IDLE_SECONDS": "4"}).start()
    yield s
    s.stop()


def blobs(stack):
    out = []
    for root, dirs, files in os.walk(os.path.join(stack.data, "blobs")):
        out += [f for f in files]
    return out


def test_limits_per_type(small):
    a = small.login("lim" + fresh_code())
    sid = a.enter(fresh_code())
    r = upload(a, jpeg_bytes(MB), "ok.jpg", space_id=sid)
    assert r.status_code == 200, r.text
    check_key(r.json(), "messages", sid, "jpg")
    stored = (len(storage_rows(small)), len(blobs(small)))
    r = upload(a, jpeg_bytes(MB + 1), "big.jpg", space_id=sid)
    assert r.status_code == 413 and detail(r) == "文件过大", r.text
    # the image limit does not apply to audio/video, theirs does
    r = upload(a, mp4_bytes(MB + MB // 2), "clip.mp4", space_id=sid)
    assert r.status_code == 200, r.text
    check_key(r.json(), "messages", sid, "mp4")
    stored = (stored[0] + 1, stored[1] + 1)
    for content in (mp4_bytes(2 * MB + 1), mp3_bytes(2 * MB + 100 * 1024)):
        r = upload(a, content, "long.mp4", space_id=sid)
        assert r.status_code == 413 and detail(r) == "文件过大", r.text
    assert (len(storage_rows(small)), len(blobs(small))) == stored
    assert temp_files(small) == []


def test_declared_length_over_limit_is_refused_at_once(small):
    a = small.login("lim" + fresh_code())
    sid = a.enter(fresh_code())
    r = a.session.post(a.full_url("/api/upload"), headers=dict(
        a.headers(), **{"Content-Type": "multipart/form-data; boundary=xx",
                        "Content-Length": str(50 * MB)}), data=b"", timeout=10)
    assert r.status_code == 413, r.text


def test_client_gone_mid_upload_leaves_nothing(small):
    a = small.login("gone" + fresh_code())
    sid = a.enter(fresh_code())
    rows = len(storage_rows(small))
    boundary = "gonegonegone"
    head = ("--%s\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nmessages\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"space_id\"\r\n\r\n%d\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.png\"\r\n\r\n"
            % (boundary, boundary, sid, boundary)).encode()
    part = head + png_bytes(pad=600 * 1024)[:-12]      # two chunks reach svc-storage
    req = ("POST /api/upload?user_id=%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
           % (a.openid, a.token, boundary, len(part) + 4096)).encode()
    s = socket.create_connection(("127.0.0.1", small.ports[0]))
    s.sendall(req + part)
    wait_for(lambda: temp_files(small), 10, "upload session to start")
    s.close()
    try:
        wait_for(lambda: temp_files(small) == [], 20, "partial upload dropped")
    except AssertionError:
        raise AssertionError("temp files left: %s\n%s" % (temp_files(small), small.tail_logs(8)))
    assert len(storage_rows(small)) == rows

