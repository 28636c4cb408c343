#!/usr/bin/env python3
"""The journal survives kill -9: hundreds of citizen flows on ONE data folder, most of them
killed with SIGKILL at a random moment (start-up, the form, around confirm, printing), two
kiosks at a time on the same journal; then, with every kiosk stopped, the journal and the
receipts that reached the printer are checked. Prints one PASS/FAIL line per check (as
tests/check-cli.sh does); a summary goes to stderr. Exits 0: tests/run.sh counts the lines
(if the test itself cannot run, that is a "FAIL crash/setup" line).

  python3 tests/crash-test.py build/kiosk [--runs N] [--seed S] [--jobs J] [--keep DIR]
  python3 tests/crash-test.py build/kiosk --self-test

Each run: build/kiosk --headless --size 800x480 --data DIR --printer file:DIR/printed.bin
--paper tm-t88 --now DAYTHH:MM --replay tests/e2e-crash/FLOW.replay. Every run gets its own
--now minute, so a request's created_at tells which run committed it. Checks:
  crash/integrity          PRAGMA integrity_check is ok, and no journal was moved aside
  crash/tokens-unique      (day, prefix, number) and (day, token) unique in the journal, and
                           no token confirmed twice on stderr
  crash/tracking-unique    tracking ids unique, each day's tracking sequence without repeats
  crash/confirmed-kept     every "confirmed request T token K" that reached stderr is in the
                           journal with that token
  crash/receipts-committed every QR payload that reached the printer (GS ( k store + print,
                           native on tm-t88) names a committed request (and its token)
  crash/token-seq          token_seq never behind the highest number issued for a day/prefix
  crash/clean-run          after all the kills a run starts, confirms, prints; its token
                           follows the highest before it
  crash/uninterrupted-runs every run that was not killed ended with status 0 and confirmed
  crash/parallel-fresh-start  two kiosks started together on an empty data folder both work
                           (with strace, once for certain: the first one is held inside the
                           commit that creates the schema while the second one starts)
  crash/first-start-killed    the first start on an empty folder killed at exact system
                           calls (strace fault injection; SKIP line without strace): the next
                           start works, signing.pub is there and matches signing.key
  crash/self-test          each check fails on a copy of the data broken on purpose
--self-test alone makes a small data folder, then prints one line per sabotage.
"""
import argparse
import base64
import calendar
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
FLOW_DIR = os.path.join(HERE, "e2e-crash")
# flow file, token prefix, service id
FLOWS = [
    ("soil_test_bn.replay", "H", "soil_test"),
    ("electricity_bill_en.replay", "F", "electricity_bill"),
    ("nid_reissue_bn.replay", "B", "nid_reissue"),
    ("birth_cert_copy_en.replay", "A", "birth_cert_copy"),
]
DAYS = ["2026-11-27", "2026-11-28", "2026-11-29"]
FRESH_PAIRS = 6
FIRST_MINUTE = 6 * 60  # runs start at 06:00 + their index in minutes (Asia/Dhaka)

CONFIRM_RE = re.compile(r"kiosk: confirmed request (\S+) token (\S+)")
TRACKING_RE = re.compile(r"^(.+)-(\d{8})-(\d+)$")
QR_STORE_RE = re.compile(rb"\x1d\x28\x6b(.)(.)\x31\x50\x30", re.S)  # GS ( k pL pH 1 P 0
QR_PRINT = b"\x1d\x28\x6b\x03\x00\x31\x51\x30"  # GS ( k 3 0 1 Q 0
ESC_AT = b"\x1b\x40"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def short(text, head=70, tail=90):
    """A long kiosk message (one quotes a whole schema) cut in the middle."""
    text = " ".join(text.split())
    return text if len(text) <= head + tail + 5 else text[:head] + " [...] " + text[-tail:]


