"""The gateway's own contract: login (dev and WeChat), tokens, identity rules, errors,
limits, health/readiness/metrics and a clean stop."""
import base64
import hashlib
import hmac
import json
import time

import requests

from harness import Stack, fresh_code
from wechat_stub import WeChatStub


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(sub, secret="testsecret", exp_delta=3600, alg="HS256"):
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": sub, "iat": int(time.time()), "exp": int(time.time()) + exp_delta}).encode())
    sig = b64(hmac.new(secret.encode(), ("%s.%s" % (header, payload)).encode(), hashlib.sha256).digest())
    return "%s.%s.%s" % (header, payload, sig)


def test_dev_login_shape(stack):
    r = requests.post(stack.url("/api/auth/login"), json={"code": "alice"})
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["openid", "access_token", "token_type", "expires_in"]
    assert body["openid"] == "dev_alice" and body["token_type"] == "Bearer"
    assert body["expires_in"] == 30 * 86400 and body["access_token"].count(".") == 2
    for bad in [{}, {"code": ""}, {"code": 5}, {"code": "a b"}]:
        assert requests.post(stack.url("/api/auth/login"), json=bad).status_code == 400


def test_tokens_and_identity(stack, user):
    alice, bob = user("a"), user("b")
    sid = alice.enter(fresh_code())
    info = "/api/space/info?space_id=%d" % sid
    assert requests.get(stack.url(info)).status_code == 401
    assert requests.get(stack.url(info)).json()["detail"] == "缺少用户身份"
    h = {"Authorization": "Bearer garbage"}
    assert requests.get(stack.url(info), headers=h).json()["detail"] == "无效登录凭证"
    for tok in [mint(alice.openid, exp_delta=-10), mint(alice.openid, secret="other"),
                mint(alice.openid, alg="none")]:
        assert requests.get(stack.url(info), headers={"Authorization": "Bearer " + tok}).status_code == 401
    # a token minted with the right secret is accepted (X-Auth-Token alone works too)
    assert requests.get(stack.url(info), headers={"X-Auth-Token": mint(alice.openid)}).status_code == 200
    # header impersonation, body and query mismatches: 403
    r = bob.request("GET", "/api/space/info", params={"space_id": sid}, headers={"X-User-Id": alice.openid})
    assert r.status_code == 403 and r.json()["detail"] == "用户身份不匹配"
    r = bob.post("/api/space/enter", {"space_code": fresh_code(), "user_id": alice.openid, "create_if_missing": True})
    assert r.status_code == 403
    r = bob.request("GET", "/api/space/info", params={"space_id": sid, "user_id": alice.openid})
    assert r.status_code == 403
    # a bare X-User-Id without a token is nobody
    r = requests.get(stack.url(info), headers={"X-User-Id": alice.openid})
    assert r.status_code == 401
    # tokens in the URL end up in proxy and CDN logs: not accepted for HTTP
    r = requests.get(stack.url(info + "&access_token=" + mint(alice.openid)))
    assert r.status_code == 401


def test_camel_case_arguments(stack, user):
    alice = user("a")
    r = alice.post("/api/space/enter", {"spaceCode": fresh_code(), "userId": alice.openid, "createIfMissing": True})
    assert r.status_code == 200 and r.json()["success"] is True
    sid = r.json()["space_id"]
    assert alice.request("GET", "/api/space/info", params={"spaceId": sid}).status_code == 200


def test_errors(stack, user):
    alice = user("a")
    assert requests.get(stack.url("/nope")).json() == {"detail": "Not Found"}
    r = requests.delete(stack.url("/api/space/enter"))
    assert r.status_code == 405 and r.json() == {"detail": "Method Not Allowed"}
    h = alice.headers()
    h["Content-Type"] = "application/json"
    r = requests.post(stack.url("/api/space/enter"), data=b'{"space_code": ', headers=h)
    assert r.status_code == 400 and r.json()["detail"]
    r = requests.post(stack.url("/api/space/enter"), data=b'[1,2]', headers=h)
    assert r.status_code == 400
    r = requests.post(stack.url("/api/space/enter"), data=b'{"a":' + b'"x"' + b'}' + b' ' * (1 << 20), headers=h)
    assert r.status_code == 413
    assert alice.get("/api/space/info").status_code == 400
    assert alice.get("/api/space/info", space_id="abc").status_code == 400
    assert requests.get(stack.url("/")).json() == {"message": "欢迎使用虫洞私密共享空间"}
    r = requests.get(stack.url("/api/settings/system"))
    assert r.status_code == 200 and r.json()["review_mode"] is False


