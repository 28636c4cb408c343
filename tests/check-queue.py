#!/usr/bin/env python3
"""The queue board's server against a real broker: kiosks' request events in, every API
endpoint and every bad request, live updates, SIGKILL and restart with the same queue, and a
broker restart that loses no issued token. Prints PASS/FAIL lines.

Usage: tests/check-queue.py BUILD_DIR
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, BUILD, "queue-server")
PREFIX, CENTRE = "sheba", "UDC-0001"
failures = 0


def check(name, ok, why=""):
    global failures
    if ok:
        print(f"PASS queue/{name}", flush=True)
    else:
        failures += 1
        print(f"FAIL queue/{name}: {why}", flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout=10.0, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


class Broker:
    def __init__(self, tmp):
        self.port = free_port()
        self.dir = os.path.join(tmp, "broker")
        os.makedirs(self.dir, exist_ok=True)
        # Run as root, mosquitto drops to its own user: it must be able to save its state.
        os.chmod(tmp, 0o711)
        os.chmod(self.dir, 0o777)
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    f"persistence true\npersistence_location {self.dir}/\n"
                    "max_queued_messages 0\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self._up(), 5)

    def _up(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.2).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc:
            self.proc.terminate()  # SIGTERM: mosquitto saves its persistence file
            self.proc.wait(10)
            self.proc = None


class Subscriber:
    """mosquitto_sub on the board's topics; each line stamped when it arrives."""

    def __init__(self, port):
        self.lines = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            ["mosquitto_sub", "-V", "5", "-p", str(port), "-h", "127.0.0.1", "-q", "1",
             "-t", f"{PREFIX}/{CENTRE}/board/#", "-v"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append((time.monotonic(), line.rstrip("\n")))

    def since(self, t, topic):
        with self.lock:
            return [(ts, l.split(" ", 1)[1]) for ts, l in self.lines
                    if ts >= t and l.startswith(topic + " ")]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)


