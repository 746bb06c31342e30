"""Uploading a 100 MB video keeps the gateway's and svc-storage's memory bounded: peak RSS
growth (sampled VmRSS during the upload, and VmHWM) stays far below the file size."""
import os
import tempfile
import threading
import time

import requests

from harness import fresh_code
from test_storage_support import mp4_head, storage_rows

MB = 1024 * 1024
BOUND = 64 * MB


def rss(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def test_100mb_upload_memory_bounded(stack, user):
    a = user()
    sid = a.enter(fresh_code())
    pids = {"gateway": stack.procs["gateway"].pid, "svc-storage": stack.procs["svc-storage"].pid}
    base = {n: rss(p) for n, p in pids.items()}
    peak = dict(base)
    boundary = "wormholeboundary7b1f"
    with tempfile.NamedTemporaryFile(prefix="wh-body-", delete=False) as f:
        path = f.name
        f.write(("--%s\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nmessages\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"space_id\"\r\n\r\n%d\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.mp4\"\r\n"
                 "Content-Type: video/mp4\r\n\r\n" % (boundary, boundary, sid, boundary)).encode())
        head = mp4_head()
        f.write(head)
        block = os.urandom(MB)
        f.write(block[:MB - len(head)])
        for _ in range(99):
            f.write(block)
        f.write(("\r\n--%s--\r\n" % boundary).encode())
    done = threading.Event()

    def sample():
        while not done.is_set():
            for n, p in pids.items():
                peak[n] = max(peak[n], rss(p))
            time.sleep(0.02)
    t = threading.Thread(target=sample)
    t.start()
    try:
        with open(path, "rb") as body:
            t0 = time.time()
            r = a.session.post(a.full_url("/api/upload"), data=body, timeout=120, headers=dict(
                a.headers(), **{"Content-Type": "multipart/form-data; boundary=" + boundary}))
            secs = time.time() - t0
    finally:
        done.set()
        t.join()
        os.unlink(path)
    assert r.status_code == 200, r.text
    assert storage_rows(stack, "key = ?", (r.json()["key"],))[0][3] == 100 * MB
    hwm = {n: rss(p, "VmHWM") for n, p in pids.items()}
    print("100 MB upload in %.2fs; peak RSS growth: %s; VmHWM: %s" % (
        secs, {n: "%.1f MB" % ((peak[n] - base[n]) / MB) for n in pids},
        {n: "%.1f MB" % (hwm[n] / MB) for n in pids}))
    for n in pids:
        assert peak[n] - base[n] < BOUND, (n, peak[n] - base[n])
