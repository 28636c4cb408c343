#!/usr/bin/env python3
"""A centre, end to end: one Mosquitto, a register on SQLite with its status page, two kiosks
of one centre (token bands 1 and 2, headless replays of tests/e2e/flow_bn.replay), a queue
board (kiosk --mode board, headless, --audio-out) and the counters' API; then a third kiosk
that claims band 1 again. Everything is started here on 127.0.0.1, on free ports, in a
temporary folder, and stopped at the end whatever happens.

Checks: distinct tokens from the two kiosks, each request in the register exactly once with
its print status, the done screens' QR codes (decoded with zbarimg) opening the register's
page ("Genuine receipt", 200; a forged one 403), the board receiving both tokens, a counter's
"next" announced in Bangla then English (speech.log; whole, non-silent WAVs) and board.png
redrawn, recall, no-show, transfer, the priority policy (P R R P) for signed request events
published with mosquitto_pub, the board SIGKILLed and restarted with the same queue, the
broker SIGKILLed and restarted while a kiosk issues a token (outboxes drain: kiosk --sync-now
exit 0, nothing lost or doubled in the register or on the board), and the conflicting band
refused by the register, after which that kiosk refuses to confirm (dialog:error). Finally
`tools/demo-centre --check` starts the demo headless and stops it.

Prints PASS/FAIL lines. Usage: tests/check-centre.py BUILD_DIR
"""
import array
import hashlib
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
import time
import urllib.parse

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIOSK = os.path.join(ROOT, BUILD, "kiosk")
REGISTER = os.path.join(ROOT, BUILD, "register")
SIM = os.path.join(ROOT, BUILD, "tests", "register-sim")
if not os.access(SIM, os.X_OK):  # the ASan+UBSan build uses the release one
    SIM = os.path.join(ROOT, "build", "tests", "register-sim")
CENTRE, PREFIX, DAY, NOW = "UDC-0001", "sheba", "20261129", "2026-11-29T10:30"
PINS = {1: "135790", 2: "246801"}
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
failures = 0
procs = []  # every process started here: killed at the end