class Server:
    def __init__(self, data, broker_port):
        self.data, self.broker_port = data, broker_port
        self.proc, self.port, self.out, self.err = None, None, [], ""
        self.errfile = os.path.join(data + "-stderr.txt")

    def start(self):
        self.errf = open(self.errfile, "a")
        self.proc = subprocess.Popen(
            [SERVER, "--data", self.data, "--http", "127.0.0.1:0", "--web",
             os.path.join(ROOT, "assets/web"), "--fonts", os.path.join(ROOT, "fonts"),
             "--broker", f"127.0.0.1:{self.broker_port}", "--prefix", PREFIX, "--centre",
             CENTRE, "--terminal", "BOARD", "--counter", "1:Desk 1:", "--counter",
             "2:Desk 2:A,B", "--counter", "3:Desk 3:C", "--counter", "4:Desk 4:",
             "--heartbeat-ms", "500"],
            stdout=subprocess.PIPE, stderr=self.errf, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        m = re.match(r"http port (\d+)", line)
        if not m:
            raise RuntimeError(f"queue-server did not start: {line!r}")
        self.port = int(m.group(1))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.out.append(line.strip())

    def kill(self):
        self.proc.kill()
        self.proc.wait(5)
        self.errf.close()

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(10)
        self.errf.close()
        return rc

    def stderr(self):
        with open(self.errfile) as f:
            return f.read()


def call(port, method, path, body=None, session=None, ctype="application/json", raw=None,
         headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = dict(headers or {})
    if session:
        h["Authorization"] = f"Bearer {session}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None and ctype:
        h["Content-Type"] = ctype
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read()
    c.close()
    try:
        j = json.loads(text)
    except ValueError:
        j = None
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), j, text


def publish(port, terminal, payload):
    subprocess.run(["mosquitto_pub", "-V", "5", "-p", str(port), "-h", "127.0.0.1", "-q", "1",
                    "-t", f"{PREFIX}/{CENTRE}/{terminal}/event", "-m", payload], check=True,
                   timeout=10)


seq = [0]


def request_event(token, category, priority=None, tracking=None, terminal="T01"):
    seq[0] += 1
    tracking = tracking or f"{CENTRE}-{terminal}-20261129-{seq[0]:04d}"
    now = time.strftime("%Y-%m-%dT%H:%M:%S+06:00", time.gmtime(time.time() + 6 * 3600))
    return json.dumps({"v": 1, "event": f"{tracking}/{seq[0]}", "kind": "request",
                       "tracking": tracking, "centre": CENTRE, "terminal": terminal,
                       "at": now, "token": token, "service": "nid_correction",
                       "category": category, "lang": "bn", "priority": priority})


def is_error(j, where=None):
    return isinstance(j, dict) and isinstance(j.get("error"), str) and j["error"] and \
        isinstance(j.get("where"), str) and (where is None or j["where"] == where)


def login(port, counter, pin):
    st, _, j, _ = call(port, "POST", "/api/login", {"counter": counter, "pin": pin})
    return j["session"] if st == 200 and j else None


def queue_of(port, session):
    st, _, j, _ = call(port, "GET", "/api/queue", session=session)
    return j if st == 200 else None


def waiting_tokens(q):
    return sorted(w["token"] for w in q["waiting"]) if q else None


def bad_requests(port, s2):
    """Every kind of bad request: a 4xx with a JSON error, and nothing applied."""
    before = queue_of(port, s2)
    cases = [
        ("bad-json", ("POST", "/api/next"), dict(raw=b"{not json"), 400, "body"),
        ("json-array", ("POST", "/api/done"), dict(raw=b"[1,2]"), 400, "body"),
        ("trailing-garbage", ("POST", "/api/done"), dict(raw=b'{"token":"A-1"} x'), 400, "body"),
        ("content-type", ("POST", "/api/done"),
         dict(raw=b'{"token":"A-1001"}', ctype="text/plain"), 415, "content-type"),
        ("no-content-type", ("POST", "/api/done"), dict(raw=b'{"token":"A-1001"}', ctype=None),
         415, "content-type"),
        ("oversized", ("POST", "/api/done"),
         dict(raw=b'{"token":"' + b"A" * 17000 + b'"}'), 413, "body"),
        ("token-not-string", ("POST", "/api/done"), dict(body={"token": 12}), 400, "body"),
        ("token-missing", ("POST", "/api/recall"), dict(body={}), 400, "token"),
        ("token-malformed", ("POST", "/api/done"), dict(body={"token": "../x"}), 400, "token"),
        ("token-unknown", ("POST", "/api/done"), dict(body={"token": "Z-999"}), 404, "token"),
        ("category-bad", ("POST", "/api/next"), dict(body={"category": "b"}), 400, "category"),
        ("transfer-both", ("POST", "/api/transfer"),
         dict(body={"token": "A-1001", "counter": 3, "category": "C"}), 400, None),
        ("transfer-neither", ("POST", "/api/transfer"), dict(body={"token": "A-1001"}), 400,
         None),
        ("transfer-counter-type", ("POST", "/api/transfer"),
         dict(body={"token": "A-1001", "counter": "3"}), 400, "counter"),
        ("transfer-counter-fraction", ("POST", "/api/transfer"),
         dict(body={"token": "A-1001", "counter": 2.5}), 400, "counter"),
        ("transfer-counter-huge", ("POST", "/api/transfer"),
         dict(raw=b'{"token": "A-1001", "counter": 1e300}'), 400, "counter"),
        ("transfer-counter-negative", ("POST", "/api/transfer"),
         dict(body={"token": "A-1001", "counter": -3}), 400, "counter"),
        ("login-counter-nan", ("POST", "/api/login"),
         dict(raw=b'{"counter": -1e999, "pin": "123456"}'), 400, "counter"),
        ("deeply-nested", ("POST", "/api/next"), dict(raw=b"[" * 2000 + b"]" * 2000), 400,
         "body"),
        ("not-utf8", ("POST", "/api/done"), dict(raw=b'{"token": "A-\xff\xfe"}'), 400,
         "token"),
        ("pause-type", ("POST", "/api/pause"), dict(body={"paused": "yes"}), 400, "paused"),
        ("request-id-type", ("POST", "/api/next"), dict(body={"request": 5}), 400, "request"),
        ("request-id-long", ("POST", "/api/next"), dict(body={"request": "r" * 65}), 400,
         "request"),
        ("unknown-path", ("GET", "/api/nothing"), dict(), 404, "path"),
        ("wrong-method-get", ("GET", "/api/next"), dict(), 405, "method"),
        ("wrong-method-post", ("POST", "/api/queue"), dict(), 405, "method"),
        ("wrong-method-put", ("PUT", "/api/login"), dict(raw=b"{}"), 405, "method"),
        ("post-static", ("POST", "/index.html"), dict(), 405, "method"),
    ]
    for name, (method, path), kw, want, where in cases:
        st, h, j, _ = call(port, method, path, session=s2, **kw)
        ok = st == want and is_error(j, where) and h.get("content-type", "").startswith(
            "application/json")
        check(f"bad/{name}", ok, f"{method} {path}: {st} {j}, expected {want} where={where}")
        if want == 405:
            check(f"bad/{name}-allow", "allow" in h, f"no Allow header: {h}")
    # Without a session, with a malformed one, with an unknown one.
    for name, sess in (("no-session", None), ("malformed-session", "xyz"),
                       ("unknown-session", "0" * 32)):
        st, _, j, _ = call(port, "POST", "/api/next", {}, session=sess)
        check(f"bad/{name}", st == 401 and is_error(j, "session"), f"{st} {j}")
    st, _, j, _ = call(port, "GET", "/api/queue")
    check("bad/queue-without-session", st == 401 and is_error(j, "session"), f"{st} {j}")
    st, _, j, _ = call(port, "GET", "/api/events")
    check("bad/events-without-session", st == 401 and is_error(j, "session"), f"{st} {j}")
    # A chunked body over the limit (no Content-Length to refuse early).
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.putrequest("POST", "/api/done")
    c.putheader("Authorization", f"Bearer {s2}")
    c.putheader("Content-Type", "application/json")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    for _ in range(5):
        chunk = b" " * 4000
        c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    c.send(b"0\r\n\r\n")
    r = c.getresponse()
    j = json.loads(r.read() or b"null")
    c.close()
    check("bad/oversized-chunked", r.status == 413 and is_error(j, "body"), f"{r.status} {j}")
    after = queue_of(port, s2)
    check("bad/nothing-applied",
          before and after and before["waiting"] == after["waiting"] and
          before["serving"] == after["serving"], "the queue changed")


def static_files(port):
    for path, ctype in (("/", "text/html"), ("/index.html", "text/html"),
                        ("/app.js", "text/javascript"), ("/app.css", "text/css"),
                        ("/fonts/NotoSansBengali-Regular.ttf", "font/ttf")):
        st, h, _, body = call(port, "GET", path)
        check(f"static/{path}", st == 200 and h.get("content-type", "").startswith(ctype) and
              "cache-control" in h and len(body) > 100, f"{st} {h.get('content-type')}")
    st, h, _, _ = call(port, "GET", "/app.js")
    st2, _, _, body = call(port, "GET", "/app.js", headers={"If-None-Match": h.get("etag", "")})
    check("static/etag-304", st2 == 304 and not body, f"{st2}")
    check("static/font-cached", "max-age" in call(port, "GET",
          "/fonts/NotoSans-Regular.ttf")[1].get("cache-control", ""), "no max-age on fonts")
    check("static/html-csp", "content-security-policy" in call(port, "GET", "/")[1],
          "no CSP on the page")
    # Path traversal, hidden files, the data folder, unknown types: all refused.
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/fonts/../../README.md",
                 "/.git/config", "/fonts/OFL.txt", "/nothing.html", "//etc/passwd",
                 "/app.js%00.html", "/fonts/..%2fsrc%2fqueue%2fhttp.c"):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.putrequest("GET", path, skip_accept_encoding=True)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        c.close()
        check(f"static/refused{path}", r.status == 404 and b"root:" not in body and
              b"#include" not in body, f"{r.status} {body[:80]!r}")


