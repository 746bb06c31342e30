#!/usr/bin/python3
"""Black-box smoke flow against the compose stack (tests/compose/smoke.sh runs it).

login -> enter -> chat send over WebSocket -> note -> recharge -> upload -> delete the space,
then: every API of the deleted space answers 404, the file URL 404s, and each service's own
sqlite database (copied out of its container with `docker cp`) holds no row of the space any
more (the services purged, not just the gateway hiding it).

Usage: smoke_flow.py BASE_URL COMPOSE_PROJECT
Exit status 0 only when every step passed; each failure names its step."""
import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

import requests
import websockets

BASE = sys.argv[1].rstrip("/")
PROJECT = sys.argv[2]
TIMEOUT = 10
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# SMOKE_SERVICES (set by smoke.sh in SMOKE_PARTIAL mode): the services that run; the steps
# of the others are reported as NOT RUN and the flow still exits 1.
PRESENT = set((os.environ.get("SMOKE_SERVICES") or
               "svc-space,svc-chat,svc-notes,svc-wallet,svc-storage,gateway").split(","))
NOT_RUN = []


def have(svc, step):
    if svc in PRESENT:
        return True
    NOT_RUN.append("%s (%s missing)" % (step, svc))
    print("NOT RUN %s: %s is not running" % (step, svc), flush=True)
    return False
# a real 1x1 PNG (the storage service decides the type from the bytes)
def _png():
    import struct
    import zlib

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff")) + chunk(b"IEND", b""))


PNG = _png()


class Fail(Exception):
    pass


def check(cond, step, detail=""):
    if not cond:
        raise Fail("%s: %s" % (step, detail))
    print("ok   %s" % step, flush=True)


class User:
    def __init__(self, code):
        r = requests.post(BASE + "/api/auth/login", json={"code": code}, timeout=TIMEOUT)
        check(r.status_code == 200 and "access_token" in r.json(), "login", r.text[:300])
        self.openid, self.token = r.json()["openid"], r.json()["access_token"]

    def headers(self):
        return {"Authorization": "Bearer " + self.token, "X-Auth-Token": self.token,
                "X-User-Id": self.openid, "X-Openid": self.openid}

    def url(self, path, **params):
        params.setdefault("user_id", self.openid)
        return BASE + path + "?" + urllib.parse.urlencode(params)

    def get(self, path, **params):
        return requests.get(self.url(path, **params), headers=self.headers(), timeout=TIMEOUT)

    def post(self, path, body=None, **kw):
        return requests.post(self.url(path), json=body, headers=self.headers(), timeout=TIMEOUT,
                             **kw)