def check(name, ok, why=""):
    global failures
    if ok:
        print(f"PASS centre/{name}", flush=True)
    else:
        failures += 1
        print(f"FAIL centre/{name}: {why}", flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout=10.0, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def start(args, log, env=None):
    f = open(log, "a")
    p = subprocess.Popen(args, stdout=f, stderr=subprocess.STDOUT, env=env or ENV, cwd=ROOT)
    f.close()
    procs.append(p)
    return p


def kill(p, sig=signal.SIGKILL):
    if p and p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class Broker:
    """mosquitto with its own config: 127.0.0.1, a free port, persistence saved every second
    (a SIGKILL loses at most a second of session state), no queue limit."""

    def __init__(self, tmp):
        self.port = free_port()
        self.dir = os.path.join(tmp, "broker")
        os.makedirs(self.dir)
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        with open(self.conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
                    f"persistence true\npersistence_location {self.dir}/\n"
                    f"autosave_interval 1\nmax_queued_messages 0\nuser {user}\n"
                    f"log_dest file {self.dir}/mosquitto.log\n")
        self.p = None

    def start(self):
        self.p = start(["mosquitto", "-c", self.conf], os.path.join(self.dir, "stderr.log"))
        if not wait_for(lambda: listening(self.port), 10):
            raise RuntimeError("mosquitto did not start: " + read(self.dir + "/stderr.log"))

    def url(self):
        return f"mqtt://127.0.0.1:{self.port}"


def retained(port, topic, seconds=2):
    r = subprocess.run(["mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", str(port),
                        "-t", topic, "-C", "1", "-W", str(seconds), "--retained-only"],
                       capture_output=True, text=True, timeout=seconds + 10)
    return r.stdout.strip()


class Kiosk:
    """A kiosk of the centre: its data folder, its identity (id.ini) and its sync (sync.ini)."""

    def __init__(self, tmp, name, band, receipt_url, regkeys, broker):
        self.name, self.dir = name, os.path.join(tmp, name)
        self.data = os.path.join(self.dir, "data")
        os.makedirs(self.dir)
        self.id_ini, self.sync_ini = self.dir + "/id.ini", self.dir + "/sync.ini"
        with open(self.id_ini, "w") as f:
            f.write(f"[centre]\nid = {CENTRE}\n[terminal]\nid = {name}\ntoken_band = {band}\n"
                    f"[kiosk]\nreceipt_url = {receipt_url}\n"
                    f"[printer]\nspec = file:{self.dir}/receipts.bin\n"
                    f"[journal]\nexport_key = {regkeys}/register.box.pub\n")
        with open(self.sync_ini, "w") as f:
            f.write(f"[sync]\nbroker = {broker.url()}\n"
                    f"register_key = {regkeys}/register.sign.pub\n")
        self.runs = 0

    def args(self, sync=True):
        a = [KIOSK, "--config", "assets/kiosk.ini", "--config", self.id_ini]
        return a + (["--config", self.sync_ini] if sync else []) + ["--data", self.data]

    def first_start(self, keys):
        """Started once without a broker: its signing key, copied to the register's keys."""
        r = subprocess.run(self.args(sync=False) + ["--headless"], capture_output=True,
                           text=True, timeout=120, env=ENV, cwd=ROOT)
        pub = os.path.join(self.data, "signing.pub")
        if r.returncode == 0 and os.path.exists(pub):
            shutil.copy(pub, os.path.join(keys, f"{CENTRE}-{self.name}.pub"))
            return True
        return check(f"{self.name}/first-start", False, r.stderr[-300:])

    def replay(self, script):
        """A headless replay: (exit status, its output, the shots folder)."""
        self.runs += 1
        shots = os.path.join(self.dir, f"shots-{self.runs}")
        os.makedirs(shots)
        r = subprocess.run(self.args() + ["--headless", "--now", NOW, "--replay", script,
                                          "--shots", shots],
                           capture_output=True, text=True, timeout=300, env=ENV, cwd=ROOT)
        return r.returncode, r.stdout + r.stderr, shots

    def sync_now(self):
        r = subprocess.run(self.args() + ["--sync-now"], capture_output=True, text=True,
                           timeout=120, env=ENV, cwd=ROOT)
        return r.returncode, (r.stdout + r.stderr).strip()

    def journal(self):
        r = subprocess.run(self.args(sync=False) + ["--export-journal"], capture_output=True,
                           text=True, timeout=60, env=ENV, cwd=ROOT)
        return [json.loads(l) for l in r.stdout.split("\n") if l.strip()]


def confirmed(out):
    """(tracking, token) of each request the kiosk's log says it confirmed."""
    return re.findall(r"confirmed request (\S+) token (\S+)", out)


class Register:
    def __init__(self, tmp, broker, keys, regkeys):
        self.port = free_port()
        self.store = "sqlite:" + os.path.join(tmp, "register.sqlite")
        self.log = os.path.join(tmp, "register.log")
        self.url = f"http://127.0.0.1:{self.port}/r"
        self.args = [REGISTER, "--broker", broker.url(), "--store", self.store, "--keys", keys,
                     "--client-id", "register-centre", "--plain-subscription", "--sign-key",
                     os.path.join(regkeys, "register.sign.key"), "--http",
                     f"127.0.0.1:{self.port}", "--receipt-url", self.url, "--catalog",
                     "assets/catalog.json"]
        self.p = None

    def start(self):
        before = read(self.log).count("connected to")
        self.p = start(self.args, self.log)
        return wait_for(lambda: read(self.log).count("connected to") > before, 30)

    def export(self):
        r = subprocess.run([REGISTER, "--store", self.store, "--export"], capture_output=True,
                           text=True, timeout=60)
        return [json.loads(l) for l in r.stdout.split("\n") if l.strip()]

    def stats(self):
        r = subprocess.run([REGISTER, "--store", self.store, "--stats"], capture_output=True,
                           text=True, timeout=60)
        return dict((k, int(v)) for k, v in re.findall(r"^(\w+)\s+(\d+)", r.stdout, re.M))

    def get(self, url):
        u = urllib.parse.urlsplit(url)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=15)
        c.request("GET", u.path + ("?" + u.query if u.query else ""))
        r = c.getresponse()
        body = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, body


