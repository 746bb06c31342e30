"""Wallet rules beyond the happy paths: every input the API refuses (through HTTP, for both
directions), the ledger invariant under mixed parallel traffic, the balance cap and pay-code
expiry (their own stack with a high movement limit and a 1 s token lifetime)."""
import json
import os
import sqlite3
import struct
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from harness import Stack, fresh_code, share_into, wait_until

BAD_AMOUNTS = [0, -1, 0.0, -0.5, "0", "0.00", "-1", "+1", "1.234", 1.234, 0.001, "1e2", "1E2",
               "NaN", "nan", "inf", "Infinity", "abc", "", " 1", "1 ", "1.", ".5", "1.5.5", "1,5",
               "0x10", "１", None, True, False, [1], {"a": 1}, 1000001, "1000000.01", 1000000.01,
               0.1 + 0.2, "99999999999999"]


def check_qr_png(data):
    """Chunks with valid CRCs, IHDR 8-bit gray, IDAT inflating to filter byte + pixels per row,
    a white quiet zone and the QR finder pattern (7x7 dark ring) at the top-left."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + n
    w, h, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert w == h and depth == 8 and color == 0 and b"IEND" in chunks
    px = zlib.decompress(chunks[b"IDAT"])
    assert len(px) == h * (w + 1)
    at = lambda x, y: px[y * (w + 1) + 1 + x]
    scale, quiet = 8, 4
    assert w % scale == 0 and (w // scale - 2 * quiet) % 4 == 1     # QR sides are 17 + 4k
    assert all(at(x, y) == 255 for y in range(quiet * scale) for x in range(0, w, 7))
    module = lambda mx, my: at((quiet + mx) * scale + scale // 2, (quiet + my) * scale + scale // 2)
    ring = [(i, 0) for i in range(7)] + [(i, 6) for i in range(7)] + [(0, i) for i in range(7)] + [(6, i) for i in range(7)]
    assert all(module(x, y) == 0 for x, y in ring)
    assert all(module(x, 1) == 255 for x in range(1, 6)) and module(3, 3) == 0


def space(user):
    owner = user("w")
    return owner, owner.enter(fresh_code())


def move(c, kind, sid, amount, **extra):
    body = {"space_id": sid, "amount": amount, "user_id": c.openid}
    body.update(extra)
    return c.post("/api/wallet/" + kind, body)


def raw(c, kind, text):
    return c.request("POST", "/api/wallet/" + kind, data=text.encode(),
                     headers={"Content-Type": "application/json"})


def balance(c, sid):
    r = c.get("/api/wallet/info", space_id=sid)
    assert r.status_code == 200, r.text
    return r.json()["balance"]


@pytest.mark.parametrize("kind", ["recharge", "pay"])
def test_every_bad_amount_is_a_400_and_changes_nothing(user, kind):
    owner, sid = space(user)
    assert move(owner, "recharge", sid, "50.00").status_code == 200
    for bad in BAD_AMOUNTS:
        r = move(owner, kind, sid, bad)
        assert r.status_code == 400, (bad, r.status_code, r.text)
        assert isinstance(r.json()["detail"], str) and r.json()["detail"], (bad, r.text)
    missing = owner.post("/api/wallet/" + kind, {"space_id": sid, "user_id": owner.openid})
    assert missing.status_code == 400
    # numbers JSON cannot carry or jansson refuses: NaN, overflowing integers and reals
    for text in ['{"space_id": %d, "amount": NaN}', '{"space_id": %d, "amount": Infinity}',
                 '{"space_id": %d, "amount": 99999999999999999999999}',
                 '{"space_id": %d, "amount": 1e400}', '{"space_id": %d, "amount": 1e2x}']:
        r = raw(owner, kind, text % sid)
        assert 400 <= r.status_code < 500, (text, r.status_code, r.text)
    assert balance(owner, sid) == "50.00"
    tx = owner.get("/api/wallet/transactions", space_id=sid).json()["transactions"]
    assert len(tx) == 1


def test_accepted_forms_are_exact(user):
    owner, sid = space(user)
    for amount, expect in [(1, "1.00"), ("2", "3.00"), ("0.1", "3.10"), (0.2, "3.30"),
                           ("007.05", "10.35"), (19.99, "30.34"), ("0.01", "30.35")]:
        r = move(owner, "recharge", sid, amount)
        assert r.status_code == 200 and r.json()["balance"] == expect, (amount, r.text)
    r = move(owner, "pay", sid, 30.35)
    assert r.status_code == 200 and r.json()["balance"] == "0.00"
    amounts = [x["amount"] for x in owner.get("/api/wallet/transactions", space_id=sid).json()["transactions"]]
    assert amounts == ["-30.35", "0.01", "19.99", "7.05", "0.20", "0.10", "2.00", "1.00"]


def test_other_bad_arguments(user):
    owner, sid = space(user)
    for extra in [{"transaction_id": {"x": 1}}, {"transaction_id": "k" * 65}, {"request_id": [1]},
                  {"transaction_id": ""}, {"source": "bitcoin"}, {"source": 5}]:
        r = move(owner, "recharge", sid, 1, **extra)
        assert r.status_code == 400 and r.json()["detail"], (extra, r.text)
    for token in [5, "nope", "0" * 32]:
        r = move(owner, "pay", sid, 1, pay_token=token)
        assert r.status_code == 400 and r.json()["detail"], (token, r.text)
    assert owner.get("/api/wallet/transactions", space_id=sid, limit="abc").status_code == 400
    assert owner.get("/api/wallet/transactions", space_id=sid, page="x").status_code == 400
    r = owner.get("/api/wallet/transactions", space_id=sid, page=10 ** 15, limit=1000)
    assert r.status_code == 200 and r.json()["limit"] == 100 and r.json()["transactions"] == []
    assert balance(owner, sid) == "0.00"
    r = move(owner, "recharge", sid, "3", source="wechatpay", transaction_id="wx-4200001")
    assert r.status_code == 200
    first = owner.get("/api/wallet/transactions", space_id=sid).json()["transactions"][0]
    assert first["source"] == "wechatpay" and first["id"] == r.json()["transaction_id"]
    # a key used for a recharge cannot be replayed as a payment
    assert move(owner, "pay", sid, 3, transaction_id="wx-4200001").status_code == 409
    assert balance(owner, sid) == "3.00"


def test_mixed_parallel_traffic_keeps_the_ledger_consistent(stack, user):
    owner, sid = space(user)
    member = user("m")
    share_into(owner, member, sid)
    assert move(owner, "recharge", sid, "5.00").status_code == 200

    def one(i):
        c = (owner, member)[i % 2]
        if i % 3 == 0:
            return "pay", move(c, "pay", sid, "0.07")
        return "recharge", move(c, "recharge", sid, "0.03")

    with ThreadPoolExecutor(32) as ex:
        results = list(ex.map(one, range(300)))
    assert all(r.status_code in (200, 400) for _, r in results)
    paid = sum(1 for k, r in results if k == "pay" and r.status_code == 200)
    charged = sum(1 for k, r in results if k == "recharge" and r.status_code == 200)
    assert charged == 200
    want = 500 + 3 * charged - 7 * paid
    assert balance(owner, sid) == "%d.%02d" % (want // 100, want % 100)
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(stack.data, "wallet.db"), uri=True)
    try:
        (bal,) = con.execute("SELECT balance FROM wallets WHERE space_id=?", (sid,)).fetchone()
        total, n = con.execute("SELECT SUM(amount), COUNT(*) FROM ledger WHERE space_id=?", (sid,)).fetchone()
        afters = [a for (a,) in con.execute("SELECT balance_after FROM ledger WHERE space_id=? ORDER BY id", (sid,))]
        amounts = [a for (a,) in con.execute("SELECT amount FROM ledger WHERE space_id=? ORDER BY id", (sid,))]
    finally:
        con.close()
    assert bal == want == total and n == 1 + charged + paid
    running = 0
    for a, after in zip(amounts, afters):       # each row's balance_after is the running sum
        running += a
        assert after == running and after >= 0


@pytest.fixture(scope="module")
def capped():
    s = Stack(services=["space", "wallet"],
              env={"WALLET_MAX_MOVEMENT_FEN": "1000000000000", "WALLET_PAY_TOKEN_TTL_SECONDS": "1"}).start()
    yield s
    s.stop()


def test_balance_cap_and_token_expiry(capped):
    owner = capped.login("cap" + uuid.uuid4().hex[:8])
    sid = owner.enter(fresh_code())
    r = move(owner, "recharge", sid, "9999999999.99")
    assert r.status_code == 200 and r.json()["balance"] == "9999999999.99"
    r = move(owner, "recharge", sid, "0.02")
    assert r.status_code == 400 and r.json()["detail"]
    r = move(owner, "recharge", sid, "10000000000.01")       # over the movement limit itself
    assert r.status_code == 400
    r = move(owner, "recharge", sid, "0.01")
    assert r.status_code == 200 and r.json()["balance"] == "10000000000.00"
    url = owner.get("/api/wallet/info", space_id=sid).json()["pay_code_url"]
    img = requests.get(capped.url(url))
    assert img.status_code == 200 and img.headers.get("Cache-Control") == "no-store"
    check_qr_png(img.content)
    assert wait_until(lambda: requests.get(capped.url(url)).status_code == 404, timeout=5)
    r = move(owner, "pay", sid, 1, pay_token=url.rsplit("/", 1)[1].split("?")[0])
    assert r.status_code == 400 and r.json()["detail"] == "支付码无效或已过期"
    assert balance(owner, sid) == "10000000000.00"
    body = json.dumps({"space_id": sid, "amount": "1.00", "user_id": owner.openid})
    r = owner.request("POST", "/api/wallet/pay", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json()["balance"] == "9999999999.00"


def test_pay_code_reaches_the_wallet_shard(user):
    """Two wallet shards: the image URL carries space_id, so the gateway routes it to the
    shard that issued the token (a public route has no membership to route by)."""
    s = Stack(services=["space", "wallet"], shards={"wallet": 2}).start()
    try:
        owner = s.login("shard" + uuid.uuid4().hex[:8])
        seen = set()
        for _ in range(12):
            sid = owner.enter(fresh_code())
            url = owner.get("/api/wallet/info", space_id=sid).json()["pay_code_url"]
            img = requests.get(s.url(url))
            assert img.status_code == 200, (sid, url, img.text)
            check_qr_png(img.content)
            token = url.rsplit("/", 1)[1].split("?")[0]
            assert move(owner, "recharge", sid, 2).status_code == 200
            assert move(owner, "pay", sid, 1, pay_token=token).json()["balance"] == "1.00"
            assert requests.get(s.url(url)).status_code == 404
            seen.add(sid % 2)
            if len(seen) == 2:
                break
        assert seen == {0, 1}
    finally:
        s.stop()
