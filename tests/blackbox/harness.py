"""Starts the real daemons on a temporary directory and drives them over HTTP the way the
mini-program does (Bearer token + X-Auth-Token + X-User-Id + X-Openid + ?user_id= on every
URL, POST included). Used by every black-box test through the fixtures in conftest.py."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "build", "bin")
SERVICES = ["space", "chat", "notes", "wallet", "storage"]  # svc-<name>, NAME_RPC_URL


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def built(name):
    return os.access(os.path.join(BIN, name), os.X_OK)


def thread_stacks(pid):
    """Every thread's backtrace of a stuck process (gdb), so a hang reported by CI says where."""
    try:
        out = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt"],
                             capture_output=True, text=True, timeout=60)
        return out.stdout[-20000:]
    except (OSError, subprocess.TimeoutExpired) as e:
        return "(no backtrace: %s)" % e


class Stack:
    """The whole system on one temporary directory. shards={'chat': 2} runs replicas."""

    def __init__(self, shards=None, env=None, services=None, gateways=1):
        self.dir = tempfile.mkdtemp(prefix="wormhole-test-")
        self.data = os.path.join(self.dir, "data")
        self.run = os.path.join(self.dir, "run")
        self.logs = os.path.join(self.dir, "logs")
        for d in (self.data, self.run, self.logs):
            os.makedirs(d)
        self.shards = dict(shards or {})
        wanted = services or SERVICES
        self.services = [s for s in wanted if built("svc-" + s)]
        self.env = dict(os.environ)
        self.env.update({
            "WORMHOLE_DATA_DIR": self.data,
            "WORMHOLE_RUN_DIR": self.run,
            "WORMHOLE_DEV_LOGIN": "1",
            "AUTH_JWT_SECRET": "testsecret",
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_BACKENDS": ",".join(self.services),
            "WORKERS": "4",
            # many users log in from 127.0.0.1; rate-limit tests start a Stack with low limits
            "RATE_LOGIN_PER_MIN": "100000",
            "RATE_JOIN_PER_MIN": "100000",
        })
        for s in SERVICES:
            n = self.shards.get(s, 1)
            self.env[s.upper() + "_RPC_URL"] = ",".join(
                "ipc://%s/%s-%d.rpc" % (self.run, s, i) for i in range(n))
        n = self.shards.get("chat", 1)
        self.env["CHAT_EVENTS_URL"] = ",".join(
            "ipc://%s/chat-%d.events" % (self.run, i) for i in range(n))
        self.env["SPACE_BUS_URL"] = "ipc://%s/space.bus" % self.run
        self.env.update(env or {})
        self.procs = {}       # name -> Popen
        self.ports = []
        self.ngateways = gateways

    # ---- processes ----
    def start_proc(self, name, binary, extra=None):
        env = dict(self.env)
        env.update(extra or {})
        log = open(os.path.join(self.logs, name + ".log"), "ab")
        p = subprocess.Popen([os.path.join(BIN, binary)], env=env, stdout=log, stderr=log,
                             cwd=self.dir)
        self.procs[name] = p
        return p

    def start_service(self, svc):
        n = self.shards.get(svc, 1)
        for i in range(n):
            name = "svc-%s" % svc if n == 1 else "svc-%s-%d" % (svc, i)
            self.start_proc(name, "svc-" + svc,
                            {"SHARD_INDEX": str(i), "SHARD_COUNT": str(n)})

    def stop_service(self, svc):
        for name in [k for k in self.procs if k == "svc-" + svc or k.startswith("svc-%s-" % svc)]:
            self.stop_proc(name)

    def stop_proc(self, name, sig=signal.SIGTERM, timeout=10):
        p = self.procs.pop(name, None)
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                stacks = thread_stacks(p.pid)
                p.kill()
                p.wait()
                raise AssertionError("%s did not stop within %ss of signal %s\n%s\n%s" % (
                    name, timeout, sig, stacks, self.tail_logs(40)))
        return p.returncode

    def start(self):
        for s in self.services:
            self.start_service(s)
        for g in range(self.ngateways):
            port = free_port()
            self.ports.append(port)
            self.start_proc("gateway" if g == 0 else "gateway-%d" % g, "gateway",
                            {"GATEWAY_PORT": str(port)})
        for port in self.ports:
            self.wait_ready(port)
        return self

    def wait_ready(self, port=None, timeout=20):
        port = port or self.ports[0]
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                r = requests.get("http://127.0.0.1:%d/readyz" % port, timeout=2)
                if r.status_code == 200:
                    return
                last = r.text
            except requests.RequestException as e:
                last = str(e)
            time.sleep(0.1)
        raise AssertionError("gateway on %d not ready: %s\n%s" % (port, last, self.tail_logs()))

    def tail_logs(self, n=30):
        out = []
        for f in sorted(os.listdir(self.logs)):
            with open(os.path.join(self.logs, f), "rb") as fh:
                lines = fh.read().decode("utf-8", "replace").splitlines()[-n:]
            out.append("== %s\n%s" % (f, "\n".join(lines)))
        return "\n".join(out)

    def stop(self):
        for name in [k for k in self.procs if k.startswith("gateway")]:
            self.stop_proc(name)
        for name in reversed(list(self.procs)):   # svc-space, which others call, goes last
            self.stop_proc(name)
        # Reached only when every process stopped cleanly; a failing stop keeps the
        # directory (data and logs) for a look. WH_KEEP_TEST_DIRS=1 keeps them all.
        if not os.environ.get("WH_KEEP_TEST_DIRS"):
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- HTTP ----
    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.ports[0]

    def url(self, path, gateway=0):
        return "http://127.0.0.1:%d%s" % (self.ports[gateway], path)

    def login(self, code, gateway=0):
        r = requests.post(self.url("/api/auth/login", gateway), json={"code": code}, timeout=10)
        assert r.status_code == 200, r.text
        body = r.json()
        return Client(self, body["openid"], body["access_token"], gateway)