class Board:
    def __init__(self, tmp, broker):
        self.dir = os.path.join(tmp, "board")
        self.data, self.shots = self.dir + "/data", self.dir + "/shots"
        self.audio, self.log = self.dir + "/audio", self.dir + "/board.log"
        os.makedirs(self.shots)
        self.port = free_port()
        self.ini = self.dir + "/board.ini"
        with open(self.ini, "w") as f:
            f.write(f"[centre]\nid = {CENTRE}\n[terminal]\nid = BOARD\nrole = board\n"
                    f"[board]\nhttp = 127.0.0.1:{self.port}\n[sync]\nbroker = {broker.url()}\n")
        self.args = [KIOSK, "--config", "assets/kiosk.ini", "--config", self.ini, "--data",
                     self.data]
        self.p = None

    def set_pins(self):
        for n, pin in PINS.items():
            r = subprocess.run(self.args + ["--set-counter-pin", str(n)], input=pin + "\n",
                               capture_output=True, text=True, timeout=60, cwd=ROOT)
            if r.returncode:
                return check("board/set-counter-pin", False, r.stderr)
        return True

    def start(self):
        before = read(self.log).count("web app on port")
        self.p = start(self.args + ["--mode", "board", "--headless", "--size", "1280x720",
                                    "--shots", self.shots, "--audio-out", self.audio, "--now",
                                    NOW], self.log)
        return wait_for(lambda: read(self.log).count("web app on port") > before and
                        listening(self.port), 30)

    def call(self, method, path, body=None, session=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        h = {"Content-Type": "application/json"} if body is not None else {}
        if session:
            h["Authorization"] = "Bearer " + session
        c.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                  headers=h)
        r = c.getresponse()
        text = r.read()
        c.close()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, None

    def login(self, counter):
        st, j = self.call("POST", "/api/login", {"counter": counter, "pin": PINS[counter]})
        return j["session"] if st == 200 and j else None

    def queue(self, session):
        st, j = self.call("GET", "/api/queue", session=session)
        return j if st == 200 else None

    def waiting(self, session):
        q = self.queue(session)
        return sorted(w["token"] for w in q["waiting"]) if q else []

    def speech(self):
        return [l.split("\t") for l in read(self.audio + "/speech.log").split("\n") if l]

    def png(self):
        try:
            with open(self.shots + "/board.png", "rb") as f:
                return hashlib.sha256(f.read()).hexdigest()
        except OSError:
            return None