def test_health_ready_metrics(stack, user):
    r = requests.get(stack.url("/healthz"))
    assert r.json()["ok"] is True and r.json()["ts"] > 0
    r = requests.get(stack.url("/readyz"))
    assert r.status_code == 200 and r.json() == {"ready": True}
    user("m").enter(fresh_code())
    text = requests.get(stack.url("/metrics")).text
    assert 'wormhole_http_requests_total{route="POST /api/space/enter",status="200"}' in text
    assert "wormhole_http_request_duration_seconds_bucket" in text
    assert 'wormhole_rpc_errors_total{service="space"}' in text
    assert requests.get(stack.url("/healthz")).headers.get("X-Request-Id")


def test_readyz_reports_a_missing_backend():
    s = Stack(services=["space"], env={"GATEWAY_BACKENDS": "space,wallet"})
    s.services = ["space"]
    for svc in s.services:
        s.start_service(svc)
    from harness import free_port
    port = free_port()
    s.ports.append(port)
    s.start_proc("gateway", "gateway", {"GATEWAY_PORT": str(port)})
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                r = requests.get(s.url("/readyz"), timeout=3)
                break
            except requests.RequestException:
                time.sleep(0.1)
        assert r.status_code == 503 and "wallet/0" in r.json()["down"]
    finally:
        s.stop()


def test_login_rate_limit():
    s = Stack(services=["space"], env={"RATE_LOGIN_PER_MIN": "10"}).start()
    try:
        codes = [requests.post(s.url("/api/auth/login"), json={"code": "r%d" % i}).status_code for i in range(11)]
        assert codes[:10] == [200] * 10 and codes[10] == 429
        r = requests.post(s.url("/api/auth/login"), json={"code": "x"})
        assert r.json()["detail"] == "请求过于频繁，请稍后再试"
    finally:
        s.stop()



def test_join_by_share_rate_limit_stops_guessing():
    """Pass phrases cannot be guessed at speed: past the limit every attempt gets 429,
    even one with a valid phrase, per user and per client address."""
    s = Stack(services=["space"], env={"RATE_JOIN_PER_MIN": "5"}).start()
    try:
        owner, guesser, other = s.login("rl-owner"), s.login("rl-guess"), s.login("rl-other")
        sid = owner.enter(fresh_code())
        r = owner.post("/api/space/share", {"space_id": sid, "operator_user_id": owner.openid})
        phrase = r.json()["share_code"]

        def join(c, code):
            return c.post("/api/space/join-by-share",
                          {"share_code": code, "new_code": fresh_code(), "user_id": c.openid})
        codes = [join(guesser, "WRONG%03d" % i).status_code for i in range(5)]
        assert 429 not in codes and all(c >= 400 for c in codes), codes
        r = join(guesser, phrase)
        assert r.status_code == 429 and r.json()["detail"] == "请求过于频繁，请稍后再试"
        assert join(other, phrase).status_code == 429       # same address, same budget
        r = owner.get("/api/space/members", space_id=sid)
        assert [m["user_id"] for m in r.json()["members"]] == [owner.openid]
    finally:
        s.stop()

def test_wechat_login_through_a_local_stand_in():
    with WeChatStub() as wx:
        wx.codes["good-code"] = "oWx_real_openid"
        s = Stack(services=["space"], env={"WECHAT_APP_ID": wx.appid, "WECHAT_APP_SECRET": wx.secret,
                                           "WECHAT_API_BASE": wx.base, "WORMHOLE_DEV_LOGIN": "0"}).start()
        try:
            r = requests.post(s.url("/api/auth/login"), json={"code": "good-code"})
            assert r.status_code == 200 and r.json()["openid"] == "oWx_real_openid"
            assert wx.requests[-1][1]["js_code"] == "good-code"
            r = requests.post(s.url("/api/auth/login"), json={"code": "good-code"})   # single use
            assert r.status_code == 401 and r.json()["detail"] == "微信登录失败: 40029"
        finally:
            s.stop()


def test_no_dev_login_without_wechat():
    s = Stack(services=["space"], env={"WORMHOLE_DEV_LOGIN": "0"}).start()
    try:
        r = requests.post(s.url("/api/auth/login"), json={"code": "alice"})
        assert r.status_code == 500 and r.json()["detail"] == "服务端未配置微信登录"
    finally:
        s.stop()


def test_sigterm_is_clean():
    s = Stack(services=["space"]).start()
    try:
        c = s.login("x")
        c.enter(fresh_code())
    finally:
        codes = {name: s.stop_proc(name) for name in list(s.procs)}
    assert set(codes.values()) == {0}, codes
    s.stop()   # nothing left running: removes the stack's directory
