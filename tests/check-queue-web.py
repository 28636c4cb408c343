#!/usr/bin/env python3
"""The counter web app in a real browser: headless Chromium (Debian's), driven through the
Chrome DevTools protocol over --remote-debugging-pipe (NUL-separated JSON on fds 3 and 4),
so no driver, no WebSocket library and nothing beyond Python's standard library is needed.
Logs in, calls, recalls (the R key), marks a no-show (the X key), finishes (D), sees a new
token arrive live, switches language, and saves screenshots at phone and desk sizes in
Bangla and English to tests/out/queue-web/ (UPDATE_SCREENSHOTS=1 copies them to
docs/images/ for the README). Prints PASS/FAIL lines.

Usage: tests/check-queue-web.py BUILD_DIR
"""
import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
spec = importlib.util.spec_from_file_location("check_queue", os.path.join(HERE,
                                                                          "check-queue.py"))
cq = importlib.util.module_from_spec(spec)
sys.argv = sys.argv[:2]
spec.loader.exec_module(cq)
OUT = os.path.join(ROOT, "tests/out/queue-web")
failures = 0


def check(name, ok, why=""):
    global failures
    if ok:
        print(f"PASS queue-web/{name}", flush=True)
    else:
        failures += 1
        print(f"FAIL queue-web/{name}: {why}", flush=True)
    return ok