def traced_env():
    """For a kiosk under strace: LeakSanitizer (an ASan build) cannot work under ptrace."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    return env


def now_arg(day, minute):
    return "%sT%02d:%02d" % (day, minute // 60, minute % 60)


def dhaka_epoch(day, minute):
    y, m, d = (int(x) for x in day.split("-"))
    return calendar.timegm((y, m, d, minute // 60, minute % 60, 0)) - 6 * 3600


class Run:
    """One kiosk process: what was planned and what happened."""

    def __init__(self, index, flow, day, minute, target="finish", u=0.0):
        self.index, self.flow, self.day, self.minute = index, flow, day, minute
        self.target, self.u = target, u  # the phase aimed at, where in it (0..1)
        self.kill_at = None  # seconds after spawn (for "printing": after the confirmation)
        self.rc = None
        self.killed = False  # SIGKILL landed (the process had not ended by itself)
        self.elapsed = 0.0
        self.confirmations = []  # (tracking, token) read from stderr
        self.other = []  # other stderr lines
        self.confirm_time = None  # seconds from spawn to the confirmation line
        self.first_line_time = None  # seconds from spawn to the first stderr line
        self.estimate = None  # (start-up, confirm, end) used to aim the kill

    @property
    def epoch(self):
        return dhaka_epoch(self.day, self.minute)


class Timing:
    """How long a normal run takes, per flow: measured first, then kept up to date from the
    runs themselves (the machine may be busier or quieter than when it was measured)."""

    def __init__(self, startup, samples):
        self.lock = threading.Lock()
        self.startup0 = startup
        self.confirm = {f: [c for c, _ in v] for f, v in samples.items()}
        self.end = {f: [e for _, e in v] for f, v in samples.items()}
        self.confirm0 = {f: statistics.median(v) for f, v in self.confirm.items()}

    def get(self, flow):
        with self.lock:
            c = statistics.median(self.confirm[flow][-7:])
            e = statistics.median(self.end[flow][-7:])
            s = self.startup0 * c / self.confirm0[flow]
        return min(s, c), c, max(e, c)

    def learn(self, run):
        with self.lock:
            if run.confirm_time is not None:
                self.confirm[run.flow[0]].append(run.confirm_time)
            if run.rc == 0 and run.confirm_time is not None:
                self.end[run.flow[0]].append(run.elapsed)


def kiosk_cmd(kiosk, data, flow, day, minute):
    return [kiosk, "--headless", "--size", "800x480", "--data", data,
            "--printer", "file:" + os.path.join(data, "printed.bin"), "--paper", "tm-t88",
            "--now", now_arg(day, minute), "--replay", flow]


def aim(run, timing):
    """When to kill: (seconds after spawn, or None), and whether to count from the
    confirmation line instead of the spawn."""
    if run.target == "finish" or timing is None:
        return None, False
    s, c, e = run.estimate = timing.get(run.flow[0])
    u = run.u
    if run.target == "start-up":
        return u * s, False
    if run.target == "form":
        return s + u * (c - s), False
    if run.target == "confirm":  # a few milliseconds either side of the commit
        return max(0.0, c + (2 * u - 1) * 0.005), False
    if run.target == "printing":  # composing and sending the receipt, after the line
        return u * 0.6 * (e - c), True  # the rest of e - c is "finish" and the exit
    return e * (1 + 0.3 * u), False  # beyond: usually too late, the run ends by itself


def execute(kiosk, data, run, flow_path=None, timing=None, barrier=None, wrapper=()):
    """Run one kiosk, reading its stderr as it comes; SIGKILL it where run.target says."""
    path = flow_path or os.path.join(FLOW_DIR, run.flow[0])
    cmd = list(wrapper) + kiosk_cmd(kiosk, data, path, run.day, run.minute)
    kill_at, after_confirm = aim(run, timing)
    run.kill_at = kill_at
    if barrier:
        barrier.wait()
    for attempt in range(100):
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, env=traced_env() if wrapper else None)
            break
        except OSError:  # the program is being relinked (ETXTBSY, EACCES): wait for it
            if attempt == 99:
                raise
            time.sleep(0.2)
    t0 = time.monotonic()
    confirmed = threading.Event()

    def reader():
        for raw in p.stderr:
            t = time.monotonic() - t0
            line = raw.decode("utf-8", "replace").strip()
            if run.first_line_time is None:
                run.first_line_time = t
            m = CONFIRM_RE.search(line)
            if m:
                run.confirmations.append((m.group(1), m.group(2)))
                if run.confirm_time is None:
                    run.confirm_time = t
                    confirmed.set()
            elif line:
                run.other.append(line)
        confirmed.set()  # the end of stderr: nothing more will come

    th = threading.Thread(target=reader)
    th.start()
    if kill_at is not None:
        if after_confirm:
            confirmed.wait(timeout=60)
            deadline = t0 + (run.confirm_time or 0) + kill_at
        else:
            deadline = t0 + kill_at
        left = deadline - time.monotonic()
        if left > 0:
            time.sleep(left)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        run.other.append("(did not end within 60 s: killed)")
    th.join()
    p.stderr.close()
    run.elapsed = time.monotonic() - t0
    run.rc = p.returncode
    run.killed = p.returncode == -signal.SIGKILL
    if timing:
        timing.learn(run)
    return run


# ---------------------------------------------------------------------------------------
# Reading what was left behind


def open_ro(db):
    return sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(db), uri=True)


def printed_receipts(blob):
    """Split the printer file into jobs (ESC @) and return (jobs, complete, partial):
    complete = [(payload, job index)] for every QR code stored AND printed in a job."""
    jobs = blob.split(ESC_AT)[1:] if blob else []
    complete, partial = [], 0
    for ji, job in enumerate(jobs):
        for m in QR_STORE_RE.finditer(job):
            n = m.group(1)[0] + 256 * m.group(2)[0] - 3
            start = m.end()
            payload = job[start:start + n]
            printed = job[start + n:start + n + len(QR_PRINT)] == QR_PRINT
            if n >= 0 and len(payload) == n and printed:
                complete.append((payload, ji))
            else:
                partial += 1  # cut short by a kill: the printer never printed this QR
    return len(jobs), complete, partial


def payload_parts(payload):
    """(tracking, token or None, service or None) from [<url>/]<tracking>[?t=..&s=..&sig=..]."""
    text = payload.decode("ascii")
    path, _, query = text.partition("?")
    q = urllib.parse.parse_qs(query)
    return (path.rsplit("/", 1)[-1], (q.get("t") or [None])[0], (q.get("s") or [None])[0])


def run_checks(data, confirmations):
    """Checks 1-6 on a data folder; confirmations = [(tracking, token)] seen on stderr.
    Returns [(name, ok, detail)]."""
    db = os.path.join(data, "journal.sqlite")
    out = []

    def add(name, problems, extra=""):
        problems = [str(p) for p in problems]
        detail = "; ".join(problems[:5]) + (" (and %d more)" % (len(problems) - 5)
                                            if len(problems) > 5 else "")
        out.append(("crash/" + name, not problems, " / ".join((detail or extra).split("\n"))))

    rows = []
    try:
        con = open_ro(db)
        try:
            ic = [r[0] for r in con.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as e:
            ic = ["integrity_check: %s" % e]
        aside = sorted(f for f in os.listdir(data)
                       if f == "journal.DAMAGED" or ".damaged-" in f)
        add("integrity", ([] if ic == ["ok"] else ic[:5]) +
            (["moved aside as damaged: %s" % " ".join(aside)] if aside else []))
        try:
            rows = con.execute("SELECT tracking_id, token, day, prefix, number, service_id "
                               "FROM requests").fetchall()
            seq = {(d, p): last for d, p, last in
                   con.execute("SELECT day, prefix, last FROM token_seq")}
        except sqlite3.DatabaseError as e:
            con.close()
            for n in ("tokens-unique", "tracking-unique", "confirmed-kept",
                      "receipts-committed", "token-seq"):
                add(n, ["cannot read the journal: %s" % e])
            return out
        con.close()
    except sqlite3.DatabaseError as e:
        add("integrity", ["cannot open the journal: %s" % e])
        for n in ("tokens-unique", "tracking-unique", "confirmed-kept", "receipts-committed",
                  "token-seq"):
            add(n, ["cannot open the journal"])
        return out

    def dups(keys):
        seen, d = set(), []
        for k in keys:
            if k in seen:
                d.append(k)
            seen.add(k)
        return d

    def date_of(tracking):
        m = TRACKING_RE.match(tracking)
        return m.group(2) if m else None

    # 2. No token issued twice, in the journal or on stderr.
    p = ["journal: (day, prefix, number) %s issued twice" % (k,)
         for k in dups((d, pf, n) for _, _, d, pf, n, _ in rows)]
    p += ["journal: token %s on %s issued twice" % (k[1], k[0])
          for k in dups((d, tok) for _, tok, d, _, _, _ in rows)]
    p += ["journal: token %s is not prefix %s number %d" % (tok, pf, n)
          for _, tok, _, pf, n, _ in rows if tok != "%s-%03d" % (pf, n)]
    p += ["stderr: token %s confirmed twice on %s" % (k[1], k[0])
          for k in dups((date_of(t), tok) for t, tok in set(confirmations))]
    add("tokens-unique", p)

    # 3. Tracking ids unique; each day's tracking sequence without repeats.
    p = ["journal: tracking id %s twice" % k for k in dups(t for t, *_ in rows)]
    parsed = []
    for t, _, d, *_ in rows:
        m = TRACKING_RE.match(t)
        if not m or m.group(2) != d.replace("-", ""):
            p.append("journal: tracking id %s does not carry its day %s" % (t, d))
        else:
            parsed.append((d, int(m.group(3))))
    p += ["journal: day %s tracking sequence %d twice" % k for k in dups(parsed)]
    p += ["stderr: tracking id %s confirmed twice (with %s)" % (t, ", ".join(
        tok for tt, tok in confirmations if tt == t)) for t in dups(t for t, _ in confirmations)]
    add("tracking-unique", p)

    # 4. Every confirmation that reached stderr is in the journal with its token.
    by_tracking = {r[0]: r for r in rows}
    p = []
    for t, tok in confirmations:
        r = by_tracking.get(t)
        if r is None:
            p.append("%s (token %s) confirmed but not in the journal" % (t, tok))
        elif r[1] != tok:
            p.append("%s confirmed with token %s, journal says %s" % (t, tok, r[1]))
    add("confirmed-kept", p)

    # 5. Every receipt that reached the printer belongs to a committed request.
    try:
        with open(os.path.join(data, "printed.bin"), "rb") as f:
            blob = f.read()
    except FileNotFoundError:
        blob = b""
    njobs, complete, partial = printed_receipts(blob)
    p = []
    for payload, ji in complete:
        try:
            t, tok, svc = payload_parts(payload)
        except UnicodeDecodeError:
            p.append("job %d: QR payload %r is not text" % (ji, payload[:60]))
            continue
        r = by_tracking.get(t)
        if r is None:
            p.append("job %d: receipt %s printed, no such request in the journal" % (ji, t))
        elif tok is not None and tok != r[1]:
            p.append("job %d: receipt %s printed with token %s, journal says %s"
                     % (ji, t, tok, r[1]))
        elif svc is not None and svc != r[5]:
            p.append("job %d: receipt %s printed for service %s, journal says %s"
                     % (ji, t, svc, r[5]))
    add("receipts-committed", p)

    # 6. token_seq never behind what was issued (prefixes, and '*' for tracking ids).
    top = {}
    for _, _, d, pf, n, _ in rows:
        top[(d, pf)] = max(top.get((d, pf), 0), n)
    for d, s in parsed:
        top[(d, "*")] = max(top.get((d, "*"), 0), s)
    p = ["token_seq %s %s is %s, %d was issued" % (d, pf, seq.get((d, pf), "missing"), n)
         for (d, pf), n in sorted(top.items()) if seq.get((d, pf), 0) < n]
    add("token-seq", p)
    out.append(("stats", True, (len(rows), njobs, len(complete), partial)))
    return out


def clean_run(kiosk, data, day, minute, flow=FLOWS[0]):
    """7. A run after the kills starts, confirms, prints; its token follows the highest.
    Returns (ok, detail, run)."""
    db = os.path.join(data, "journal.sqlite")
    prefix = flow[1]
    try:
        con = open_ro(db)
        before = con.execute("SELECT MAX(number) FROM requests WHERE day=? AND prefix=?",
                             (day, prefix)).fetchone()[0] or 0
        con.close()
    except sqlite3.DatabaseError as e:
        return False, "cannot read the journal: %s" % e, None
    pbin = os.path.join(data, "printed.bin")
    size = os.path.getsize(pbin) if os.path.exists(pbin) else 0
    run = execute(kiosk, data, Run(-1, flow, day, minute))
    want = "%s-%03d" % (prefix, before + 1)
    if run.rc != 0 or len(run.confirmations) != 1:
        return False, "exit status %s, confirmations %s: %s" % (
            run.rc, run.confirmations, short(" | ".join(run.other[-3:]))), run
    tracking, token = run.confirmations[0]
    if token != want:
        return False, "token %s, expected %s (highest before: %d)" % (token, want, before), run
    try:
        con = open_ro(db)
        r = con.execute("SELECT token, print_status FROM requests WHERE tracking_id=?",
                        (tracking,)).fetchone()
        con.close()
    except sqlite3.DatabaseError as e:
        return False, "cannot read the journal afterwards: %s" % e, run
    if not r or r[0] != token or r[1] != "printed":
        return False, "journal row for %s: %s" % (tracking, r), run
    with open(pbin, "rb") as f:
        f.seek(size)
        _, complete, _ = printed_receipts(f.read())
    if [payload_parts(pl)[0] for pl, _ in complete] != [tracking]:
        return False, "new printer bytes hold receipts %s, expected %s" % (
            [payload_parts(pl)[0] for pl, _ in complete], tracking), run
    return True, "%s %s" % (tracking, token), run


# ---------------------------------------------------------------------------------------
# Self-test: break copies of the data on purpose; each check must notice.


def copy_data(src, dst):
    """A consistent copy: the journal through SQLite's backup API, the rest as files."""
    os.makedirs(dst)
    for f in os.listdir(src):
        if not f.startswith("journal.sqlite") and os.path.isfile(os.path.join(src, f)):
            shutil.copy2(os.path.join(src, f), os.path.join(dst, f))
    s = open_ro(os.path.join(src, "journal.sqlite"))
    d = sqlite3.connect(os.path.join(dst, "journal.sqlite"))
    s.backup(d)
    s.close()
    d.execute("PRAGMA journal_mode=WAL")
    d.close()


