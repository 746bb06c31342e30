"""Helpers shared by the storage/upload black-box tests (no tests here): sample files whose
bytes libmagic recognises, multipart uploads the way wx.uploadFile sends them, polling, and
an s3rver (real S3-compatible server from npm, tests/s3) on a free loopback port."""
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import time
import zlib

import requests

from harness import ROOT, free_port

KEY_RE = r"^%s/%d/[0-9a-f]{32}\.%s$"


def png_bytes(pad=0):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")))
    if pad:
        body += chunk(b"tEXt", b"c\x00" + b"x" * max(0, pad - len(body) - 26))
    return body + chunk(b"IEND", b"")


def jpeg_bytes(size):
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return head + b"\x00" * (size - len(head))


def mp4_head():
    return b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def mp4_bytes(size):
    h = mp4_head()
    return h + os.urandom(size - len(h))


def mp3_bytes(size):
    h = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"\xff\xfb\x90\x64"
    return h + b"\x00" * (size - len(h))


def upload(client, content, filename="a.png", category="messages", space_id=None,
           fields=None, ctype="application/octet-stream", params=None):
    data = {"category": category, "user_id": client.openid, "message_type": "image"}
    if space_id is not None:
        data["space_id"] = str(space_id)
    data.update(fields or {})
    return client.session.post(client.full_url("/api/upload", params), headers=client.headers(),
                               data=data, files={"file": (filename, content, ctype)}, timeout=60)


def detail(r):
    try:
        return r.json().get("detail")
    except ValueError:
        return None


def wait_for(fn, timeout=20, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def storage_rows(stack, where="1=1", args=()):
    db = os.path.join(stack.data, "storage.db")
    if not os.path.exists(db):
        return []
    con = sqlite3.connect(db, timeout=5)
    try:
        return con.execute("SELECT key, space_id, user_id, size, mime FROM files WHERE " + where,
                           args).fetchall()
    finally:
        con.close()


def temp_files(stack):
    out = []
    for root, dirs, files in os.walk(os.path.join(stack.data, "blobs", ".tmp")):
        out += [os.path.join(root, f) for f in files]
    return out


def blob_path(stack, key):
    return os.path.join(stack.data, "blobs", key)


def check_key(body, category, space_id, ext):
    assert re.match(KEY_RE % (category, space_id, ext), body["key"]), body
    assert body["url"] == "/files/" + body["key"] and body["origin_url"] == body["url"], body


S3_DIR = os.path.join(ROOT, "tests", "s3")
S3RVER = os.path.join(S3_DIR, "node_modules", ".bin", "s3rver")


def s3rver_available():
    return os.access(S3RVER, os.X_OK) and shutil.which("node") is not None


class S3rver:
    """s3rver on 127.0.0.1:<free port> with bucket `wormhole`; default keys S3RVER/S3RVER."""
    bucket = "wormhole"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="wormhole-s3-")
        self.port = free_port()
        self.proc = None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def env(self):
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT": self.endpoint, "S3_BUCKET": self.bucket,
                "S3_REGION": "us-east-1", "S3_ACCESS_KEY": "S3RVER", "S3_SECRET_KEY": "S3RVER",
                "S3_TIMEOUT_S": "10"}

    def start(self):
        self.log = open(os.path.join(self.dir, "s3rver.log"), "ab")
        self.proc = subprocess.Popen(
            [S3RVER, "-d", os.path.join(self.dir, "data"), "-a", "127.0.0.1", "-p", str(self.port),
             "--configure-bucket", self.bucket, "--silent"], stdout=self.log, stderr=self.log)

        def up():
            try:
                return requests.get(self.endpoint + "/", timeout=1).status_code < 500
            except requests.RequestException:
                return False
        wait_for(up, 20, "s3rver")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def close(self):
        """Stops the server for good and removes its files."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def object_exists(self, key):
        """Whether s3rver holds the object (its own files on disk, independent of our code)."""
        base = os.path.join(self.dir, "data", self.bucket, key)
        return any(os.path.exists(base + suffix) for suffix in
                   ("._S3rver_object", "._S3rver_metadata.json"))