def wav_problem(path):
    """None when path is a whole RIFF/WAVE file of 16-bit PCM that is not silent."""
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 44 or b[:4] != b"RIFF" or b[8:12] != b"WAVE":
        return "not a RIFF WAVE file"
    if int.from_bytes(b[4:8], "little") != len(b) - 8:
        return f"RIFF size {int.from_bytes(b[4:8], 'little')}, file {len(b)} bytes"
    pos, fmt, data = 12, None, None
    while pos + 8 <= len(b):
        cid, size = b[pos:pos + 4], int.from_bytes(b[pos + 4:pos + 8], "little")
        if pos + 8 + size > len(b):
            return f"chunk {cid!r} of {size} bytes runs past the end"
        if cid == b"fmt ":
            fmt = b[pos + 8:pos + 8 + size]
        elif cid == b"data":
            data = b[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    if not fmt or int.from_bytes(fmt[0:2], "little") != 1 or \
            int.from_bytes(fmt[14:16], "little") != 16:
        return "not 16-bit PCM"
    if not data or len(data) < 2000:
        return f"{len(data or b'')} bytes of samples"
    s = array.array("h", data[:len(data) // 2 * 2])
    if sys.byteorder != "little":
        s.byteswap()
    rms = (sum(x * x for x in s) / len(s)) ** 0.5
    return None if rms > 300 else f"RMS {rms:.0f} (silent)"


def sim_event(key, terminal, n, token, base, priority=None, seal=None):
    """A request event as a kiosk publishes it (its JSON, and its `sig`), by register-sim."""
    args = [SIM, "event", key, CENTRE, terminal, str(n), "--day", DAY, "--token", token,
            "--service", "nid_correction", "--base", base, "--seq", str(n)]
    payload = subprocess.run(args + (["--seal", seal] if seal else []), capture_output=True,
                             text=True, check=True, timeout=30).stdout.strip()
    if priority:
        o = json.loads(payload)
        o["priority"] = priority
        payload = json.dumps(o, ensure_ascii=False, separators=(",", ":"))
    sig = subprocess.run([SIM, "sign", key], input=payload, capture_output=True, text=True,
                         check=True, timeout=30).stdout.strip()
    return payload, sig


def publish(broker, terminal, payload, sig):
    subprocess.run(["mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", str(broker.port),
                    "-q", "1", "-t", f"{PREFIX}/{CENTRE}/{terminal}/event", "-m", payload,
                    "-D", "publish", "user-property", "sig", sig], check=True, timeout=30)


def once_each(rows, trackings):
    return all(sum(1 for r in rows if r["tracking"] == t) == 1 for t in trackings)


# ---- the phases ----

def kiosks_issue(tmp, broker, reg, board, k1, k2):
    """Two kiosks issue a token each; both reach the register once and the board."""
    issued = {}
    qtopic = f"{PREFIX}/{CENTRE}/board/queue"
    for n, k in enumerate((k1, k2)):
        if n == 1:  # the board has the first token before the second kiosk starts
            wait_for(lambda: '"B":1' in retained(broker.port, qtopic).replace(" ", ""), 20)
        rc, out, shots = k.replay("tests/e2e/flow_bn.replay")
        got = confirmed(out)
        check(f"{k.name}/replay", rc == 0 and len(got) == 1, out[-400:])
        # "N ahead of you" from the board's retained state: nobody, then the first token.
        want = "(0 ahead, about 0 min)" if n == 0 else "(1 ahead,"
        check(f"{k.name}/ahead-from-the-board", want in out,
              f"wanted {want!r}: {[l for l in out.splitlines() if 'confirmed' in l]}")
        rc, out = k.sync_now()
        check(f"{k.name}/outbox-drained", rc == 0 and "nothing left" in out, f"{rc}: {out}")
        if got:
            issued[k.name] = (got[0][0], got[0][1], shots)
    toks = [v[1] for v in issued.values()]
    check("distinct-tokens", len(toks) == 2 and toks[0] != toks[1] and
          re.fullmatch(r"B-1\d{3}", issued.get("T01", ("", ""))[1]) and
          re.fullmatch(r"B-2\d{3}", issued.get("T02", ("", ""))[1]), f"{issued}")
    trackings = [v[0] for v in issued.values()]
    rows = wait_for(lambda: (lambda r: r if once_each(r, trackings) and all(
        x["status"] == "printed" for x in r if x["tracking"] in trackings) else None)(
        reg.export()), 30)
    rows = rows or reg.export()
    check("register/each-request-once", len(trackings) == 2 and once_each(rows, trackings) and
          reg.stats().get("requests") == 2,
          f"{[(r['tracking'], r['token']) for r in rows]} stats {reg.stats()}")
    check("register/print-status", all(r["status"] == "printed" and r.get("printed")
                                       for r in rows if r["tracking"] in trackings),
          f"{[(r['tracking'], r['status']) for r in rows]}")
    check("register/tokens-as-issued", sorted(r["token"] for r in rows) == sorted(toks),
          f"{[r['token'] for r in rows]}")
    # The QR codes of the done screens open the register's page.
    for name, (tracking, token, shots) in issued.items():
        payload = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(shots, "10-done.png")],
                                 capture_output=True, text=True).stdout.strip()
        ok = payload.startswith(f"{reg.url}/{tracking}?") and f"t={token}" in payload
        if check(f"{name}/qr-decoded", ok, f"{payload!r} for {tracking} {token}"):
            st, body = reg.get(payload)
            check(f"{name}/qr-page-genuine", st == 200 and "Genuine receipt" in body and
                  token in body, f"HTTP {st}: {body[:200]!r}")
            forged = payload.replace(f"t={token}", "t=B-1999")
            st, body = reg.get(forged)
            check(f"{name}/qr-forged-refused", 400 <= st < 500 and "not genuine" in body,
                  f"HTTP {st}")
    s1 = board.login(1)
    check("board/login", s1 is not None, "no session for counter 1")
    w = wait_for(lambda: set(toks) <= set(board.waiting(s1)) and board.waiting(s1), 20)
    check("board/both-tokens-waiting", w and set(toks) <= set(w), f"waiting {w}")
    return issued, s1


def speech_after(board, n, count, timeout=30):
    return wait_for(lambda: len(board.speech()) >= n + count and board.speech(), timeout)


def counters(broker, reg, board, s1, issued):
    """next, the announcement, recall, no-show, transfer."""
    s2 = board.login(2)
    png0, lines0 = board.png(), len(board.speech())
    wavs0 = set(os.listdir(board.audio)) if os.path.isdir(board.audio) else set()
    t_post = time.time()
    st, j = board.call("POST", "/api/next", {}, s1)
    first = j.get("token") if st == 200 and j else None
    check("board/next", first in [v[1] for v in issued.values()] and j.get("counter") == 1,
          f"{st} {j}")
    said = speech_after(board, lines0, 2)
    new = (said or [])[lines0:lines0 + 2]
    digits = {"0": "zero", "1": "one", "2": "two"}
    spoken = " ".join(digits.get(c, c) for c in (first or "?").replace("-", ""))
    check("board/announced-bangla-then-english",
          len(new) == 2 and new[0][1] == "bn" and new[1][1] == "en" and
          "টোকেন" in new[0][2] and "কাউন্টার" in new[0][2] and
          new[1][2].lower().startswith("token " + spoken.lower()) and "counter" in new[1][2],
          f"{new} (wanted 'Token {spoken}')")
    wavs = sorted(set(os.listdir(board.audio)) - wavs0 - {"speech.log"})
    bad = [(w, wav_problem(os.path.join(board.audio, w))) for w in wavs]
    bad = [b for b in bad if b[1]]
    check("board/wav-whole-and-not-silent", len(wavs) >= 2 and not bad,
          f"{wavs}: {bad}")
    drawn = wait_for(lambda: board.png() != png0 and os.path.getmtime(
        board.shots + "/board.png") >= t_post - 0.05, 10)
    check("board/png-redrawn-after-next", drawn, "board.png did not change after the call")
    # Recall: the same announcement again.
    n = len(board.speech())
    st, j = board.call("POST", "/api/recall", {"token": first}, s1)
    again = (speech_after(board, n, 2) or [])[n:n + 2]
    check("board/recall-repeats", st == 200 and len(again) == 2 and
          [l[1:] for l in again] == [l[1:] for l in new], f"{st} {j}; {again}")
    # No-show: the token leaves the counter.
    st, j = board.call("POST", "/api/noshow", {"token": first}, s1)
    q = board.queue(s1)
    check("board/noshow", st == 200 and j.get("state") == "noshow" and q and
          first not in [s["token"] for s in q["serving"]] and first not in board.waiting(s1),
          f"{st} {j}")
    # Transfer: the next token to counter 2, which gets it first.
    st, j = board.call("POST", "/api/next", {}, s1)
    second = j.get("token") if st == 200 and j else None
    st, j = board.call("POST", "/api/transfer", {"token": second, "counter": 2}, s1)
    check("board/transfer-to-counter", st == 200 and j.get("state") == "waiting" and
          j.get("to_counter") == 2, f"{st} {j}")
    st, j = board.call("POST", "/api/next", {}, s2)
    check("board/transferred-called-at-counter-2", st == 200 and j.get("token") == second and
          j.get("counter") == 2, f"{st} {j}")
    board.call("POST", "/api/done", {"token": second}, s2)
    return s2


def priority(tmp, broker, reg, board, s1, t4key, box):
    """Signed request events published as kiosks do: two regular, then two priority ones."""
    plan = [(1, "B-4001", None), (2, "B-4002", None), (3, "B-4003", "elderly"),
            (4, "B-4004", "disability")]
    for n, token, prio in plan:
        publish(broker, "T04", *sim_event(t4key, "T04", n, token, reg.url, prio, box))
    tokens = [p[1] for p in plan]
    w = wait_for(lambda: set(tokens) <= set(board.waiting(s1)) and board.waiting(s1), 20)
    check("priority/published-tokens-waiting", w and set(tokens) <= set(w), f"{w}")
    order = []
    for _ in plan:
        st, j = board.call("POST", "/api/next", {}, s1)
        order.append(j.get("token") if st == 200 and j else f"{st} {j}")
        board.call("POST", "/api/done", {"token": order[-1]}, s1)
    check("priority/policy-P-R-R-P", order == ["B-4003", "B-4001", "B-4002", "B-4004"],
          f"called {order}")
    rows = wait_for(lambda: (lambda r: r if once_each(r, [f"{CENTRE}-T04-{DAY}-0003"]) else
                             None)(reg.export()), 20) or []
    check("priority/in-register", any(r["token"] == "B-4003" and r.get("priority") == "elderly"
                                      for r in rows), f"{[(r['token'], r.get('priority')) for r in rows]}")


def board_killed(tmp, broker, reg, board, s1, t4key, box):
    """SIGKILL with a token being served and one waiting: the same queue after a restart."""
    publish(broker, "T04", *sim_event(t4key, "T04", 5, "B-4005", reg.url, None, box))
    publish(broker, "T04", *sim_event(t4key, "T04", 6, "B-4006", reg.url, None, box))
    wait_for(lambda: {"B-4005", "B-4006"} <= set(board.waiting(s1)), 20)
    st, j = board.call("POST", "/api/next", {}, s1)
    before = board.queue(s1)
    kill(board.p)
    up = board.start()
    after = wait_for(lambda: board.queue(s1), 20)
    strip = (lambda q: (sorted(w["token"] for w in q["waiting"]),
                        sorted((s["token"], s["counter"]) for s in q["serving"])) if q else None)
    check("board/sigkill-same-queue", up and st == 200 and before and after and
          strip(before) == strip(after) and ("B-4005", 1) in strip(after)[1],
          f"{strip(before)} -> {strip(after)}")
    board.call("POST", "/api/done", {"token": "B-4005"}, s1)


def broker_killed(tmp, broker, reg, board, s1, k1, k2):
    """The broker SIGKILLed; a kiosk issues a token meanwhile; the broker comes back."""
    kill(broker.p)
    rc, out, _ = k1.replay("tests/e2e/flow_bn.replay")
    got = confirmed(out)
    check("broker-down/kiosk-still-issues", rc == 0 and len(got) == 1, out[-300:])
    broker.start()
    rc1, out1 = k1.sync_now()
    rc2, out2 = k2.sync_now()
    check("broker-restart/outboxes-drain", rc1 == 0 and rc2 == 0, f"{out1} | {out2}")
    token = got[0][1] if got else None
    w = wait_for(lambda: token in board.waiting(s1) and board.waiting(s1), 30)
    check("broker-restart/board-gets-token", w and token in w, f"{token} not in {w}")
    # Every request of both kiosks' journals in the register exactly once, none extra.
    journals = [r["tracking"] for k in (k1, k2) for r in k.journal()]
    rows = wait_for(lambda: (lambda r: r if once_each(r, journals) else None)(reg.export()),
                    30) or reg.export()
    kiosk_rows = [r["tracking"] for r in rows if r["terminal"] in ("T01", "T02")]
    check("broker-restart/register-has-every-request-once",
          len(journals) == 3 and sorted(kiosk_rows) == sorted(journals),
          f"journals {journals}, register {kiosk_rows}")


def figures_for_kiosks(broker):
    """Today's figures reach the kiosks in the board's retained state (technician page)."""
    topic = f"{PREFIX}/{CENTRE}/board/queue"

    def noshow_counted():
        try:
            t = json.loads(retained(broker.port, topic) or "{}").get("today", {})
        except ValueError:
            return None
        return t if t.get("all", {}).get("noshow", 0) >= 1 and t.get("counters") else None
    t = wait_for(noshow_counted, 10)
    check("board/today-for-kiosks", t, f"{retained(broker.port, topic)[:300]!r}")


def band_conflict(tmp, broker, reg, k3):
    """A third kiosk claims band 1: the register refuses it; it then will not confirm."""
    with open(os.path.join(tmp, "hello.replay"), "w") as f:
        f.write("expect screen:welcome\n")
    rc, out, _ = k3.replay(os.path.join(tmp, "hello.replay"))
    topic = f"{PREFIX}/{CENTRE}/T03/control"
    ctl = wait_for(lambda: "token_band" in retained(broker.port, topic) and
                   retained(broker.port, topic), 20)
    check("band/refused-by-register", rc == 0 and ctl and "band 1 is held by T01" in ctl and
          f"refused terminal {CENTRE}/T03" in read(reg.log), f"{rc} {ctl!r} {out[-200:]}")
    script = os.path.join(tmp, "refused.replay")
    with open("tests/e2e/flow_bn.replay") as src, open(script, "w") as f:
        for line in src:
            if line.startswith("shot "):
                continue
            f.write(line)
            if line.strip() == "press confirm":
                break
        f.write("expect dialog:error\nabsent screen:done\n")
    rc, out, _ = k3.replay(script)
    check("band/kiosk-refuses-to-confirm", rc == 0 and "not confirmed" in out and
          not confirmed(out) and not k3.journal(), f"exit {rc}: {out[-300:]}")


def demo_check():
    r = subprocess.run([os.path.join(ROOT, "tools", "demo-centre"), "--check", "--build", BUILD],
                       capture_output=True, text=True, timeout=240, env=ENV, cwd=ROOT)
    out = r.stdout + r.stderr
    check("demo-centre/starts-and-stops", r.returncode == 0 and "demo-centre: ready" in out,
          f"exit {r.returncode}: {out[-500:]}")


def main():
    for tool in ("mosquitto", "mosquitto_pub", "mosquitto_sub", "zbarimg"):
        if not shutil.which(tool):
            return check("setup", False, f"{tool} is not installed")
    for prog in (KIOSK, REGISTER, SIM):
        if not os.access(prog, os.X_OK):
            return check("setup", False, f"{prog} is missing (make, and make test's tools)")
    tmp = tempfile.mkdtemp(prefix="check-centre-")
    os.chmod(tmp, 0o711)
    try:
        keys, regkeys = os.path.join(tmp, "keys"), os.path.join(tmp, "regkeys")
        os.makedirs(keys)
        subprocess.run([REGISTER, "--keygen", regkeys], capture_output=True, check=True)
        broker = Broker(tmp)
        broker.start()
        reg = Register(tmp, broker, keys, regkeys)
        k1 = Kiosk(tmp, "T01", "1", reg.url, regkeys, broker)
        k2 = Kiosk(tmp, "T02", "2", reg.url, regkeys, broker)
        k3 = Kiosk(tmp, "T03", "1", reg.url, regkeys, broker)
        if not all(k.first_start(keys) for k in (k1, k2, k3)):
            return
        t4 = os.path.join(tmp, "T04")  # the source of the signed events published by hand
        os.makedirs(t4)
        subprocess.run([SIM, "keygen", t4], check=True, capture_output=True)
        shutil.copy(t4 + "/signing.pub", os.path.join(keys, f"{CENTRE}-T04.pub"))
        if not check("register/started", reg.start(), read(reg.log)[-300:]):
            return
        board = Board(tmp, broker)
        if not board.set_pins() or not check("board/started", board.start(),
                                               read(board.log)[-300:]):
            return
        # The board's persistent session is subscribed before the first kiosk confirms.
        check("board/online", wait_for(lambda: '"online":true' in retained(
            broker.port, f"{PREFIX}/{CENTRE}/board/status").replace(" ", ""), 20), "")
        issued, s1 = kiosks_issue(tmp, broker, reg, board, k1, k2)
        counters(broker, reg, board, s1, issued)
        figures_for_kiosks(broker)
        box = os.path.join(regkeys, "register.box.pub")
        priority(tmp, broker, reg, board, s1, t4 + "/signing.key", box)
        board_killed(tmp, broker, reg, board, s1, t4 + "/signing.key", box)
        broker_killed(tmp, broker, reg, board, s1, k1, k2)
        band_conflict(tmp, broker, reg, k3)
        kill(reg.p, signal.SIGTERM)
        check("register/clean-stop", reg.p.returncode == 0, f"exit status {reg.p.returncode}")
    finally:
        for p in procs:
            kill(p)
        shutil.rmtree(tmp, ignore_errors=True)
    demo_check()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the finally clauses still run
    try:
        main()
    except Exception as e:  # a crash of the check is a failure, never a silent pass
        check("script", False, f"{type(e).__name__}: {e}")
    sys.exit(1 if failures else 0)
