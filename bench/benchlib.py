"""Shared benchmark helpers: wrk runs with parsed req/s and latency percentiles, the bare
libmicrohttpd baseline (build/bin/hello-mhd), lua scripts for JSON POSTs."""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "blackbox"))
from harness import BIN, free_port  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "8s")
CONNS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
THREADS = os.environ.get("BENCH_THREADS", "2")


def wrk(url, headers=None, script=None, conns=CONNS, duration=DURATION):
    cmd = ["wrk", "-t", THREADS, "-c", str(conns), "-d", duration, "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", "%s: %s" % (k, v)]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=300).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "errors": int(non2xx.group(1)) if non2xx else 0}


def post_script(body_lua_expr, prelude=""):
    """A wrk lua file whose every request POSTs the string the lua expression builds."""
    f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    f.write(prelude + "\nlocal n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(\"POST\", nil, nil, "
            + body_lua_expr + ")\nend\n")
    f.close()
    return f.name


def hello_mhd():
    """Bare libmicrohttpd (same daemon flags and pool as the gateway): the ceiling."""
    exe = os.path.join(BIN, "hello-mhd")
    port = free_port()
    p = subprocess.Popen([exe, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 5
        while time.time() < deadline and subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:%d/" % port]).returncode:
            time.sleep(0.05)
        return wrk("http://127.0.0.1:%d/" % port)
    finally:
        p.terminate()
        p.wait()


def report(title, rows, baseline):
    """rows: [(name, result)]; prints req/s, p50, p99 and the ratio to the baseline."""
    print("== %s (wrk -c%d -d%s, 2 cores shared by client and servers)" % (title, CONNS, DURATION))
    print("%-34s %10s %9s %9s %7s %s" % ("case", "req/s", "p50", "p99", "ratio", "non-2xx"))
    for name, r in rows + [("hello-mhd (bare libmicrohttpd)", baseline)]:
        print("%-34s %10.0f %9s %9s %6.2f%% %d" % (name, r["rps"], r["p50"], r["p99"],
                                                   100.0 * r["rps"] / baseline["rps"], r["errors"]))
