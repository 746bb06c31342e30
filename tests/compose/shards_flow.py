#!/usr/bin/python3
"""Compose with two shards of chat and notes (compose.yaml + deploy/compose.shards.yaml):
spaces land on both shard containers (space_id mod 2), each shard's own volume holds its
spaces' rows and none of the other's, object ids carry the shard, and deleting the spaces
purges both shards. Run by tests/compose/shards.sh.

Usage: shards_flow.py BASE_URL COMPOSE_PROJECT   (SMOKE_COMPOSE_FILES names the files)"""
import os
import sys
import tempfile
import time

import smoke_flow as sf
from smoke_flow import Fail, check

SHARD_CONTAINERS = {"chat": ["svc-chat", "svc-chat-1"], "notes": ["svc-notes", "svc-notes-1"]}


def main():
    tmp = tempfile.mkdtemp(prefix="wormhole-shards-")
    try:
        a = sf.User("shards%d" % int(time.time()))
        spaces = []
        base = int(time.time() * 1000) % 800000
        while len({s % 2 for s in spaces}) < 2 or len(spaces) < 4:
            code = "%06d" % (100000 + base + len(spaces) * 7)
            r = a.post("/api/space/enter", {"space_code": code, "user_id": a.openid,
                                            "create_if_missing": True})
            check(r.status_code == 200, "enter %s" % code, r.text[:200])
            spaces.append(int(r.json()["space_id"]))
            if len(spaces) > 20:
                raise Fail("space ids never covered both shards: %r" % spaces)
        for sid in spaces:
            r = a.post("/api/chat/send", {"space_id": sid, "user_id": a.openid, "content": "x",
                                          "message_type": "text", "client_id": "s%d" % sid})
            check(r.status_code == 200, "chat send in space %d" % sid, r.text[:200])
            r = a.post("/api/notes/create", {"space_id": sid, "user_id": a.openid,
                                             "title": "T", "content": "C"})
            check(r.status_code == 200 and r.json()["id"] % 64 == sid % 2,
                  "note in space %d carries shard %d" % (sid, sid % 2), r.text[:200])
            r = a.get("/api/notes/%d" % r.json()["id"])
            check(r.status_code == 200, "note get by id (space %d)" % sid, r.text[:200])

        def rows(container, when):
            d = sf.container_data(container, os.path.join(tmp, "%s-%s" % (when, time.time())))
            return {sid: sum(sf.rows_of_space(d, sid).values()) for sid in spaces}

        for svc, containers in SHARD_CONTAINERS.items():
            for k, c in enumerate(containers):
                got = rows(c, "before")
                for sid in spaces:
                    if sid % 2 == k:
                        check(got[sid] > 0, "%s holds space %d" % (c, sid), str(got))
                    else:
                        check(got[sid] == 0, "%s holds nothing of space %d" % (c, sid), str(got))
        for sid in spaces:
            r = a.post("/api/space/delete", {"space_id": sid, "operator_user_id": a.openid})
            check(r.status_code == 200, "delete space %d" % sid, r.text[:200])
        for svc, containers in SHARD_CONTAINERS.items():
            for c in containers:
                deadline = time.time() + 10
                while any(rows(c, "after").values()):
                    if time.time() > deadline:
                        raise Fail("%s did not purge the deleted spaces" % c)
                    time.sleep(0.5)
                check(True, "%s purged" % c)
        print("SHARDS PASSED")
        return 0
    except Fail as e:
        print("FAIL %s" % e, flush=True)
        return 1
    except Exception as e:
        print("FAIL unexpected %s: %s" % (type(e).__name__, e), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