def rebuild_without_constraints(con):
    """requests without its UNIQUE constraints, so that a duplicate can be inserted."""
    cols = [r[1] for r in con.execute("PRAGMA table_info(requests)")]
    con.executescript("CREATE TABLE r2 AS SELECT * FROM requests; DROP TABLE requests; "
                      "ALTER TABLE r2 RENAME TO requests;")
    return cols


def insert_copy(con, cols, tracking_src, **changes):
    row = dict(zip(cols, con.execute("SELECT * FROM requests WHERE tracking_id=?",
                                     (tracking_src,)).fetchone()))
    row.update(changes)
    con.execute("INSERT INTO requests(%s) VALUES(%s)" % (",".join(row), ",".join("?" * len(row))),
                list(row.values()))


def fake_job(payload):
    """A receipt as the kiosk sends it to a tm-t88: ESC @, a band, the native QR, a cut."""
    n = len(payload) + 3
    return (ESC_AT + b"\x1dv0\x00\x01\x00\x01\x00\xff"
            + b"\x1d(k\x04\x001A2\x00" + b"\x1d(k\x03\x001C\x06" + b"\x1d(k\x03\x001E1"
            + b"\x1d(k" + bytes([n & 0xFF, n >> 8]) + b"1P0" + payload + QR_PRINT
            + b"\x1bd\x04\x1dV\x01")


