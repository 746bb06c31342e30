"""Wallet (pages/wallet, recharge): integer-fen money that is never lost, minted or
overdrawn, idempotent retries, single-use pay codes, purge after deletion."""
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from harness import count_rows, fresh_code, share_into, wait_until


def space(user):
    owner = user("w")
    return owner, owner.enter(fresh_code())


def recharge(c, sid, amount, **extra):
    body = {"space_id": sid, "amount": amount, "user_id": c.openid}
    body.update(extra)
    return c.post("/api/wallet/recharge", body)


def pay(c, sid, amount, **extra):
    body = {"space_id": sid, "amount": amount, "user_id": c.openid}
    body.update(extra)
    return c.post("/api/wallet/pay", body)


def test_fresh_wallet_and_shapes(user):
    owner, sid = space(user)
    t = owner.get("/api/wallet/transactions", space_id=sid)
    assert t.status_code == 200 and t.json()["balance"] == "0.00" and t.json()["transactions"] == []
    info = owner.get("/api/wallet/info", space_id=sid).json()
    assert info["balance"] == "0.00" and info["pay_code_url"].startswith("/api/wallet/pay-code/")
    r = recharge(owner, sid, 10.5)
    assert r.status_code == 200 and r.json()["success"] is True and r.json()["balance"] == "10.50"
    assert recharge(owner, sid, "0.05").json()["balance"] == "10.55"
    assert recharge(owner, sid, 2).json()["balance"] == "12.55"
    tx = owner.get("/api/wallet/transactions", space_id=sid).json()
    assert tx["balance"] == "12.55"
    assert [x["amount"] for x in tx["transactions"]] == ["2.00", "0.05", "10.50"]
    first = tx["transactions"][0]
    assert first["type"] == "recharge" and first["user_id"] == owner.openid and first["source"] == "manual"
    assert "T" in first["created_at"] and first["alias"] is None


def test_amount_validation(user):
    owner, sid = space(user)
    for bad in [0, -1, "0", "-1", "1.234", 1.234, "1e2", "abc", "", None, True, [1], {"a": 1},
                "1.", " 1", 1000001, "1000000.01", 0.1 + 0.2]:
        r = recharge(owner, sid, bad)
        assert r.status_code == 400 and isinstance(r.json()["detail"], str), (bad, r.text)
    assert recharge(owner, sid, 1000000).json()["balance"] == "1000000.00"
    r = recharge(owner, sid, 1, source="bitcoin")
    assert r.status_code == 400
    assert owner.get("/api/wallet/transactions", space_id=sid).json()["balance"] == "1000000.00"


def test_two_hundred_parallel_recharges_all_count(user):
    owner, sid = space(user)
    member = user("m")
    share_into(owner, member, sid)
    clients = [owner, member]
    with ThreadPoolExecutor(32) as ex:
        codes = list(ex.map(lambda i: recharge(clients[i % 2], sid, "0.01").status_code, range(200)))
    assert codes == [200] * 200
    tx = owner.get("/api/wallet/transactions", space_id=sid, limit=100, page=1).json()
    assert tx["balance"] == "2.00" and tx["has_more"] is True
    tx2 = owner.get("/api/wallet/transactions", space_id=sid, limit=100, page=2).json()
    assert len(tx["transactions"]) + len(tx2["transactions"]) == 200 and tx2["has_more"] is False


def test_parallel_payments_never_overdraw(user):
    owner, sid = space(user)
    recharge(owner, sid, 10)
    with ThreadPoolExecutor(25) as ex:
        results = list(ex.map(lambda i: pay(owner, sid, "1.00"), range(50)))
    ok = [r for r in results if r.status_code == 200]
    refused = [r for r in results if r.status_code == 400]
    assert len(ok) == 10 and len(refused) == 40
    assert refused[0].json()["detail"] == "余额不足" and refused[0].json()["current_balance"] == "0.00"
    assert refused[0].json()["required_amount"] == "1.00"
    assert owner.get("/api/wallet/info", space_id=sid).json()["balance"] == "0.00"
    tx = owner.get("/api/wallet/transactions", space_id=sid).json()["transactions"]
    assert sum(1 for x in tx if x["type"] == "payment" and x["amount"] == "-1.00") == 10