def sse(port, session, trigger):
    """The event stream: a queue event at once, a new one after a change, heartbeats."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", f"/api/events?session={session}")
    r = c.getresponse()
    check("sse/content-type", r.status == 200 and r.getheader("Content-Type", "").startswith(
        "text/event-stream"), f"{r.status} {r.getheader('Content-Type')}")
    events, buf, beats = [], b"", 0
    t_end, triggered = time.monotonic() + 6, False
    while time.monotonic() < t_end and (len(events) < 2 or beats < 1):
        try:
            chunk = r.read1(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
        while b"\n\n" in buf:
            block, buf = buf.split(b"\n\n", 1)
            if block.startswith(b": heartbeat") or b"\n: heartbeat" in block:
                beats += 1
            m = re.search(rb"^event: queue\ndata: (.*)$", block, re.M)
            if m:
                events.append(json.loads(m.group(1)))
        if events and not triggered:
            triggered = True
            trigger()
    c.close()
    check("sse/first-event", len(events) >= 1 and "waiting" in events[0], f"{events[:1]}")
    check("sse/change-pushed", len(events) >= 2 and events[1]["version"] > events[0]["version"],
          f"{len(events)} events")
    check("sse/heartbeat", beats >= 1, "no heartbeat within 6 s (heartbeat 500 ms)")


def main():
    if not os.access(SERVER, os.X_OK):
        check("server-built", False, f"{SERVER} is missing")
        return
    for tool in ("mosquitto", "mosquitto_pub", "mosquitto_sub"):
        if not shutil.which(tool):
            check("tools", False, f"{tool} is not installed (apt-get install mosquitto "
                  "mosquitto-clients)")
            return
    tmp = tempfile.mkdtemp(prefix="check-queue-")
    data = os.path.join(tmp, "board")
    broker = Broker(tmp)
    broker.start()
    sub = Subscriber(broker.port)
    server = None
    try:
        for n, pin in ((2, "123456"), (3, "654321"), (4, "112233")):
            p = subprocess.run([SERVER, "--set-counter-pin", str(n), "--data", data],
                               input=pin + "\n", text=True, capture_output=True, timeout=20)
            if p.returncode != 0:
                check("set-pin", False, p.stderr)
        p = subprocess.run([SERVER, "--set-counter-pin", "5", "--data", data], input="1234\n",
                           text=True, capture_output=True, timeout=20)
        check("set-pin/short-refused", p.returncode != 0 and "6" in p.stderr, p.stderr)
        server = Server(data, broker.port)
        server.start()
        port = server.port
        run(server, broker, sub, port, data)
    finally:
        if server and server.proc.poll() is None:
            server.kill()
        sub.stop()
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run(server, broker, sub, port, data):
    # Kiosks publish requests; one twice (a resend after a lost PUBACK), and noise.
    t0 = time.monotonic()
    publish(broker.port, "T01", request_event("A-1001", "A", tracking="TR-A1"))
    publish(broker.port, "T01", request_event("A-1001", "A", tracking="TR-A1"))
    publish(broker.port, "T02", request_event("A-2001", "A", priority="elderly"))
    publish(broker.port, "T01", request_event("B-1001", "B"))
    publish(broker.port, "T02", request_event("C-2001", "C"))
    publish(broker.port, "T01", json.dumps({"v": 1, "kind": "print", "status": "printed"}))
    publish(broker.port, "T01", "{not json")
    s2 = login(port, 2, "123456")
    check("login", s2 and re.fullmatch(r"[0-9a-f]{32}", s2), f"session {s2!r}")
    q = wait_for(lambda: (lambda q: q if q and q["waiting_total"] == 4 else None)(
        queue_of(port, s2)), 10)
    check("mqtt/requests-become-tokens", q is not None,
          f"waiting {waiting_tokens(queue_of(port, s2))}")
    check("mqtt/duplicate-ignored", q and waiting_tokens(q) == ["A-1001", "A-2001", "B-1001",
                                                                  "C-2001"], f"{waiting_tokens(q)}")
    check("api/queue-shape", q and all(k in q for k in ("waiting", "serving", "today", "me")) and
          all(k in q["waiting"][0] for k in ("token", "category", "priority", "issued")),
          f"{list(q) if q else q}")
    status = wait_for(lambda: sub.since(t0 - 60, f"{PREFIX}/{CENTRE}/board/status"), 5)
    check("mqtt/presence-online", status and json.loads(status[-1][1]).get("online") is True,
          f"{status}")
    # Logins.
    st, _, j, _ = call(port, "POST", "/api/login", {"counter": 2, "pin": "987650"})
    check("login/wrong-pin", st == 401 and is_error(j, "pin"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/login", {"counter": 2, "pin": 123456})
    check("login/pin-as-number", st == 400 and is_error(j, "pin"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/login", {"pin": "123456"})
    check("login/no-counter", st == 400 and is_error(j, "counter"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/login", {"counter": 1, "pin": "123456"})
    check("login/counter-without-pin", st == 401 and is_error(j, "counter"), f"{st} {j}")
    s3 = login(port, 3, "654321")
    check("login/counter-3", s3 is not None, "")

    # Call next: the priority token first; the board's message follows.
    t_post = time.monotonic()
    st, _, j, _ = call(port, "POST", "/api/next", {"request": "click-1"}, session=s2)
    check("next/priority-first", st == 200 and j["token"] == "A-2001" and j["counter"] == 2,
          f"{st} {j}")
    msgs = wait_for(lambda: [m for m in sub.since(t_post, f"{PREFIX}/{CENTRE}/board/queue")
                             if json.loads(m[1])["waiting"].get("A") == 1], 5)
    if check("mqtt/queue-published", bool(msgs), "no board/queue message after next"):
        board = json.loads(msgs[0][1])
        check("mqtt/queue-shape", board["v"] == 1 and board["waiting"] == {"A": 1, "B": 1,
              "C": 1} and board["serving"] == 1 and board["last_called"] == {"A": "A-2001"},
              f"{board}")
        print(f"  time from POST /api/next to the board/queue message: "
              f"{(msgs[0][0] - t_post) * 1000:.1f} ms")
    st, _, j, _ = call(port, "POST", "/api/next", {"request": "click-1"}, session=s2)
    check("next/same-request-id-replayed", st == 200 and j["token"] == "A-2001" and
          j.get("replayed") is True, f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/next", {}, session=s2)
    check("next/busy-counter-409", st == 409 and is_error(j, "token"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/recall", {"token": "A-2001"}, session=s2)
    check("recall", st == 200 and j["calls"] == 2, f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/done", {"token": "A-2001"}, session=s3)
    check("done/other-counter-403", st == 403 and is_error(j, "token"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/serve", {"token": "A-2001"}, session=s2)
    check("serve", st == 200 and j["state"] == "serving", f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/noshow", {"token": "A-2001"}, session=s2)
    check("noshow/while-serving-409", st == 409 and is_error(j, "token"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/done", {"token": "A-2001"}, session=s2)
    check("done", st == 200 and j["state"] == "done", f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/done", {"token": "A-2001"}, session=s2)
    check("done/twice-409", st == 409 and is_error(j, "token"), f"{st} {j}")
    announced = wait_for(lambda: "call A-2001 2" in server.out and "recall A-2001 2" in server.out
                         and server.out, 3)
    check("announcements", announced and server.out.count("call A-2001 2") == 1,
          f"{server.out}")
    # No-show.
    st, _, j, _ = call(port, "POST", "/api/next", {"category": "B"}, session=s2)
    check("next/category", st == 200 and j["token"] == "B-1001", f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/noshow", {"token": "B-1001"}, session=s2)
    check("noshow", st == 200 and j["state"] == "noshow", f"{st} {j}")
    # Transfer to a counter, then to a category.
    st, _, j, _ = call(port, "POST", "/api/next", {}, session=s2)
    check("next/regular", st == 200 and j["token"] == "A-1001", f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/transfer", {"token": "A-1001", "counter": 3},
                       session=s2)
    check("transfer/to-counter", st == 200 and j["state"] == "waiting" and
          j.get("to_counter") == 3, f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/transfer", {"token": "A-1001", "counter": 9},
                       session=s3)
    check("transfer/not-called-409", st == 409, f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/next", {}, session=s3)
    check("transfer/counter-3-gets-it-first", st == 200 and j["token"] == "A-1001", f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/transfer", {"token": "A-1001", "counter": 99},
                       session=s3)
    check("transfer/unknown-counter-404", st == 404 and is_error(j, "counter"), f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/transfer", {"token": "A-1001", "category": "B"},
                       session=s3)
    check("transfer/to-category", st == 200 and j["category"] == "B", f"{st} {j}")
    # Pause.
    st, _, j, _ = call(port, "POST", "/api/pause", {"paused": True}, session=s3)
    q = queue_of(port, s3)
    check("pause", st == 200 and j == {"paused": True} and q["me"]["paused"] is True,
          f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/pause", {"paused": False}, session=s3)
    check("resume", st == 200 and j == {"paused": False}, f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/next", {}, session=s3)
    check("next/nothing-for-c", st == 200 and j["token"] == "C-2001", f"{st} {j}")
    st, _, j, _ = call(port, "POST", "/api/done", {"token": "C-2001"}, session=s3)
    st, _, j, _ = call(port, "POST", "/api/next", {}, session=s3)
    check("next/empty", st == 200 and j == {"token": None}, f"{st} {j}")
    q = queue_of(port, s2)
    today = q["today"]
    check("today/figures", today["all"]["served"] == 2 and today["all"]["noshow"] == 1 and
          today["counters"]["2"]["served"] == 1 and "nid_correction" in today["services"] and
          today["all"]["wait_median_s"] is not None, f"{today}")

    bad_requests(port, s2)
    static_files(port)
    sse(port, s2, lambda: publish(broker.port, "T01", request_event("A-1002", "A")))

    # SIGKILL: the same queue after a restart, sessions kept; events sent meanwhile arrive.
    before = queue_of(port, s2)
    server.kill()
    will = wait_for(lambda: [m for m in sub.since(0, f"{PREFIX}/{CENTRE}/board/status")
                             if json.loads(m[1]).get("online") is False], 5)
    check("mqtt/last-will-offline", bool(will), "no offline presence after SIGKILL")
    publish(broker.port, "T03", request_event("A-3001", "A", terminal="T03"))
    server.start()
    port = server.port
    after = wait_for(lambda: (lambda q: q if q and "A-3001" in waiting_tokens(q) else None)(
        queue_of(port, s2)), 10)
    check("kill9/session-survives", after is not None, "no queue with the old session")
    check("kill9/same-queue", after and before["serving"] == after["serving"] and
          set(waiting_tokens(before)) | {"A-3001"} == set(waiting_tokens(after)),
          f"{waiting_tokens(before)} -> {waiting_tokens(after)}")

    # The broker restarts while events wait for the board (board down), and again while the
    # board is up: no issued token is lost.
    server.kill()
    publish(broker.port, "T03", request_event("A-3002", "A", terminal="T03"))
    publish(broker.port, "T03", request_event("B-3001", "B", terminal="T03"))
    broker.stop()
    broker.start()
    server.start()
    port = server.port
    got = wait_for(lambda: (lambda q: q if q and {"A-3002", "B-3001"} <= set(waiting_tokens(q))
                            else None)(queue_of(port, s2)), 15)
    check("broker-restart/queued-events-kept", got is not None,
          f"{waiting_tokens(queue_of(port, s2))}")
    broker.stop()
    broker.start()
    publish(broker.port, "T01", request_event("C-1002", "C"))
    got = wait_for(lambda: (lambda q: q if q and "C-1002" in waiting_tokens(q) else None)(
        queue_of(port, s2)), 20)
    check("broker-restart/board-reconnects", got is not None,
          f"{waiting_tokens(queue_of(port, s2))}")

    # A figure: from POST /api/next to the retained board/queue message, 10 calls.
    for i in range(10):
        publish(broker.port, "T05", request_event(f"Z-{i + 1:03d}", "Z", terminal="T05"))
    wait_for(lambda: (lambda q: q and sum(1 for w in q["waiting"] if w["category"] == "Z") == 10)(
        queue_of(port, s2)), 10)
    s1 = login(port, 3, "654321")
    delays = []
    for i in range(10):
        time.sleep(0.6)  # past the rate limit (4 a second) after the last "done"
        t = time.monotonic()
        st, _, j, _ = call(port, "POST", "/api/next", {"category": "Z"}, session=s1)
        got = wait_for(lambda: [m for m in sub.since(t, f"{PREFIX}/{CENTRE}/board/queue")
                                if json.loads(m[1])["waiting"].get("Z") == 9 - i], 3)
        if st == 200 and got:
            delays.append((got[0][0] - t) * 1000)
        call(port, "POST", "/api/done", {"token": j and j.get("token")}, session=s1)
    delays.sort()
    if check("figure/next-to-mqtt", len(delays) == 10, f"{len(delays)} of 10 calls published"):
        print(f"  POST /api/next -> board/queue message: median {delays[4]:.1f} ms, "
              f"max {delays[-1]:.1f} ms (10 calls)")

    # Logout, then the session is gone.
    st, _, j, _ = call(port, "POST", "/api/logout", {}, session=s3)
    st2, _, j2, _ = call(port, "GET", "/api/queue", session=s3)
    check("logout", st == 200 and st2 == 401 and is_error(j2, "session"), f"{st} {st2}")

    # Rate limits last (they lock this address out): per counter, then per address.
    codes = []
    for _ in range(6):
        codes.append(call(port, "POST", "/api/login", {"counter": 4, "pin": "987654"})[0])
    check("login/counter-locked", codes[:4] == [401] * 4 and codes[5] == 429, f"{codes}")
    st, h, j, _ = call(port, "POST", "/api/login", {"counter": 4, "pin": "112233"})
    check("login/locked-even-with-right-pin", st == 429 and is_error(j, "pin"), f"{st} {j}")
    codes = [call(port, "POST", "/api/login", {"counter": 2, "pin": "987654"})[0]
             for _ in range(4)]
    st, _, j, _ = call(port, "POST", "/api/login", {"counter": 2, "pin": "123456"})
    check("login/address-locked", st == 429 and "address" in j["error"], f"{codes} {st} {j}")
    rc = server.stop()
    check("clean-stop", rc == 0, f"exit status {rc}")
    err = server.stderr()
    check("log/failures-logged", "login refused: counter 4 from 127.0.0.1" in err, err[-300:])
    check("log/no-pin-digits", "987654" not in err and "987650" not in err and
          "123456" not in err, "a PIN appears in the log")
    offline = wait_for(lambda: sub.since(0, f"{PREFIX}/{CENTRE}/board/status") and json.loads(
        sub.since(0, f"{PREFIX}/{CENTRE}/board/status")[-1][1]).get("online") is False, 5)
    check("mqtt/offline-on-stop", offline, "no offline presence after a clean stop")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash of the check is a failure, never a silent pass
        check("script", False, f"{type(e).__name__}: {e}")
    sys.exit(1 if failures else 0)