def self_test(kiosk, data, confirmations, tmp, day, minute):
    """Returns [(sabotage, caught, detail)]."""
    results = []
    # A real failure in the data must not count as the self-test's: a copy left alone must
    # check the same as the original, and each sabotage must then make its check fail.
    base = {n: ok for n, ok, _ in run_checks(data, confirmations)}
    d = os.path.join(tmp, "sabotage-none")
    copy_data(data, d)
    same = {n: ok for n, ok, _ in run_checks(d, confirmations)}
    shutil.rmtree(d, ignore_errors=True)
    results.append(("control: an untouched copy checks as the original", same == base,
                    "original %s, copy %s" % (base, same)))
    con = open_ro(os.path.join(data, "journal.sqlite"))
    rows = con.execute("SELECT tracking_id, token, day, prefix, number FROM requests "
                       "ORDER BY id").fetchall()
    con.close()
    if len(rows) < 2 or not confirmations:
        return results + [("data", False, "too few requests to break (%d)" % len(rows))]
    conf = confirmations[0]
    first = rows[0]
    other = next((r for r in rows if (r[2], r[3]) != (first[2], first[3])), rows[1])
    counter = [0]

    def case(name, expect, sabotage, confs=None, negative=False):
        counter[0] += 1
        d = os.path.join(tmp, "sabotage-%02d" % counter[0])
        copy_data(data, d)
        sabotage(d)
        res = {n: (ok, det) for n, ok, det in run_checks(d, confs or confirmations)}
        ok, det = res["crash/" + expect]
        caught = ok == base["crash/" + expect] if negative else not ok
        results.append((name, caught, det or "not noticed"))
        shutil.rmtree(d, ignore_errors=True)

    def sql(script, rebuild=None):
        def go(d):
            con = sqlite3.connect(os.path.join(d, "journal.sqlite"))
            if rebuild:
                rebuild(con, rebuild_without_constraints(con))
            if script:
                con.executescript(script)
            con.commit()
            con.close()
        return go

    def corrupt_index(d):
        db = os.path.join(d, "journal.sqlite")
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=DELETE")
        page = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE type='index' AND "
                           "tbl_name='requests' ORDER BY name").fetchone()[0]
        con.close()
        with open(db, "r+b") as f:
            f.seek((root - 1) * page + 8)
            f.write(b"\x7f" * 64)

    def marker(d):
        with open(os.path.join(d, "journal.DAMAGED"), "w") as f:
            f.write("the journal was damaged (test) and was moved to x\n")

    def append(blob):
        def go(d):
            with open(os.path.join(d, "printed.bin"), "ab") as f:
                f.write(blob)
        return go

    case("integrity: a damaged index page", "integrity", corrupt_index)
    case("integrity: a journal moved aside as damaged", "integrity", marker)
    case("tokens: a (day, prefix, number) issued twice", "tokens-unique",
         sql(None, lambda c, cols: insert_copy(c, cols, first[0], tracking_id=first[0] + "x")))
    case("tokens: a token string issued twice on a day", "tokens-unique",
         sql(None, lambda c, cols: insert_copy(c, cols, first[0], tracking_id=first[0] + "x",
                                               number=first[4] + 900)))
    case("tokens: a token confirmed twice on stderr", "tokens-unique", lambda d: None,
         confs=confirmations + [(conf[0][:-4] + "9999", conf[1])])
    case("tracking: a tracking id twice", "tracking-unique",
         sql(None, lambda c, cols: insert_copy(c, cols, first[0], number=first[4] + 900,
                                               token="%s-%03d" % (first[3], first[4] + 900))))
    t = TRACKING_RE.match(first[0])
    case("tracking: a day's sequence number twice", "tracking-unique",
         sql(None, lambda c, cols: insert_copy(
             c, cols, first[0], tracking_id="X-T99-%s-%s" % (t.group(2), t.group(3)),
             number=first[4] + 900, token="%s-%03d" % (first[3], first[4] + 900))))
    case("tracking: a tracking id confirmed twice on stderr", "tracking-unique", lambda d: None,
         confs=confirmations + [(conf[0], "Z-999")])
    case("confirmed: a confirmed request missing", "confirmed-kept",
         sql("PRAGMA foreign_keys=ON; DELETE FROM outbox WHERE request_id IN (SELECT id FROM "
             "requests WHERE tracking_id='%s'); DELETE FROM requests WHERE tracking_id='%s';"
             % (conf[0], conf[0])))
    case("confirmed: a confirmed request with another token", "confirmed-kept",
         sql("UPDATE requests SET token='Z-999' WHERE tracking_id='%s';" % conf[0]))
    case("receipts: a printed receipt of no request", "receipts-committed",
         append(fake_job(b"UDC-0001-T01-20991231-9999?t=Z-001&s=soil_test&sig=AAAA")))
    case("receipts: a printed receipt with another token", "receipts-committed",
         append(fake_job(("%s?t=Z-999&s=x&sig=AAAA" % first[0]).encode())))
    case("receipts: a receipt cut short inside its QR payload is fine", "receipts-committed",
         append(fake_job(b"UDC-0001-T01-20991231-9999?t=Z-001")[:-40]), negative=True)
    case("token-seq: a prefix sequence one behind", "token-seq",
         sql("UPDATE token_seq SET last=last-1 WHERE day='%s' AND prefix='%s';"
             % (other[2], other[3])))
    case("token-seq: the tracking sequence one behind", "token-seq",
         sql("UPDATE token_seq SET last=last-1 WHERE day='%s' AND prefix='*';" % first[2]))

    # 7: a journal whose sequence is behind makes the clean run fail (the kiosk runs).
    d = os.path.join(tmp, "sabotage-clean")
    copy_data(data, d)
    con = sqlite3.connect(os.path.join(d, "journal.sqlite"))
    con.execute("UPDATE token_seq SET last=last-1 WHERE day=? AND prefix=?", (day, FLOWS[0][1]))
    con.commit()
    con.close()
    ok, det, _ = clean_run(kiosk, d, day, minute)
    results.append(("clean-run: a journal whose sequence is behind", not ok, det))
    shutil.rmtree(d, ignore_errors=True)
    return results


