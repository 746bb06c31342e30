"""Driver of bench/storage.sh (see there). Starts the real stack with the black-box harness."""
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "blackbox"))
from harness import Stack, fresh_code  # noqa: E402
from test_storage_support import mp4_head  # noqa: E402

MB = 1024 * 1024


def body_file(d, size, sid, boundary):
    path = os.path.join(d, "body-%d" % size)
    with open(path, "wb") as f:
        f.write(("--%s\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nmessages\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"space_id\"\r\n\r\n%d\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.mp4\"\r\n"
                 "Content-Type: video/mp4\r\n\r\n" % (boundary, boundary, sid, boundary)).encode())
        head = mp4_head()
        data = os.urandom(size)
        f.write(head + data[len(head):])
        f.write(("\r\n--%s--\r\n" % boundary).encode())
    return path


def upload_rate(client, path, size, n, boundary):
    """One keep-alive session, the body streamed from a file (as a client would)."""
    hdr = dict(client.headers(), **{"Content-Type": "multipart/form-data; boundary=" + boundary})
    url = client.full_url("/api/upload")
    t0 = time.time()
    for _ in range(n):
        with open(path, "rb") as body:
            r = client.session.post(url, data=body, headers=hdr, timeout=300)
        assert r.status_code == 200, r.text
    return size * n / MB / (time.time() - t0)


def dd_rate(d, size, n):
    """Raw write speed of the same amount of data from the page cache to disk, fsynced."""
    src, out = os.path.join(d, "dd.src"), os.path.join(d, "dd.out")
    with open(src, "wb") as f:
        f.write(os.urandom(size))
    t0 = time.time()
    for _ in range(n):
        subprocess.run(["dd", "if=" + src, "of=" + out, "bs=1M", "conv=fsync", "status=none"],
                       check=True)
    secs = time.time() - t0
    os.unlink(src)
    os.unlink(out)
    return size * n / MB / secs


def hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main():
    small_n = int(os.environ.get("BENCH_STORAGE_SMALL_N", "20"))
    big_n = int(os.environ.get("BENCH_STORAGE_BIG_N", "3"))
    stack = Stack(services=["space", "storage"]).start()
    try:
        c = stack.login("bench" + fresh_code())
        sid = c.enter(fresh_code())
        boundary = "benchboundary42"
        with tempfile.TemporaryDirectory(dir=stack.dir) as d:
            for size, n in ((MB, small_n), (50 * MB, big_n)):
                path = body_file(d, size, sid, boundary)
                up = upload_rate(c, path, size, n, boundary)
                os.unlink(path)
                disk = dd_rate(d, size, n)
                print("upload %3d MB x %2d: %7.1f MB/s   raw disk (dd conv=fsync): %7.1f MB/s"
                      "   ratio %.2f" % (size // MB, n, up, disk, up / disk))
        print("peak RSS: gateway %.1f MB, svc-storage %.1f MB" % (
            hwm(stack.procs["gateway"].pid), hwm(stack.procs["svc-storage"].pid)))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