async def ws_send(user, space_id, text, client_id):
    url = BASE.replace("http://", "ws://") + "/ws/chat/%d?user_id=%s" % (space_id, user.openid)
    async with websockets.connect(url, extra_headers=user.headers(), open_timeout=TIMEOUT,
                                  compression=None) as ws:
        await ws.send(json.dumps({"event": "presence", "user_id": user.openid}))
        await ws.send(json.dumps({"user_id": user.openid, "content": text,
                                  "message_type": "text", "client_id": client_id}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            f = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
            if "event" not in f and f.get("client_id") == client_id:
                return f
    raise Fail("chat over WebSocket: no echo of the message")


def container_data(service, dest):
    """Copy /data of the service's container (db + WAL + blobs) into dest; return the path."""
    dc = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
    files = []
    for f in os.environ.get("SMOKE_COMPOSE_FILES", "compose.yaml").split(":"):
        files += ["-f", os.path.join(ROOT, f)]
    cid = subprocess.run(dc + ["-p", PROJECT] + files + ["ps", "-q", service],
                         capture_output=True, text=True).stdout.strip()
    if not cid:
        raise Fail("container of %s not found" % service)
    os.makedirs(dest, exist_ok=True)
    out = os.path.join(dest, service)
    r = subprocess.run(["docker", "cp", cid + ":/data", out], capture_output=True, text=True)
    if r.returncode:
        raise Fail("docker cp %s:/data: %s" % (service, r.stderr))
    return out


# tables that record the deletion itself (e.g. svc-storage's deleted_spaces) are not data
TOMBSTONE = re.compile(r"deleted|tombstone|purged", re.I)


def rows_of_space(datadir, space_id):
    """{db:table: count} of rows whose space_id column equals space_id, in every sqlite db."""
    found = {}
    for dirpath, _, files in os.walk(datadir):
        for f in files:
            if not f.endswith(".db"):
                continue
            con = sqlite3.connect(os.path.join(dirpath, f))
            try:
                tables = [t for (t,) in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")]
                for t in tables:
                    cols = [c[1] for c in con.execute('PRAGMA table_info("%s")' % t)]
                    if "space_id" in cols and not TOMBSTONE.search(t):
                        n = con.execute('SELECT count(*) FROM "%s" WHERE space_id=?' % t,
                                        (space_id,)).fetchone()[0]
                        if n:
                            found["%s:%s" % (f, t)] = n
            finally:
                con.close()
    return found


def blobs_with(datadir, content):
    hits = []
    for dirpath, _, files in os.walk(datadir):
        for f in files:
            p = os.path.join(dirpath, f)
            if os.path.getsize(p) == len(content) and open(p, "rb").read() == content:
                hits.append(p)
    return hits


def main():
    tmp = tempfile.mkdtemp(prefix="wormhole-smoke-")
    try:
        r = requests.get(BASE + "/healthz", timeout=TIMEOUT)
        check(r.status_code == 200, "GET /healthz", r.text[:200])
        code = "%06d" % (100000 + int(time.time() * 1000) % 900000)
        a = User("smoke%d" % int(time.time()))
        r = a.post("/api/space/enter", {"space_code": code, "user_id": a.openid,
                                        "create_if_missing": True})
        check(r.status_code == 200 and r.json().get("success") is True, "enter", r.text[:300])
        sid = int(r.json()["space_id"])

        domain = [x for x in ("svc-chat", "svc-notes", "svc-wallet", "svc-storage") if x in PRESENT]
        note_id = furl = None
        if have("svc-chat", "chat"):
            msg = asyncio.run(ws_send(a, sid, "hello from compose", "smoke_%d" % sid))
            check(isinstance(msg.get("id"), int), "chat send over WebSocket", json.dumps(msg)[:300])
            r = a.get("/api/chat/history", space_id=sid)
            check(r.status_code == 200 and any(m.get("id") == msg["id"] for m in r.json().get(
                "messages", [])), "chat history has the message", r.text[:300])

        if have("svc-notes", "notes"):
            r = a.post("/api/notes/create", {"space_id": sid, "user_id": a.openid, "title": "T",
                                             "content": "C", "editable_by_others": True})
            check(r.status_code == 200 and "id" in r.json(), "note create", r.text[:300])
            note_id = r.json()["id"]
            r = a.get("/api/notes/%s" % note_id)
            check(r.status_code == 200 and r.json().get("title") == "T", "note get", r.text[:300])

        if have("svc-wallet", "wallet"):
            r = a.post("/api/wallet/recharge", {"space_id": sid, "amount": 10.5,
                                                "user_id": a.openid})
            check(r.status_code == 200 and r.json().get("success") is True, "recharge",
                  r.text[:300])
            r = a.get("/api/wallet/info", space_id=sid)
            check(r.status_code == 200 and str(r.json().get("balance")) in ("10.5", "10.50"),
                  "wallet balance", r.text[:300])

        if have("svc-storage", "upload"):
            r = requests.post(a.url("/api/upload"), headers=a.headers(), timeout=TIMEOUT,
                              files={"file": ("dot.png", PNG, "image/png")},
                              data={"category": "messages", "message_type": "image",
                                    "space_id": str(sid), "user_id": a.openid})
            check(r.status_code == 200 and r.json().get("url"), "upload", r.text[:300])
            furl = r.json()["url"]
            furl = BASE + furl if furl.startswith("/") else furl
            check(furl.startswith(BASE), "upload URL is served by the gateway", furl)
            r = requests.get(furl, headers=a.headers(), timeout=TIMEOUT)
            check(r.status_code == 200 and r.content == PNG, "uploaded file downloads",
                  "%s %r" % (r.status_code, r.content[:80]))

        # the data is really in each service's own database before the deletion
        before = {x: container_data(x, os.path.join(tmp, "before")) for x in domain}
        for x, d in before.items():
            check(rows_of_space(d, sid), "%s holds rows of the space" % x,
                  "no table with space_id=%d rows" % sid)
        if "svc-storage" in before:
            check(blobs_with(before["svc-storage"], PNG), "svc-storage holds the blob")

        r = a.post("/api/space/delete", {"space_id": sid, "operator_user_id": a.openid})
        check(r.status_code == 200 and r.json().get("success") is True, "delete the space",
              r.text[:300])

        after = [("/api/space/info", {"space_id": sid}, "svc-space")]
        if "svc-chat" in PRESENT:
            after.append(("/api/chat/history", {"space_id": sid}, "svc-chat"))
        if note_id is not None:
            after.append(("/api/notes/%s" % note_id, {}, "svc-notes"))
        if "svc-wallet" in PRESENT:
            after.append(("/api/wallet/info", {"space_id": sid}, "svc-wallet"))
        for path, params, _ in after:
            r = a.get(path, **params)
            check(r.status_code == 404, "after delete: %s -> 404" % path,
                  "%s %s" % (r.status_code, r.text[:200]))
        if furl:
            r = requests.get(furl, headers=a.headers(), timeout=TIMEOUT)
            check(r.status_code == 404, "after delete: file URL -> 404", str(r.status_code))

        # each service purged its own data (bus event; allow a few seconds)
        for x in domain:
            deadline = time.time() + 10
            while True:
                d = container_data(x, os.path.join(tmp, "after-%s" % time.time()))
                left = rows_of_space(d, sid)
                blobs = blobs_with(d, PNG) if x == "svc-storage" else []
                if not left and not blobs:
                    break
                if time.time() > deadline:
                    raise Fail("%s did not purge space %d: rows %s blobs %s"
                               % (x, sid, left, blobs))
                time.sleep(0.5)
            check(True, "%s purged the space" % x)
        if NOT_RUN:
            print("SMOKE INCOMPLETE: not run: %s" % "; ".join(NOT_RUN))
            return 1
        print("SMOKE PASSED")
        return 0
    except Fail as e:
        print("FAIL %s" % e, flush=True)
        return 1
    except Exception as e:   # connection refused, bad JSON...: still a clear failure
        print("FAIL unexpected %s: %s" % (type(e).__name__, e), flush=True)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