# ---------------------------------------------------------------------------------------


def baseline(kiosk, tmp, jobs):
    """Time normal runs (two at a time, as in the stress), and start-up: a replay whose
    first line fails says so on stderr as soon as the kiosk is ready for the first touch."""
    data = os.path.join(tmp, "baseline")
    execute(kiosk, data, Run(0, FLOWS[0], DAYS[0], 0))  # makes the journal
    empty = os.path.join(tmp, "startup.replay")
    with open(empty, "w") as f:
        f.write("press no-such-widget\n")
    runs = [Run(i, FLOWS[i % len(FLOWS)], DAYS[0], 1 + i) for i in range(3 * len(FLOWS))]
    starts = [Run(100 + i, FLOWS[0], DAYS[0], 100 + i) for i in range(len(runs))]
    with ThreadPoolExecutor(jobs) as ex:  # interleaved: both see the same load
        list(ex.map(lambda rs: execute(kiosk, data, rs[0], flow_path=rs[1]),
                    [x for pair in zip(zip(runs, [None] * len(runs)),
                                       zip(starts, [empty] * len(starts))) for x in pair]))
    bad = [r for r in runs if r.rc != 0 or r.confirm_time is None]
    if bad:
        raise RuntimeError("a normal run fails (%s): exit %s: %s"
                           % (bad[0].flow[0], bad[0].rc, short(" | ".join(bad[0].other))))
    samples = {fl[0]: [(r.confirm_time, r.elapsed) for r in runs if r.flow == fl]
               for fl in FLOWS}
    startup = statistics.median(r.first_line_time or r.elapsed for r in starts)
    shutil.rmtree(data, ignore_errors=True)
    return Timing(startup, samples)


