"""Foundation benchmark (issue 2): POST /api/space/enter and GET /api/space/info through
the gateway and svc-space at 64 connections, against bare libmicrohttpd."""
import json
import os
import uuid

from benchlib import hello_mhd, post_script, report, wrk
from harness import Stack, fresh_code


def main():
    stack = Stack().start()
    try:
        user = stack.login("bench" + uuid.uuid4().hex[:8])
        code = fresh_code()
        sid = user.enter(code)
        h = user.headers()
        h["Content-Type"] = "application/json"
        body = json.dumps({"space_code": code, "user_id": user.openid, "create_if_missing": True})
        lua = post_script(json.dumps(body))
        enter = wrk(stack.url("/api/space/enter") + "?user_id=" + user.openid, h, lua)
        os.unlink(lua)
        info = wrk(stack.url("/api/space/info") + "?space_id=%d&user_id=%s" % (sid, user.openid), user.headers())
        health = wrk(stack.url("/healthz"))
    finally:
        stack.stop()
    report("foundation", [("POST /api/space/enter", enter), ("GET /api/space/info", info),
                          ("GET /healthz (gateway only)", health)], hello_mhd())


if __name__ == "__main__":
    main()
