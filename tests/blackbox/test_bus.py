"""The space bus end to end: svc-space writes events to its outbox and publishes them; the
test subscriber (tests/tools/bus_probe, built on common bus_sub) prints each applied event.
A probe that was down while spaces were deleted prints the missed events on restart, once
each, in order."""
import json
import os
import queue
import signal
import subprocess
import threading
import time

from harness import BIN, built, fresh_code, share_into


class Probe:
    def __init__(self, stack, state_db):
        self.lines = queue.Queue()
        self.proc = subprocess.Popen([os.path.join(BIN, "bus_probe"), state_db], env=stack.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.seen = []

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def wait_for(self, pred, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                ev = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(ev)
            if pred(ev):
                return ev
        raise AssertionError("event not seen; got %r" % self.seen)

    def drain(self, quiet=1.0):
        """Collect whatever else arrives until nothing came for `quiet` seconds."""
        while True:
            try:
                self.seen.append(self.lines.get(timeout=quiet))
            except queue.Empty:
                return self.seen

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(10) == 0
        self.reader.join(5)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen


def test_probe_catches_up_after_downtime(stack, user):
    assert built("bus_probe"), "make builds tests/tools/bus_probe"
    state = os.path.join(stack.dir, "probe-%d.db" % time.time_ns())
    a, b = user(), user()
    first = a.enter(fresh_code())

    probe = Probe(stack, state)
    try:
        r = a.post("/api/space/delete", {"space_id": first, "operator_user_id": a.openid})
        assert r.status_code == 200
        probe.wait_for(lambda e: e["type"] == "space.deleted" and e["space_id"] == first)
    finally:
        before = probe.stop()
    assert [e["seq"] for e in before] == sorted({e["seq"] for e in before})

    # while the probe is down: a member is removed, then the space is deleted
    second = a.enter(fresh_code())
    share_into(a, b, second)
    r = a.post("/api/space/remove-member", {"space_id": second, "member_user_id": b.openid,
                                            "operator_user_id": a.openid})
    assert r.status_code == 200
    r = a.post("/api/space/delete", {"space_id": second, "operator_user_id": a.openid})
    assert r.status_code == 200

    probe = Probe(stack, state)
    try:
        probe.wait_for(lambda e: e["type"] == "space.deleted" and e["space_id"] == second)
        after = probe.drain()
    finally:
        after = probe.stop()
    mine = [(e["type"], e["space_id"], e["user_id"]) for e in after if e["space_id"] == second]
    assert mine == [("member.removed", second, b.openid), ("space.deleted", second, None)]
    # nothing printed twice, nothing out of order, nothing from before the restart again
    seqs = [e["seq"] for e in after]
    assert seqs == sorted(set(seqs))
    assert min(seqs) > max(e["seq"] for e in before)
    assert all(set(e) == {"seq", "type", "space_id", "user_id", "ts"} for e in after)
