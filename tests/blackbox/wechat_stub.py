"""A local stand-in for WeChat's jscode2session endpoint (GET /sns/jscode2session), with
the real reply shapes: {"openid","session_key"} for a good code, {"errcode","errmsg"} else."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class WeChatStub:
    def __init__(self, appid="wx-test-app", secret="wx-test-secret"):
        self.appid, self.secret = appid, secret
        self.codes = {}          # js_code -> openid
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                u = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(u.query).items()}
                stub.requests.append((u.path, q))
                if u.path != "/sns/jscode2session":
                    self.send_response(404)
                    self.end_headers()
                    return
                if q.get("appid") != stub.appid or q.get("secret") != stub.secret:
                    body = {"errcode": 40125, "errmsg": "invalid appsecret"}
                elif q.get("grant_type") != "authorization_code":
                    body = {"errcode": 40002, "errmsg": "invalid grant_type"}
                elif q.get("js_code") in stub.codes:
                    body = {"openid": stub.codes.pop(q["js_code"]), "session_key": "sk=="}
                else:
                    body = {"errcode": 40029, "errmsg": "invalid code"}
                data = json.dumps(body).encode()
                self.send_response(200)    # WeChat answers errors with HTTP 200 too
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
