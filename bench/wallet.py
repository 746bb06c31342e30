"""Wallet benchmark (issue 5): POST /api/wallet/recharge at 64 connections on one space
(every request contends for that wallet row) and spread over 64 spaces."""
import json
import os
import uuid

from benchlib import hello_mhd, post_script, report, wrk
from harness import Stack, fresh_code


def main():
    stack = Stack().start()
    try:
        user = stack.login("bench" + uuid.uuid4().hex[:8])
        spaces = [user.enter(fresh_code()) for _ in range(64)]
        h = user.headers()
        h["Content-Type"] = "application/json"
        url = stack.url("/api/wallet/recharge") + "?user_id=" + user.openid
        one = post_script('string.format(\'{"space_id":%d,"amount":"0.01","user_id":"%s"}\', SPACE, USER)',
                          "SPACE = %d\nUSER = %s\n" % (spaces[0], json.dumps(user.openid)))
        contended = wrk(url, h, one)
        many = post_script('string.format(\'{"space_id":%d,"amount":"0.01","user_id":"%s"}\', '
                           'SPACES[(n % #SPACES) + 1], USER)',
                           "SPACES = {%s}\nUSER = %s\n" % (",".join(map(str, spaces)), json.dumps(user.openid)))
        spread = wrk(url, h, many)
        for f in (one, many):
            os.unlink(f)
        tx = user.get("/api/wallet/transactions", space_id=spaces[0], limit=1).json()
    finally:
        stack.stop()
    report("wallet", [("recharge, 1 space (contended)", contended),
                      ("recharge, 64 spaces", spread)], hello_mhd())
    print("contended wallet balance after the run: %s (one fen per successful recharge)" % tx["balance"])


if __name__ == "__main__":
    main()