class Client:
    """One mini-program user: every request carries all four identity signals."""

    def __init__(self, stack, openid, token, gateway=0):
        self.stack, self.openid, self.token, self.gateway = stack, openid, token, gateway
        self.session = requests.Session()

    def headers(self):
        return {"Authorization": "Bearer " + self.token, "X-Auth-Token": self.token,
                "X-User-Id": self.openid, "X-Openid": self.openid}

    def full_url(self, path, params=None):
        params = dict(params or {})
        if "user_id" not in params and "operator_user_id" not in params:
            params["user_id"] = self.openid
        return self.stack.url(path, self.gateway) + "?" + urllib.parse.urlencode(params)

    def request(self, method, path, params=None, json_body=None, headers=None, **kw):
        h = self.headers()
        h.update(headers or {})
        return self.session.request(method, self.full_url(path, params), json=json_body,
                                    headers=h, timeout=kw.pop("timeout", 15), **kw)

    def get(self, path, **params):
        return self.request("GET", path, params=params)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, json_body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, json_body=body, **kw)

    def delete(self, path, **params):
        return self.request("DELETE", path, params=params)

    def enter(self, code):
        r = self.post("/api/space/enter", {"space_code": code, "user_id": self.openid,
                                           "create_if_missing": True})
        assert r.status_code == 200 and r.json()["success"] is True, r.text
        return r.json()["space_id"]


_counter = [int(time.time() * 1000) % 900000]


def fresh_code():
    """A 6-digit space code unlikely to collide inside one test run."""
    _counter[0] = (_counter[0] + 7919) % 900000
    return "%06d" % (100000 + _counter[0])


def share_into(owner, other, space_id):
    """Owner shares the space; other redeems it with a fresh own code. Returns that code."""
    r = owner.post("/api/space/share", {"space_id": space_id, "operator_user_id": owner.openid})
    assert r.status_code == 200, r.text
    code = fresh_code()
    r = other.post("/api/space/join-by-share", {"share_code": r.json()["share_code"],
                                                "new_code": code, "user_id": other.openid})
    assert r.status_code == 200 and r.json()["success"] is True, r.text
    return code


def space_with_members(user):
    """(owner, member, outsider, space_id): the member joined by share code, the outsider
    owns a space of their own. `user` is the conftest fixture."""
    owner, member, outsider = user("own"), user("mem"), user("out")
    sid = owner.enter(fresh_code())
    share_into(owner, member, sid)
    outsider.enter(fresh_code())
    return owner, member, outsider, sid


def count_rows(db_path, tables, space_id):
    """Rows of space_id in a service's sqlite file (read-only peek for purge tests)."""
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        return sum(con.execute("SELECT COUNT(*) FROM %s WHERE space_id=?" % t, (space_id,)).fetchone()[0]
                   for t in tables)
    finally:
        con.close()


def wait_until(predicate, timeout=15, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