class Browser:
    """Chromium with the DevTools protocol on a pipe."""

    def __init__(self, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # Chromium reads commands on fd 3 and writes answers on fd 4.
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id, self.answers, self.events = 0, {}, []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.session = None

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                m = json.loads(msg)
                with self.cv:
                    if "id" in m:
                        self.answers[m["id"]] = m
                    else:
                        self.events.append(m)
                    self.cv.notify_all()

    def send(self, method, params=None, session=True, timeout=20):
        with self.cv:
            self.next_id += 1
            i = self.next_id
        m = {"id": i, "method": method, "params": params or {}}
        if session and self.session:
            m["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(m).encode() + b"\0")
        end = time.monotonic() + timeout
        with self.cv:
            while i not in self.answers:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(method)
                self.cv.wait(left)
            a = self.answers.pop(i)
        if "error" in a:
            raise RuntimeError(f"{method}: {a['error']}")
        return a.get("result", {})

    def open_page(self):
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = [t for t in targets if t["type"] == "page"][0]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")

    def size(self, w, h, mobile):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile})

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_js(self, expr, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                v = self.js(expr)
            except RuntimeError:  # the page is still loading: not there yet
                v = None
            if v:
                return v
            time.sleep(0.05)
        return self.js(expr)

    def idle(self):
        """Wait until the page has its answer to the last action (a press while one is on
        its way is ignored, as a double click must be)."""
        return self.wait_js("document.body.getAttribute('data-busy') !== '1'")

    def key(self, letter):
        self.idle()
        code = ord(letter.upper())
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent",
                      {"type": kind, "key": letter.lower(), "code": f"Key{letter.upper()}",
                       "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code})

    def shot(self, name):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            os.makedirs(os.path.join(ROOT, "docs/images"), exist_ok=True)
            shutil.copy(path, os.path.join(ROOT, "docs/images", name))
        return path

    def exceptions(self):
        with self.cv:
            return [e for e in self.events if e.get("method") == "Runtime.exceptionThrown"]

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def es5_only():
    """The page must run on an old desktop browser: no ES2015+ syntax in app.js."""
    src = open(os.path.join(ROOT, "assets/web/app.js"), encoding="utf-8").read()
    code = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
    bad = [p for p in (r"=>", r"\blet\s", r"\bconst\s", r"`", r"\bclass\s", r"\bimport\b",
                       r"\.\.\.", r"\bfetch\(", r"\basync\b", r"\bawait\b")
           if re.search(p, code)]
    check("es5-syntax", not bad, f"app.js uses {bad}")
    html = open(os.path.join(ROOT, "assets/web/index.html"), encoding="utf-8").read()
    check("no-external-resources", not re.search(r"(src|href)=\"(https?:)?//", html),
          "index.html loads something from another host")


def main():
    es5_only()
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        check("chromium", False, "chromium is not installed (apt-get install chromium)")
        return
    tmp = tempfile.mkdtemp(prefix="check-queue-web-")
    data = os.path.join(tmp, "board")
    broker = cq.Broker(tmp)
    broker.start()
    server, browser = None, None
    try:
        p = subprocess.run([cq.SERVER, "--set-counter-pin", "2", "--data", data],
                           input="123456\n", text=True, capture_output=True, timeout=20)
        check("set-pin", p.returncode == 0, p.stderr)
        server = cq.Server(data, broker.port)
        server.start()
        for tok, cat, pri in (("A-1001", "A", None), ("A-1002", "A", None),
                              ("B-1001", "B", None), ("A-2001", "A", "elderly"),
                              ("B-1002", "B", None)):
            cq.publish(broker.port, "T01", cq.request_event(tok, cat, priority=pri))
        browser = Browser(os.path.join(tmp, "profile"))
        browser.open_page()
        run(browser, server, broker)
    finally:
        if browser:
            browser.close()
        if server and server.proc.poll() is None:
            server.stop()
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def text(b, el_id):
    return b.js(f"document.getElementById('{el_id}').textContent")


def run(b, server, broker):
    base = f"http://127.0.0.1:{server.port}/"
    b.size(360, 740, True)
    b.send("Page.navigate", {"url": base})
    check("page-loads", b.wait_js("document.readyState === 'complete' && "
                                  "!!document.getElementById('login-form')"), "no login form")
    check("bangla-first", b.wait_js("document.getElementById('login-button').textContent "
                                    "=== 'লগ ইন'"), text(b, "login-button"))
    b.wait_js("document.fonts && document.fonts.status === 'loaded'", 5)
    check("bangla-font-loaded", b.js("document.fonts.check(\"20px 'Noto Sans Bengali'\", "
                                     "'\u0995')"), "the bundled Bangla font did not load")
    b.shot("counter-login-phone-bn.png")
    # A wrong PIN first: the error shows, nothing else happens.
    b.js("document.getElementById('login-counter').value = '2';"
         "document.getElementById('login-pin').value = '000000';"
         "document.getElementById('login-button').click()")
    check("wrong-pin-shown", b.wait_js("document.getElementById('login-error').textContent"
                                       ".indexOf('পিন ভুল') >= 0"), text(b, "login-error"))
    b.js("document.getElementById('login-pin').value = '123456';"
         "document.getElementById('login-button').click()")
    check("login", b.wait_js("document.getElementById('desk-view').className === '' && "
                             "document.getElementById('counter-name').textContent.length > 0"),
          "the desk view did not open")
    check("waiting-counts", b.wait_js("document.getElementById('waiting').textContent"
                                      ".indexOf('৫') >= 0"), text(b, "waiting"))
    check("live-sse", b.wait_js("document.getElementById('live').className === 'live-on'"),
          text(b, "live"))
    # Call next (the button): the priority token, shown large with Bangla digits.
    b.idle()
    b.js("document.getElementById('btn-next').click()")
    check("next-shows-token", b.wait_js("document.getElementById('current').textContent "
                                        "=== 'A-২০০১'"), text(b, "current"))
    # Recall with the R key, then finish with D.
    b.key("r")
    check("recall-key", b.wait_js("document.getElementById('current-detail').textContent"
                                  ".indexOf('২ বার') >= 0"), text(b, "current-detail"))
    check("recall-announced", cq.wait_for(lambda: "recall A-2001 2" in server.out, 3),
          f"{server.out}")
    b.key("d")
    check("done-key", b.wait_js("document.getElementById('current').textContent === '—'"),
          text(b, "current"))
    # Next (N key) and a no-show (X key).
    b.key("n")
    check("next-key", b.wait_js("document.getElementById('current').textContent === 'A-১০০১'"),
          text(b, "current"))
    b.key("x")
    check("noshow-key", b.wait_js("document.getElementById('current').textContent === '—'"),
          text(b, "current"))
    st, _, q, _ = cq.call(server.port, "POST", "/api/login", {"counter": 2, "pin": "123456"})
    q = cq.queue_of(server.port, q["session"])
    check("server-agrees", q["today"]["all"]["served"] == 1 and q["today"]["all"]["noshow"] == 1,
          f"{q['today']['all']}")
    # A double click on "next" calls one person.
    b.idle()
    b.js("document.getElementById('btn-next').click();"
         "document.getElementById('btn-next').click()")
    b.wait_js("document.getElementById('current').textContent === 'A-১০০২'")
    time.sleep(0.3)
    st, _, q, _ = cq.call(server.port, "POST", "/api/login", {"counter": 2, "pin": "123456"})
    q = cq.queue_of(server.port, q["session"])
    check("double-click-one-call", len(q["serving"]) == 1 and q["waiting_total"] == 2,
          f"serving {q['serving']}, waiting {q['waiting_total']}")
    # A kiosk issues a token: the page shows it without being asked (server-sent events).
    cq.publish(broker.port, "T02", cq.request_event("B-2002", "B", terminal="T02"))
    check("live-update", b.wait_js("document.getElementById('waiting').textContent"
                                   ".indexOf('মোট৩') >= 0"), text(b, "waiting"))
    b.shot("counter-phone-bn.png")
    b.js("document.getElementById('lang').click()")
    check("english", b.wait_js("document.getElementById('btn-next').textContent"
                               ".indexOf('Call next') >= 0 && document.getElementById('current')"
                               ".textContent === 'A-1002'"), text(b, "btn-next"))
    b.shot("counter-phone-en.png")
    # Transfer dialog (T key), then close it (Escape is the browser's; use Cancel).
    b.key("t")
    check("transfer-dialog", b.wait_js("document.getElementById('transfer-dialog').className "
                                       "=== 'dialog'"), "no transfer dialog")
    b.js("document.getElementById('transfer-cancel').click()")
    b.size(1280, 800, False)
    time.sleep(0.3)
    b.shot("counter-desk-en.png")
    b.js("document.getElementById('lang').click()")
    b.wait_js("document.getElementById('btn-next').textContent.indexOf('পরের') >= 0")
    b.shot("counter-desk-bn.png")
    check("no-script-errors", not b.exceptions(), f"{b.exceptions()[:2]}")
    # A browser without server-sent events polls instead (the session is kept on reload).
    b.send("Page.addScriptToEvaluateOnNewDocument", {"source": "window.EventSource = undefined;"})
    b.send("Page.reload")
    check("polling-fallback-mode", b.wait_js("document.getElementById('desk-view').className "
                                             "=== '' && document.getElementById('live')"
                                             ".className === 'live-off' && !window.EventSource"),
          text(b, "live"))
    cq.publish(broker.port, "T02", cq.request_event("B-2003", "B", terminal="T02"))
    check("polling-fallback-update", b.wait_js("document.getElementById('waiting').textContent"
                                               ".indexOf('মোট৪') >= 0", 8), text(b, "waiting"))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash of the check is a failure, never a silent pass
        check("script", False, f"{type(e).__name__}: {e}")
    sys.exit(1 if failures else 0)