def test_idempotent_retry(user):
    owner, sid = space(user)
    key = uuid.uuid4().hex
    first = recharge(owner, sid, 5, transaction_id=key).json()
    again = recharge(owner, sid, 5, transaction_id=key).json()
    assert first == again and first["balance"] == "5.00"
    with ThreadPoolExecutor(8) as ex:
        same = list(ex.map(lambda i: recharge(owner, sid, 5, request_id="r-" + key).json(), range(8)))
    assert all(s == same[0] for s in same) and same[0]["balance"] == "10.00"
    assert recharge(owner, sid, 6, transaction_id=key).status_code == 409
    assert owner.get("/api/wallet/info", space_id=sid).json()["balance"] == "10.00"
    p1 = pay(owner, sid, 3, transaction_id="p-" + key).json()
    assert pay(owner, sid, 3, transaction_id="p-" + key).json() == p1
    assert owner.get("/api/wallet/info", space_id=sid).json()["balance"] == "7.00"


def test_pay_code_is_a_real_single_use_png(stack, user):
    owner, sid = space(user)
    recharge(owner, sid, 20)
    url = owner.get("/api/wallet/info", space_id=sid).json()["pay_code_url"]
    img = requests.get(stack.url(url))        # WeChat's <image> sends no auth headers
    assert img.status_code == 200 and img.headers["Content-Type"] == "image/png"
    assert img.content[:8] == b"\x89PNG\r\n\x1a\n" and len(img.content) > 200
    token = url.rsplit("/", 1)[1].split("?")[0]
    assert requests.get(stack.url("/api/wallet/pay-code/%s?space_id=%d" % (token, sid + 1))).status_code == 404
    other_owner, other_sid = space(user)
    recharge(other_owner, other_sid, 20)
    assert pay(other_owner, other_sid, 1, pay_token=token).status_code == 400   # not that space's
    r = pay(owner, sid, "3.50", pay_token=token)
    assert r.status_code == 200 and r.json()["balance"] == "16.50"
    assert pay(owner, sid, 1, pay_token=token).status_code == 400                # used
    assert requests.get(stack.url(url)).status_code == 404
    assert requests.get(stack.url("/api/wallet/pay-code/" + "0" * 32)).status_code == 404
    assert requests.get(stack.url("/api/wallet/pay-code/../../etc")).status_code == 404
    tx = owner.get("/api/wallet/transactions", space_id=sid).json()["transactions"]
    assert tx[0]["source"] == "paycode" and tx[0]["amount"] == "-3.50"


def test_non_member_gets_404(user):
    owner, sid = space(user)
    outsider = user("o")
    outsider.enter(fresh_code())
    for r in [outsider.get("/api/wallet/info", space_id=sid), recharge(outsider, sid, 1),
              outsider.get("/api/wallet/transactions", space_id=sid)]:
        assert r.status_code == 404 and r.json() == {"detail": "空间不存在"}


def test_deletion_purges_after_downtime(stack, user):
    owner, sid = space(user)
    recharge(owner, sid, 9)
    owner.get("/api/wallet/info", space_id=sid)
    db = os.path.join(stack.data, "wallet.db")
    tables = ("wallets", "ledger", "pay_tokens")
    assert count_rows(db, tables, sid) == 3
    stack.stop_service("wallet")
    assert owner.post("/api/space/delete", {"space_id": sid, "operator_user_id": owner.openid}).status_code == 200
    stack.start_service("wallet")
    assert wait_until(lambda: count_rows(db, tables, sid) == 0)
    stack.wait_ready()
