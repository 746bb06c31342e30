"""Size limits per type (configured small here so the test stays fast): images vs audio/video
limits, 413 文件过大 with nothing left behind."""
import os

import pytest

from harness import Stack, fresh_code
from test_storage_support import (check_key, detail, jpeg_bytes, mp3_bytes, mp4_bytes,
                                  storage_rows, temp_files, upload)

MB = 1024 * 1024


@pytest.fixture(scope="module")
def small():
    s = Stack(env={"STORAGE_MAX_IMAGE_MB": "1", "STORAGE_MAX_MEDIA_MB": "2"}).start()
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