TARGETS = [  # (phase aimed at, share of the runs)
    ("finish", 0.15), ("start-up", 0.17), ("form", 0.18), ("confirm", 0.22),
    ("printing", 0.18), ("beyond", 0.10)]


def plan(rng, n):
    """Seeded: flow, day, the phase to kill in and where in it."""
    runs = []
    for i in range(n):
        flow = FLOWS[rng.randrange(len(FLOWS))]
        day = rng.choice(DAYS)
        x, target = rng.random(), TARGETS[-1][0]
        for name, share in TARGETS:
            if x < share:
                target = name
                break
            x -= share
        runs.append(Run(i, flow, day, FIRST_MINUTE + i, target, rng.random()))
    return runs


def parallel_fresh_start(kiosk, tmp, pairs):
    """Two kiosks started together on an empty data folder: both must start and confirm.
    With strace, once for certain: the first kiosk is held inside the commit that creates
    the schema (its first sync of the new journal's log takes 1.5 s) while the second one
    starts. Then `pairs` times as it comes. Returns ({message: count}, kiosks started)."""
    problems, started = {}, 0

    def failed(r):
        if r.rc != 0 or len(r.confirmations) != 1:
            m = "exit %s: %s" % (r.rc, short(" | ".join(r.other)))
            problems[m] = problems.get(m, 0) + 1

    strace = shutil.which("strace")
    if strace:
        data = os.path.join(tmp, "fresh-held")
        os.makedirs(data)
        wal = os.path.join(data, "journal.sqlite-wal")
        a = Run(0, FLOWS[0], DAYS[0], 0)
        b = Run(1, FLOWS[1], DAYS[0], 1)
        hold = [strace, "-f", "-qq", "-o", "/dev/null", "-P", wal,
                "-e", "trace=fsync,fdatasync",
                "-e", "inject=fsync,fdatasync:delay_enter=1500000:when=1"]
        th = threading.Thread(target=execute, args=(kiosk, data, a), kwargs={"wrapper": hold})
        th.start()
        deadline = time.monotonic() + 20
        while th.is_alive() and time.monotonic() < deadline and not (
                os.path.exists(wal) and os.path.getsize(wal) > 0):
            time.sleep(0.005)
        execute(kiosk, data, b)
        th.join()
        if any("strace: " in line for line in a.other) and a.rc != 0:
            pass  # no ptrace here: only the pairs below
        else:
            failed(a)
            failed(b)
            started += 2
        shutil.rmtree(data, ignore_errors=True)
    for i in range(pairs):
        data = os.path.join(tmp, "fresh-%d" % i)
        a = Run(0, FLOWS[0], DAYS[0], 0)
        b = Run(1, FLOWS[1], DAYS[0], 1)
        go = threading.Barrier(2)
        ts = [threading.Thread(target=execute, args=(kiosk, data, r), kwargs={"barrier": go})
              for r in (a, b)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        failed(a)
        failed(b)
        started += 2
        shutil.rmtree(data, ignore_errors=True)
    return problems, started


KILL_POINTS = [  # (where, file, system call): strace kills the kiosk at that call
    ("the first write of a new journal's log", "journal.sqlite-wal", "write"),
    ("signing.key created, before its bytes", "signing.key", "write"),
    ("signing.key written, before its fsync", "signing.key", "fsync"),
    ("signing.key made, before signing.pub", "signing.pub", "openat"),
]


def first_start_kills(kiosk, tmp):
    """The very first start on an empty data folder killed at exact moments (strace fault
    injection: SIGKILL at a system call on a file): the next start must work, and the
    terminal's public key must be there and match its signing key. None without strace."""
    strace = shutil.which("strace")
    if not strace:
        return None
    problems = []
    for i, (where, name, call) in enumerate(KILL_POINTS):
        data = os.path.join(tmp, "first-%d" % i)
        os.makedirs(data)
        cmd = [strace, "-f", "-qq", "-o", "/dev/null", "-P", os.path.join(data, name),
               "-e", "trace=" + call, "-e", "inject=%s:signal=KILL" % call] + kiosk_cmd(
            kiosk, data, os.path.join(FLOW_DIR, FLOWS[0][0]), DAYS[0], 0)
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=60, env=traced_env())
        if p.returncode != -signal.SIGKILL and b"strace: " in p.stderr:
            return None  # cannot trace here (no ptrace in this container)
        r = execute(kiosk, data, Run(1, FLOWS[0], DAYS[0], 1))
        if r.rc != 0 or len(r.confirmations) != 1:
            problems.append("killed at %s%s, the next start: exit %s: %s" % (
                where, "" if p.returncode == -signal.SIGKILL else " (never reached)", r.rc,
                short(" | ".join(r.other))))
            continue
        try:
            with open(os.path.join(data, "signing.key"), "rb") as f:
                pk = f.read()[32:]
            with open(os.path.join(data, "signing.pub")) as f:
                pub = f.read().strip()
            if base64.urlsafe_b64encode(pk).rstrip(b"=").decode() != pub:
                problems.append("killed at %s: signing.pub does not match signing.key" % where)
        except FileNotFoundError as e:
            problems.append("killed at %s, then a normal run: %s is missing (receipts are "
                            "signed with a key whose public half is nowhere)"
                            % (where, os.path.basename(e.filename)))
        shutil.rmtree(data, ignore_errors=True)
    return problems


