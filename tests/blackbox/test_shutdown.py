"""Processes stop promptly (exit 0) on SIGTERM while traffic is flowing: a gateway whose
chat-event subscription keeps receiving, and a service whose RPC socket keeps receiving.
Both are the moments when nng's close race could hang a process (docs/ENGINEERING.md)."""
import threading
import time

from harness import Stack, fresh_code, wait_until

ROUNDS = 6


class ChatFlood:
    """Sends chat messages through one gateway until stopped; every message makes
    svc-chat publish an event to every gateway."""

    def __init__(self, client, space_id):
        self.client, self.space_id = client, space_id
        self.sent = 0
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            try:
                r = self.client.post("/api/chat/send", {"space_id": self.space_id,
                                                        "user_id": self.client.openid,
                                                        "content": "flood %d" % self.sent},
                                     timeout=5)
                if r.status_code == 200:
                    self.sent += 1
            except Exception:
                time.sleep(0.01)     # the stopped service's calls fail until it is back

    def stop(self):
        self.running = False
        self.thread.join(10)


def timed_stop(stack, name):
    t0 = time.monotonic()
    code = stack.stop_proc(name)    # fails with thread stacks if it takes over 10 s
    return code, time.monotonic() - t0


def test_gateway_and_service_stop_under_flowing_events():
    s = Stack(services=["space", "chat"], gateways=2).start()
    try:
        sender = s.login("flood", gateway=1)
        sid = sender.enter(fresh_code())
        floods = [ChatFlood(sender, sid) for _ in range(4)]
        flood = floods[0]
        try:
            for _ in range(ROUNDS):
                before = flood.sent
                assert wait_until(lambda: flood.sent >= before + 20), "traffic did not flow"
                code, took = timed_stop(s, "gateway")
                assert code == 0 and took < 5, (code, took)
                s.start_proc("gateway", "gateway", {"GATEWAY_PORT": str(s.ports[0])})
                s.wait_ready(s.ports[0])

                before = flood.sent
                assert wait_until(lambda: flood.sent >= before + 20), "traffic did not flow"
                code, took = timed_stop(s, "svc-chat")
                assert code == 0 and took < 5, (code, took)
                s.start_service("chat")
        finally:
            for f in floods:
                f.stop()
        assert flood.sent >= ROUNDS * 40
    finally:
        s.stop()
