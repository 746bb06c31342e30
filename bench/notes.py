"""Notes benchmark (issue 4): GET /api/feed/list with 50 posts x 5 comments x 5 likes and
GET /api/notes with 50 notes, at 64 connections, against bare libmicrohttpd."""
import uuid
from concurrent.futures import ThreadPoolExecutor

from benchlib import hello_mhd, report, wrk
from harness import Stack, fresh_code, share_into


def main():
    stack = Stack().start()
    try:
        owner = stack.login("bench" + uuid.uuid4().hex[:8])
        sid = owner.enter(fresh_code())
        fans = [stack.login("fan%d_%s" % (i, uuid.uuid4().hex[:6])) for i in range(5)]
        for f in fans:
            share_into(owner, f, sid)

        def fill(i):
            p = owner.post("/api/feed/create", {"space_id": sid, "user_id": owner.openid,
                                                "content": "post %d" % i, "media_type": "none",
                                                "media_urls": []}).json()
            for f in fans:
                f.post("/api/feed/comment", {"post_id": p["id"], "user_id": f.openid, "content": "c %d" % i})
                f.post("/api/feed/like", {"post_id": p["id"], "user_id": f.openid, "like": True})
            owner.post("/api/notes/create", {"space_id": sid, "user_id": owner.openid,
                                             "title": "note %d" % i, "content": "x" * 500})

        with ThreadPoolExecutor(8) as ex:
            list(ex.map(fill, range(50)))
        q = "?space_id=%d&user_id=%s" % (sid, owner.openid)
        feed = wrk(stack.url("/api/feed/list") + q, owner.headers())
        notes = wrk(stack.url("/api/notes") + q, owner.headers())
    finally:
        stack.stop()
    report("notes", [("GET /api/feed/list (50x5x5)", feed), ("GET /api/notes (50 notes)", notes)],
           hello_mhd())


if __name__ == "__main__":
    main()