def classify(runs, data):
    """Where each kill landed, from what it left (the journal row of its --now minute, the
    confirmation on stderr, its receipt in the printer file) and, before the commit, from
    when it was killed against the normal run's timing."""
    con = open_ro(os.path.join(data, "journal.sqlite"))
    by_min = {}
    for created, status in con.execute("SELECT created_at, print_status FROM requests"):
        by_min.setdefault(created // 60 * 60, []).append(status)
    con.close()
    try:
        with open(os.path.join(data, "printed.bin"), "rb") as f:
            printed = {payload_parts(pl)[0] for pl, _ in printed_receipts(f.read())[1]}
    except (OSError, UnicodeDecodeError):
        printed = set()
    phases = {}
    for r in runs:
        if not r.killed:
            continue
        st = by_min.get(r.epoch)
        if r.confirmations:
            # A later start records a receipt left pending as "unknown" (it never sees one
            # print); either way its outcome was not recorded by the run that was killed.
            if st not in (["pending"], ["unknown"]):
                ph = "after printing (print recorded)"
            elif r.confirmations[0][0] in printed:
                ph = "printing: receipt sent, not yet recorded"
            else:
                ph = "printing: before or while sending the receipt"
        elif st:
            ph = "confirm: committed, line not yet on stderr"
        else:
            s, c, _ = r.estimate
            after = r.kill_at if r.target != "printing" else c
            ph = ("start-up" if after < s else "form" if after < c - 0.005 else
                  "confirm: just before or during the commit")
        phases[ph] = phases.get(ph, 0) + 1
    return phases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kiosk")
    ap.add_argument("--runs", type=int, default=240)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="copy the data folder here at the end")
    ap.add_argument("--self-test", action="store_true",
                    help="only: make a small data folder, break copies, check the checks")
    a = ap.parse_args()
    kiosk = os.path.abspath(a.kiosk)
    if not os.access(kiosk, os.X_OK):
        print("FAIL crash/setup: %s is not an executable" % a.kiosk)
        return 0
    rng = random.Random(a.seed)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="crash-test-")
    try:
        data = os.path.join(tmp, "data")
        if a.self_test:
            runs = [Run(i, FLOWS[i % len(FLOWS)], DAYS[i % 2], FIRST_MINUTE + i)
                    for i in range(6)]
            for r in runs:
                execute(kiosk, data, r)
            confs = [c for r in runs for c in r.confirmations]
            res = self_test(kiosk, data, confs, tmp, DAYS[0], FIRST_MINUTE + 50)
            for name, caught, det in res:
                print("%s crash/self-test: %s%s" % ("PASS" if caught else "FAIL", name,
                                                    "" if caught else ": " + det), flush=True)
                if caught and det:
                    log("  caught: " + det)
            log("crash-test: self-test, %d cases, %.1f s" % (len(res),
                                                            time.monotonic() - started))
            return 0

        timing = baseline(kiosk, tmp, a.jobs)

        def describe(what):
            return "%s: %s" % (what, ", ".join(
                "%s start-up %.0f, confirm %.0f, end %.0f ms" % (
                    (f.split("_")[0],) + tuple(x * 1000 for x in timing.get(f)))
                for f, *_ in FLOWS))

        log("crash-test: " + describe("a normal run, two at a time"))
        runs = plan(rng, a.runs)
        t_stress = time.monotonic()
        with ThreadPoolExecutor(a.jobs) as ex:
            list(ex.map(lambda r: execute(kiosk, data, r, timing=timing), runs))
        t_stress = time.monotonic() - t_stress
        log("crash-test: " + describe("at the end"))
        confs = [c for r in runs for c in r.confirmations]

        results = run_checks(data, confs)
        stats = next((d for n, _, d in results if n == "stats"), (0, 0, 0, 0))
        for name, ok, det in results:
            if name != "stats":
                print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + det))
        last_minute = FIRST_MINUTE + a.runs + 1
        ok, det, clean = clean_run(kiosk, data, DAYS[-1], last_minute)
        print("PASS crash/clean-run" if ok else "FAIL crash/clean-run: " + det)
        if clean:
            confs += clean.confirmations

        odd = [r for r in runs if not r.killed and (r.rc != 0 or len(r.confirmations) != 1)]
        odd += [r for r in runs if r.killed and r.rc not in (0, -signal.SIGKILL)]
        print("PASS crash/uninterrupted-runs" if not odd else
              "FAIL crash/uninterrupted-runs: %d of %d: %s" % (
                  len(odd), sum(not r.killed for r in runs), "; ".join(
                      "run %d (%s, %s) exit %s: %s" % (r.index, r.flow[0], r.target, r.rc,
                                                      short(" | ".join(r.other)))
                      for r in odd[:3])))

        fresh, tried = parallel_fresh_start(kiosk, tmp, FRESH_PAIRS)
        print("PASS crash/parallel-fresh-start" if not fresh else
              "FAIL crash/parallel-fresh-start: %d of %d kiosks did not start: %s"
              % (sum(fresh.values()), tried, "; ".join(
                  "%dx %s" % (n, m) for m, n in sorted(fresh.items(), key=lambda kv: -kv[1]))))

        first = first_start_kills(kiosk, tmp)
        if first is None:
            print("SKIP crash/first-start-killed: strace cannot run here")
        else:
            print("PASS crash/first-start-killed" if not first else
                  "FAIL crash/first-start-killed: " + "; ".join(first))

        res = self_test(kiosk, data, confs, tmp, DAYS[-1], last_minute + 1)
        missed = [(n, d) for n, caught, d in res if not caught]
        print("PASS crash/self-test" if not missed else "FAIL crash/self-test: not caught: "
              + "; ".join("%s (%s)" % m for m in missed))

        phases = classify(runs, data)
        kills = sum(r.killed for r in runs)
        log("crash-test: %d runs in %.1f s (%d at a time), %d killed, %d ended by themselves; "
            "%d confirmations seen, %d requests in the journal, %d print jobs, %d receipts "
            "(QR) printed, %d cut inside the QR; %.1f s in all"
            % (len(runs), t_stress, a.jobs, kills, len(runs) - kills, len(confs), stats[0],
               stats[1], stats[2], stats[3], time.monotonic() - started))
        log("crash-test: kills by phase: " + ", ".join(
            "%s %d" % kv for kv in sorted(phases.items(), key=lambda kv: -kv[1])))
        if a.keep:
            shutil.copytree(data, a.keep, dirs_exist_ok=True)
        return 0
    except Exception as e:  # the test itself could not run: say so as a failed check
        print("FAIL crash/setup: %s: %s" % (type(e).__name__, short(str(e), 150, 150)))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
