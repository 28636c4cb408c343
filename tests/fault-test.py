#!/usr/bin/env python3
"""Power loss, I/O errors, a full disk and damaged files under the journal of the real kiosk,
in the manner of SQLite's own crash and I/O error tests. Prints one PASS/FAIL line per check
(as tests/check-cli.sh does) and a summary of what was injected and what came of it; exits 0
(tests/run.sh counts the lines; if the test cannot run, that is a "FAIL fault/setup" line).

  python3 tests/fault-test.py build/kiosk build/tests/faultvfs.so [--seed S] [--soak]

Faults, each in a copy of a data folder with a history of confirmed requests:
  io-confirm     an existing journal: every write, sync and truncate of a whole run (start-up,
                 the confirm transaction, the print record, the checkpoint at exit) fails in
                 turn, once with SQLITE_IOERR and (writes, truncates) with SQLITE_FULL for good
  io-start       the same at every operation of a first start (a new journal) and of the
                 first start after an upgrade (the journal-safety migration)
  io-read        I/O errors at reads of the start-up integrity check
  powercut       power lost before a random operation (faultvfs.so keeps what was last synced
                 and drops, or tears by 512-byte sector, what was written since), sometimes
                 again during the restart's recovery
  disk-full-start   a real full disk (a small tmpfs): the kiosk started with 0 to 512 KB free
  disk-full-confirm the tmpfs filled to the last byte just before each operation of a run
  damaged-wal / damaged-db   bytes flipped at random offsets (seeded) of a journal at rest
  state-file     the write, sync and rename of journal.state failing (strace fault injection)
  lost-journal   journal.sqlite deleted, emptied (as the export's symlink did) or an older
                 copy put back: refused, still refused, and after --new-journal no token or
                 tracking id the kiosk ever showed comes again
  retention-kill a request typed 40 days ago, erased by retention as the kiosk starts, the
                 kiosk then killed: no file of the data folder may still hold the name
After each fault the kiosk is started again, without faults, and must confirm (or, for damaged
files only, refuse as damaged or missing: then a second start still refuses, and after
--new-journal the next token and tracking id are new). Invariants checked after each restart:
every confirmation a citizen saw (the "confirmed request" line) is in the journal with its
token; no token or tracking id issued twice (in the journal, and among all the confirmations
seen); nothing recorded printed whose receipt did not reach the printer, and every receipt
printed belongs to a request; the journal never silently replaced (moved aside only with the
marker, and only for damage). fault/self-test breaks copies on purpose: each check must notice.
"""
import argparse
import importlib.util
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("crash_test", os.path.join(HERE, "crash-test.py"))
ct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ct)

DAY = "2026-11-29"
FLOWS = ct.FLOWS


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Result:
    def __init__(self):
        self.rc = None
        self.confirmations = []
        self.lines = []

    @property
    def text(self):
        return " | ".join(self.lines)


class Ctx:
    """The kiosk, the shim, a temp folder, counters shared by the cases."""

    def __init__(self, kiosk, shim, tmp, seed):
        self.kiosk, self.shim, self.tmp = kiosk, shim, tmp
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.counts = {}
        self.outcomes = {}
        self.problems = {}  # check name -> [problem]
        self.cases = {}  # check name -> number of cases
        self.serial = 0

    def count(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def outcome(self, family, what):
        with self.lock:
            key = (family, what)
            self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def result(self, check, problems, where):
        with self.lock:
            self.cases[check] = self.cases.get(check, 0) + 1
            for p in problems:
                self.problems.setdefault(check, []).append("%s: %s" % (where, p))

    def folder(self, name):
        with self.lock:
            self.serial += 1
            return os.path.join(self.tmp, "%s-%04d" % (name, self.serial))


def run(ctx, data, minute, flow=FLOWS[0], env=None, timeout=60, extra=(), preload=False):
    """One kiosk run on data: the replay of flow at DAY + minute."""
    cmd = ct.kiosk_cmd(ctx.kiosk, data, os.path.join(ct.FLOW_DIR, flow[0]), DAY, minute)
    full = dict(os.environ)
    if env or preload:
        full["LD_PRELOAD"] = ctx.shim
        full.update(env or {})
    r = Result()
    for attempt in range(100):
        try:
            p = subprocess.run(list(extra) + cmd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=full,
                               timeout=timeout)
            r.rc = p.returncode
            err = p.stderr.decode("utf-8", "replace")
            break
        except subprocess.TimeoutExpired as e:
            r.rc = "timeout"
            err = (e.stderr or b"").decode("utf-8", "replace")
            break
        except OSError:  # the program is being relinked (ETXTBSY, EACCES): wait for it
            if attempt == 99:
                raise
            time.sleep(0.2)
    for line in err.splitlines():
        m = ct.CONFIRM_RE.search(line)
        if m:
            r.confirmations.append((m.group(1), m.group(2)))
        elif line.strip():
            r.lines.append(line.strip())
    return r


def plain(ctx, data, minute, flow=FLOWS[0], extra=()):
    return run(ctx, data, minute, flow, extra=extra)


# ---------------------------------------------------------------------------------------
# What a data folder must satisfy


def aside_files(data):
    return sorted(f for f in os.listdir(data) if f == "journal.DAMAGED" or ".damaged-" in f)


def check(data, seen):
    """Problems with a data folder, given every confirmation seen on it: [str]."""
    p = []
    aside = aside_files(data)
    if aside:
        p.append("journal moved aside or refused: %s" % " ".join(aside))
    db = os.path.join(data, "journal.sqlite")
    try:
        con = ct.open_ro(db)
        ic = [r[0] for r in con.execute("PRAGMA integrity_check")]
        rows = con.execute("SELECT tracking_id, token, day, prefix, number, print_status "
                           "FROM requests").fetchall()
        seq = {(d, x): last for d, x, last in con.execute("SELECT day, prefix, last FROM "
                                                             "token_seq")}
        con.close()
    except sqlite3.DatabaseError as e:
        return p + ["cannot read the journal: %s" % e]
    if ic != ["ok"]:
        p.append("integrity_check: %s" % "; ".join(ic[:3]))
    by_tracking = {r[0]: r for r in rows}

    def dups(keys):
        s, d = set(), []
        for k in keys:
            if k in s:
                d.append(k)
            s.add(k)
        return d

    for t, tok in seen:
        r = by_tracking.get(t)
        if r is None:
            p.append("confirmed %s (token %s) is not in the journal" % (t, tok))
        elif r[1] != tok:
            p.append("confirmed %s with token %s, the journal says %s" % (t, tok, r[1]))
    p += ["token %s issued twice" % (k,) for k in dups((d, x, n) for _, _, d, x, n, _ in rows)]
    p += ["tracking id %s twice in the journal" % k for k in dups(t for t, *_ in rows)]
    p += ["tracking id %s confirmed twice" % k for k in dups(t for t, _ in seen)]
    p += ["token %s confirmed twice (%s)" % (k, DAY) for k in dups(tok for _, tok in seen)]
    p += ["tracking sequence %s issued twice" % k
          for k in dups(t.rsplit("-", 1)[1] for t, *_ in rows if t.startswith("UDC-0001-T01-"))]
    top = {}
    for t, _, d, x, n, _ in rows:
        top[(d, x)] = max(top.get((d, x), 0), n)
        m = ct.TRACKING_RE.match(t)
        if not m or m.group(2) != d.replace("-", ""):
            p.append("tracking id %r does not carry its day %s" % (t, d))
        else:
            top[(d, "*")] = max(top.get((d, "*"), 0), int(m.group(3)))
    p += ["token_seq %s is %s, %d was issued" % (k, seq.get(k), n)
          for k, n in sorted(top.items()) if seq.get(k, 0) < n]
    try:
        with open(os.path.join(data, "printed.bin"), "rb") as f:
            blob = f.read()
    except FileNotFoundError:
        blob = b""
    _, complete, _ = ct.printed_receipts(blob)
    printed = {}
    for payload, _ in complete:
        t, tok, _ = ct.payload_parts(payload)
        printed[t] = tok
        r = by_tracking.get(t)
        if r is None:
            p.append("a receipt of %s was printed; no such request" % t)
        elif tok != r[1]:
            p.append("a receipt of %s printed with token %s, the journal says %s" % (t, tok, r[1]))
    for t, tok, _, _, _, status in rows:
        if status in ("printed", "reprinted") and t not in printed:
            p.append("%s recorded %s, but no receipt of it reached the printer" % (t, status))
    return p


# ---------------------------------------------------------------------------------------
# Data folders with a history


class Base:
    """A data folder made once, copied for every case: (path, confirmations seen, the next
    free minute)."""

    def __init__(self, path, seen, minute):
        self.path, self.seen, self.minute = path, seen, minute


def copy_base(ctx, base, name, into=None):
    d = into or ctx.folder(name)
    if base is None:
        os.makedirs(d, exist_ok=True)
    else:
        shutil.copytree(base.path, d, dirs_exist_ok=True)
    return d


def make_base(ctx, name, runs, killed=0):
    """runs normal runs, then killed runs SIGKILLed just after their confirmation (their WAL
    stays behind, as after a crash)."""
    d = os.path.join(ctx.tmp, "base-" + name)
    seen = []
    minute = 6 * 60
    for i in range(runs):
        r = plain(ctx, d, minute, FLOWS[i % len(FLOWS)])
        if r.rc != 0 or len(r.confirmations) != 1:
            raise RuntimeError("a normal run fails: exit %s: %s" % (r.rc, r.text))
        seen += r.confirmations
        minute += 1
    wal = os.path.join(d, "journal.sqlite-wal")
    i = 0
    while i < killed or (killed and not os.path.exists(wal)):
        cmd = ct.kiosk_cmd(ctx.kiosk, d, os.path.join(ct.FLOW_DIR, FLOWS[i % len(FLOWS)][0]),
                           DAY, minute)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        for raw in p.stderr:
            m = ct.CONFIRM_RE.search(raw.decode("utf-8", "replace"))
            if m:
                seen.append((m.group(1), m.group(2)))
                time.sleep(0.01 * (i % 2))  # sometimes after the print record
                p.send_signal(signal.SIGKILL)
                ctx.count("kill")
                break
        p.wait()
        p.stderr.close()
        minute += 1
        i += 1
        if i > killed + 20:
            raise RuntimeError("no kill left a WAL behind")
    return Base(d, seen, minute)


def op_log(ctx, base, flow=FLOWS[1], reads=False):
    """The operations a run makes on a copy of base: [(index, kind, file)] (and reads)."""
    d = copy_base(ctx, base, "calibrate")
    logf = d + ".log"
    env = {"FAULTVFS_LOG": logf}
    if reads:
        env["FAULTVFS_READS"] = "1"
    r = run(ctx, d, base.minute if base else 6 * 60, flow, env=env)
    if r.rc != 0 or len(r.confirmations) != 1:
        raise RuntimeError("a run under faultvfs.so fails: exit %s: %s" % (r.rc, r.text))
    ops = []
    with open(logf) as f:
        for line in f:
            w = line.split()
            if w[0] == "op":
                ops.append((int(w[1]), w[2], w[3]))
    shutil.rmtree(d, ignore_errors=True)
    os.unlink(logf)
    return ops


def phases(ops):
    """A name for the part of the run each operation belongs to, from the WAL's syncs: the
    WAL header, then one transaction per sync (the first one after start-up is the confirm,
    the next the print record), then the checkpoint at exit."""
    names = {}
    txn = 0
    for i, kind, f in ops:
        names[i] = ["start-up", "confirm", "print record"][txn] if txn < 3 else "exit"
        if f == "wal" and kind == "sync":
            txn += 1
    return names


def kind_of_outcome(r):
    """What a faulted run came to, from its exit and its messages. The replay names its
    script ("FLOW.replay:LINE: ...") only once the kiosk started."""
    if r.rc == -signal.SIGKILL:
        return "power cut (killed)"
    if r.rc == "timeout":
        return "hung"
    if r.rc == 0 and r.confirmations:
        return "confirmed"
    if r.confirmations:
        return "confirmed, then an error"
    if any("--new-journal" in x for x in r.lines):
        return "start refused: damaged or missing"
    if any(".replay:" in x for x in r.lines):
        return "confirm refused (error shown)"
    if r.rc == 1:
        return "start refused: cannot start now"
    return "other (exit %s)" % r.rc


# ---------------------------------------------------------------------------------------
# The cases


def after_fault(ctx, name, d, base_seen, r1, minute, allow_refusal=False):
    """Restart without faults and check everything. Returns the outcome of the restart."""
    seen = list(base_seen) + r1.confirmations
    r2 = plain(ctx, d, minute + 1, FLOWS[2])
    seen += r2.confirmations
    p = []
    outcome = "restarted"
    if r2.rc != 0 or len(r2.confirmations) != 1:
        if allow_refusal and any("--new-journal" in x for x in r2.lines) and aside_files(d):
            outcome = "refused"
        else:
            p.append("the restart: exit %s, %d confirmations: %s" % (
                r2.rc, len(r2.confirmations), ct.short(r2.text)))
    if outcome == "restarted":
        p += check(d, seen)
    return outcome, p, seen


def io_case(ctx, check_name, base, flow, kind, n, code, persist, label):
    d = copy_base(ctx, base, "io")
    logf = d + ".log"
    spec = "%s:%d:%s%s" % (kind, n, code, ":persist" if persist else "")
    minute = base.minute if base else 6 * 60
    r1 = run(ctx, d, minute, flow, env={"FAULTVFS_FAIL": spec, "FAULTVFS_LOG": logf})
    with open(logf) as f:
        injected = sum(1 for line in f if line.startswith("fail "))
    os.unlink(logf)
    if injected:
        ctx.count("%s-%s" % (kind, code), 1)
    out = kind_of_outcome(r1)
    ctx.outcome("%s %s%s" % (check_name, kind, "-full" if code == "full" else "-ioerr"), out)
    problems = []
    if out in ("hung",) or out.startswith("other"):
        problems.append("the faulted run: %s: %s" % (out, ct.short(r1.text)))
    if out == "start refused: damaged or missing":
        problems.append("an I/O error made the journal look damaged: %s" % ct.short(r1.text))
    _, p, _ = after_fault(ctx, check_name, d, base.seen if base else [], r1, minute)
    ctx.result(check_name, problems + p, "%s %s (%s)" % (check_name, spec, label))
    shutil.rmtree(d, ignore_errors=True)


def powercut_case(ctx, base, ops, seed, double):
    d = copy_base(ctx, base, "cut")
    rng = random.Random(seed)
    n = rng.randint(1, len(ops))
    mode = rng.choice(["drop", "tear", "tear"])
    label = phases(ops).get(n, "?")
    r1 = run(ctx, d, base.minute, FLOWS[1], env={"FAULTVFS_CUT": "%d:%d:%s" % (n, seed, mode)})
    if r1.rc == -signal.SIGKILL:
        ctx.count("powercut")
        ctx.count("kill")
        ctx.count("powercut in " + label)
    ctx.outcome("power cut in " + label, kind_of_outcome(r1))
    seen = list(base.seen) + r1.confirmations
    problems = []
    if r1.rc not in (-signal.SIGKILL, 0):
        problems.append("the run with the power cut: exit %s: %s" % (r1.rc, ct.short(r1.text)))
    minute = base.minute + 1
    if double:  # the power goes again while the restart recovers
        r = run(ctx, d, minute, FLOWS[3],
                env={"FAULTVFS_CUT": "%d:%d:tear" % (rng.randint(1, 12), seed + 1)})
        if r.rc == -signal.SIGKILL:
            ctx.count("powercut")
            ctx.count("kill")
            ctx.count("powercut in recovery")
        seen += r.confirmations
        minute += 1
    _, p, _ = after_fault(ctx, "powercut", d, seen, Result(), minute)
    ctx.result("powercut", problems + p, "power cut before op %d (%s, %s, seed %d%s)" % (
        n, label, mode, seed, ", twice" if double else ""))
    shutil.rmtree(d, ignore_errors=True)


def damaged_case(ctx, base, target, seed):
    d = copy_base(ctx, base, "damaged")
    rng = random.Random(seed)
    path = os.path.join(d, "journal.sqlite" + ("-wal" if target == "wal" else ""))
    size = os.path.getsize(path)
    flips = []
    with open(path, "r+b") as f:
        for _ in range(rng.randint(1, 4 if target == "wal" else 8)):
            at = rng.randrange(size)
            f.seek(at)
            b = f.read(1)[0]
            f.seek(at)
            f.write(bytes([b ^ rng.randint(1, 255)]))
            flips.append(at)
    ctx.count("damaged " + target)
    name = "damaged-" + target
    where = "%s, bytes %s of %d flipped (seed %d)" % (name, flips, size, seed)
    r1 = plain(ctx, d, base.minute, FLOWS[1])
    seen = list(base.seen) + r1.confirmations
    p = []
    if r1.rc == 0 and len(r1.confirmations) == 1:
        ctx.outcome(name, "started and confirmed")
        p += check(d, seen)
    elif any("--new-journal" in x for x in r1.lines):
        kind = "missing" if any("was lost" in x or "missing" in x for x in r1.lines) else "damaged"
        ctx.outcome(name, "refused as " + kind)
        p += refused_then_new(ctx, d, seen, base.minute + 1)
    elif kind_of_outcome(r1) == "start refused: cannot start now" and not aside_files(d):
        ctx.outcome(name, "cannot start now (untouched)")
    else:
        p.append("exit %s, %d confirmations: %s" % (r1.rc, len(r1.confirmations),
                                                    ct.short(r1.text)))
        ctx.outcome(name, "other")
    if getattr(ctx, "verbose", False):
        log("%s: %s: %s" % (where, kind_of_outcome(r1), ct.short(r1.text, 150, 150)))
    ctx.result(name, p, where)
    shutil.rmtree(d, ignore_errors=True)


def refused_then_new(ctx, d, seen, minute, kept=True):
    """A refused journal: moved aside with the marker, still refused on a second start; after
    --new-journal the next confirmation has a token and tracking id never seen before."""
    p = []
    if not os.path.exists(os.path.join(d, "journal.DAMAGED")):
        p.append("refused without the marker journal.DAMAGED")
    if kept and not any(".damaged-" in f and not f.endswith(("-wal", "-shm"))
                        for f in os.listdir(d)):
        p.append("refused, but no journal.sqlite.damaged-* kept")
    r = plain(ctx, d, minute)
    if r.rc == 0 or not any("--new-journal" in x for x in r.lines):
        p.append("a second start was not refused: exit %s: %s" % (r.rc, ct.short(r.text)))
    nj = subprocess.run([ctx.kiosk, "--new-journal", "--data", d], stdin=subprocess.DEVNULL,
                        capture_output=True, timeout=60)
    if nj.returncode != 0:
        return p + ["--new-journal: exit %d: %s" % (nj.returncode, ct.short(
            nj.stderr.decode("utf-8", "replace")))]
    r = plain(ctx, d, minute + 1, FLOWS[0])
    if r.rc != 0 or len(r.confirmations) != 1:
        return p + ["after --new-journal: exit %s: %s" % (r.rc, ct.short(r.text))]
    t, tok = r.confirmations[0]
    if t in {x for x, _ in seen}:
        p.append("after --new-journal: tracking id %s issued again" % t)
    if tok in {x for _, x in seen}:
        p.append("after --new-journal: token %s issued again on %s" % (tok, DAY))
    return p


# ---- a real full disk: a small tmpfs ----


class Tmpfs:
    def __init__(self, ctx, size_kb):
        self.path = os.path.join(ctx.tmp, "tmpfs-%d" % size_kb)
        os.makedirs(self.path)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk,mode=0700" % size_kb,
                            "tmpfs", self.path], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("mount -t tmpfs: %s" % r.stderr.strip())

    def close(self):
        subprocess.run(["umount", self.path], capture_output=True)

    def free(self):
        s = os.statvfs(self.path)
        return s.f_bavail * s.f_frsize

    def fill(self, leave):
        """Fill the file system up to leave bytes free (0: to the last byte)."""
        with open(os.path.join(self.path, "filler"), "ab") as f:
            while True:
                n = self.free() - leave
                if n <= 0:
                    break
                try:
                    f.write(b"\0" * min(n, 1 << 20))
                    f.flush()
                except OSError:
                    break

    def unfill(self):
        try:
            os.unlink(os.path.join(self.path, "filler"))
        except FileNotFoundError:
            pass


JOURNAL_MIN_FREE = 256 * 1024  # JOURNAL_MIN_FREE in src/store/journal.c


def disk_full_start(ctx, fs, base, leave):
    d = os.path.join(fs.path, "data")
    shutil.rmtree(d, ignore_errors=True)
    copy_base(ctx, base, None, into=d)
    before = open(os.path.join(d, "journal.sqlite"), "rb").read()
    fs.fill(leave)
    r1 = plain(ctx, d, base.minute, FLOWS[1])
    out = kind_of_outcome(r1)
    ctx.count("disk full at start-up")
    ctx.outcome("disk-full-start", out)
    p = []
    if aside_files(d):
        p.append("the full disk made the journal look damaged: %s: %s" % (
            " ".join(aside_files(d)), ct.short(r1.text)))
    if out == "start refused: cannot start now":
        now = open(os.path.join(d, "journal.sqlite"), "rb").read()
        if now != before:
            p.append("refused to start, but journal.sqlite changed")
    elif leave < JOURNAL_MIN_FREE:
        # Below the journal's floor (src/store/journal.c) no citizen may start a form that
        # could not be kept: the start itself must refuse, whatever happens after.
        p.append("%d KB free, under the %d KB floor, but %s: exit %s: %s" % (
            leave // 1024, JOURNAL_MIN_FREE // 1024, out, r1.rc, ct.short(r1.text)))
    elif out not in ("confirmed", "confirm refused (error shown)", "confirmed, then an error"):
        # (confirmed, then an error: the receipt could not be written to the full disk)
        p.append("%s: exit %s: %s" % (out, r1.rc, ct.short(r1.text)))
    fs.unfill()
    _, q, _ = after_fault(ctx, "disk-full-start", d, base.seen, r1, base.minute)
    ctx.result("disk-full-start", p + q, "%d KB free" % (leave // 1024))


def disk_full_at(ctx, fs, base, n, label):
    """Fill the tmpfs to the last byte just before operation n of a run."""
    d = os.path.join(fs.path, "data")
    shutil.rmtree(d, ignore_errors=True)
    copy_base(ctx, base, None, into=d)
    ctl = os.path.join(ctx.tmp, "pause-%d" % n)
    env = dict(os.environ, LD_PRELOAD=ctx.shim, FAULTVFS_PAUSE="%d:%s" % (n, ctl))
    cmd = ct.kiosk_cmd(ctx.kiosk, d, os.path.join(ct.FLOW_DIR, FLOWS[1][0]), DAY, base.minute)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 30
    while not os.path.exists(ctl + ".paused") and p.poll() is None and \
            time.monotonic() < deadline:
        time.sleep(0.005)
    reached = os.path.exists(ctl + ".paused")
    if reached:
        fs.fill(0)
        ctx.count("disk filled mid-run")
    open(ctl + ".go", "w").close()
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    r1 = Result()
    r1.rc = p.returncode
    for line in err.decode("utf-8", "replace").splitlines():
        m = ct.CONFIRM_RE.search(line)
        if m:
            r1.confirmations.append((m.group(1), m.group(2)))
        elif line.strip():
            r1.lines.append(line.strip())
    for f in (ctl + ".paused", ctl + ".go"):
        if os.path.exists(f):
            os.unlink(f)
    out = kind_of_outcome(r1)
    ctx.outcome("disk-full-confirm in " + label.split(",")[0], out)
    problems = [] if reached else ["operation %d was never reached" % n]
    if aside_files(d):
        problems.append("the full disk made the journal look damaged: %s" % ct.short(r1.text))
    fs.unfill()
    _, q, _ = after_fault(ctx, "disk-full-confirm", d, base.seen, r1, base.minute)
    ctx.result("disk-full-confirm", problems + q, "disk full before op %d (%s)" % (n, label))


# ---- journal.state's own writes failing (strace fault injection) ----

STATE_FAULTS = [  # (system call, errno, which one)
    ("write", "ENOSPC", 1), ("fsync", "EIO", 1), ("rename", "EIO", 1), ("openat", "ENOSPC", 2)]


def state_file_faults(ctx, base):
    strace = shutil.which("strace")
    if not strace:
        return None
    for call, errno_name, when in STATE_FAULTS:
        d = copy_base(ctx, base, "state")
        tmpfile = os.path.join(d, "journal.state.tmp")
        wrap = [strace, "-f", "-qq", "-o", "/dev/null", "-P", tmpfile, "-e", "trace=" + call,
                "-e", "inject=%s:error=%s:when=%d" % (call, errno_name, when)]
        env = ct.traced_env()
        cmd = wrap + ct.kiosk_cmd(ctx.kiosk, d, os.path.join(ct.FLOW_DIR, FLOWS[1][0]), DAY,
                                  base.minute)
        pr = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, timeout=60)
        r1 = Result()
        r1.rc = pr.returncode
        for line in pr.stderr.decode("utf-8", "replace").splitlines():
            m = ct.CONFIRM_RE.search(line)
            if m:
                r1.confirmations.append((m.group(1), m.group(2)))
            elif line.strip():
                r1.lines.append(line.strip())
        if any(line.startswith("strace: ") for line in r1.lines) and r1.rc != 0:
            return None
        ctx.count("journal.state %s %s" % (call, errno_name))
        ctx.outcome("state-file", kind_of_outcome(r1))
        p = []
        if r1.rc != 0 or len(r1.confirmations) != 1:
            p.append("a failing journal.state stopped the confirm: exit %s: %s" % (
                r1.rc, ct.short(r1.text)))
        _, q, _ = after_fault(ctx, "state-file", d, base.seen, r1, base.minute)
        ctx.result("state-file", p + q, "journal.state %s fails with %s" % (call, errno_name))
        shutil.rmtree(d, ignore_errors=True)
    return True


# ---- a journal that existed is never silently replaced ----


def lost_journal(ctx, base, how):
    """The journal deleted, emptied (what the export's symlink did), or an older copy of it
    put back: the kiosk must refuse, keep refusing, and after --new-journal go on past every
    token and tracking id it ever showed."""
    d = copy_base(ctx, base, "lost")
    db = os.path.join(d, "journal.sqlite")
    seen = list(base.seen)
    if how == "older copy":  # a copy kept, two more requests, then the copy put back
        shutil.copy(db, d + ".backup")  # base was closed cleanly: the file is all of it
        for i in range(2):
            seen += plain(ctx, d, base.minute + i, FLOWS[i]).confirmations
        os.replace(d + ".backup", db)
        for f in ("journal.sqlite-wal", "journal.sqlite-shm"):
            if os.path.exists(os.path.join(d, f)):
                os.unlink(os.path.join(d, f))
    elif how == "deleted":
        os.unlink(db)
    else:
        open(db, "w").close()
    r1 = plain(ctx, d, base.minute + 5, FLOWS[2])
    p = []
    if r1.rc == 0 or r1.confirmations or not any("--new-journal" in x for x in r1.lines):
        p.append("the kiosk started over a journal %s: exit %s, %s" % (
            how, r1.rc, r1.confirmations or ct.short(r1.text)))
        seen += r1.confirmations
    else:
        ctx.outcome("lost-journal", "refused")
        p += refused_then_new(ctx, d, seen, base.minute + 6, kept=how != "deleted")
    ctx.result("lost-journal", p, "journal " + how)
    shutil.rmtree(d, ignore_errors=True)


# ---- retention leaves nothing of what it erased, even after a kill ----


def holding(d, needle):
    """Files of folder d whose bytes contain needle."""
    out = []
    for f in sorted(os.listdir(d)):
        path = os.path.join(d, f)
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                if needle in fh.read():
                    out.append(f)
    return out


def retention_after_kill(ctx):
    """A request typed 40 days ago; a run today (retention erases its fields as the kiosk
    starts) killed with SIGKILL right after its own confirmation: no file of the data folder
    may still hold the old name. Returns problems."""
    d = ctx.folder("retention")
    name = "Erasable Xq Name"
    flow = os.path.join(ctx.tmp, "retention.replay")
    with open(os.path.join(ct.FLOW_DIR, "electricity_bill_en.replay")) as f:
        text = f.read()
    with open(flow, "w") as f:
        f.write(text.replace("type Md. Karim-Uddin", "type " + name))
    old = subprocess.run(ct.kiosk_cmd(ctx.kiosk, d, flow, "2026-10-20", 10 * 60),
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    if old.returncode != 0:
        return ["the run 40 days before: exit %d: %s" % (old.returncode, ct.short(
            old.stderr.decode("utf-8", "replace")))]
    if not holding(d, name.encode()):
        return ["the name typed is in no file even before retention: the search proves nothing"]
    cmd = ct.kiosk_cmd(ctx.kiosk, d, os.path.join(ct.FLOW_DIR, FLOWS[0][0]), DAY, 10 * 60)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    for raw in p.stderr:
        if ct.CONFIRM_RE.search(raw.decode("utf-8", "replace")):
            p.send_signal(signal.SIGKILL)
            break
    p.wait()
    p.stderr.close()
    if p.returncode != -signal.SIGKILL:
        return ["the run today was not killed (exit %s)" % p.returncode]
    ctx.count("kill")
    left = holding(d, name.encode())
    return ["after retention and a kill, %s still hold%s the erased name" % (
        ", ".join(left), "s" if len(left) == 1 else "")] if left else []


# ---- the checks check ----


def self_test(ctx, base):
    """Each sabotage of a copy must be noticed by check()."""
    missed = []

    def case(name, sabotage, seen=None):
        d = copy_base(ctx, base, "sabotage")
        sabotage(d)
        if not check(d, base.seen if seen is None else seen):
            missed.append(name)
        shutil.rmtree(d, ignore_errors=True)

    t0, tok0 = base.seen[0]

    def sql(script):
        def go(d):
            con = sqlite3.connect(os.path.join(d, "journal.sqlite"))
            con.executescript(script)
            con.commit()
            con.close()
        return go

    def replaced(d):
        for f in os.listdir(d):
            if f.startswith("journal."):
                os.unlink(os.path.join(d, f))
        plain(ctx, d, base.minute)

    def moved(d):
        os.rename(os.path.join(d, "journal.sqlite"), os.path.join(d, "journal.sqlite.damaged-1"))
        shutil.copy(os.path.join(d, "journal.sqlite.damaged-1"), os.path.join(d, "journal.sqlite"))

    def fake_receipt(d):
        with open(os.path.join(d, "printed.bin"), "ab") as f:
            f.write(ct.fake_job(b"UDC-0001-T01-20261129-9999?t=Z-001&s=x&sig=AAAA"))

    # The outbox's rows go too (it refers to requests): the request is simply gone.
    case("a confirmed request missing",
         sql("PRAGMA foreign_keys=ON; DELETE FROM outbox WHERE request_id IN (SELECT id FROM "
             "requests WHERE tracking_id='%s'); DELETE FROM requests WHERE tracking_id='%s'"
             % (t0, t0)))
    case("a confirmed request with another token",
         sql("UPDATE requests SET token='Z-999' WHERE tracking_id='%s'" % t0))
    case("a token confirmed twice", lambda d: None,
         seen=base.seen + [(t0[:-4] + "9998", tok0)])
    case("a tracking id confirmed twice", lambda d: None, seen=base.seen + [(t0, "Z-998")])
    case("token_seq behind", sql("UPDATE token_seq SET last=0"))
    def printed_without_receipt(d):
        sql("UPDATE requests SET print_status='printed' WHERE tracking_id='%s'" % t0)(d)
        os.unlink(os.path.join(d, "printed.bin"))

    case("printed recorded, no receipt", printed_without_receipt)
    case("a receipt of no request", fake_receipt)
    case("the journal silently replaced by a new one", replaced)
    case("a journal moved aside", moved)
    return missed


# ---------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kiosk")
    ap.add_argument("shim")
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--soak", action="store_true", help="many more power cuts and damaged files")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="only these checks (comma-separated, e.g. damaged-db)")
    ap.add_argument("--verbose", action="store_true", help="every outcome, with messages")
    a = ap.parse_args()
    for f in (a.kiosk, a.shim):
        if not os.path.exists(f):
            print("FAIL fault/setup: %s is missing (make %s)" % (f, f))
            return 0
    scale = 25 if a.soak else 1
    started = time.monotonic()
    # In memory: the journal's fsyncs cost nothing there, and power cuts are the shim's.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    tmp = tempfile.mkdtemp(prefix="fault-test-", dir=shm)
    ctx = Ctx(os.path.abspath(a.kiosk), os.path.abspath(a.shim), tmp, a.seed)
    mounts = []
    try:
        base = make_base(ctx, "history", 6)
        atrest = make_base(ctx, "at-rest", 6, killed=3)  # a WAL left by kills
        only = set(a.only.split(",")) if a.only else None
        ctx.verbose = a.verbose
        wanted = lambda name: not only or name in only  # noqa: E731
        upgrade = make_base(ctx, "upgrade", 4) if wanted("io-start") else None
        con = sqlite3.connect(os.path.join(upgrade.path, "journal.sqlite")) if upgrade else None
        if con:
            # the journal of the previous schema (4), and no journal.state yet
            con.executescript("DROP TABLE journal_meta; ALTER TABLE requests DROP COLUMN crc; "
                              "ALTER TABLE request_fields DROP COLUMN crc; ALTER TABLE "
                              "token_seq DROP COLUMN crc; PRAGMA user_version=4;")
            con.close()
            os.unlink(os.path.join(upgrade.path, "journal.state"))

        missed = self_test(ctx, base)
        print("PASS fault/self-test" if not missed else
              "FAIL fault/self-test: not noticed: " + "; ".join(missed), flush=True)

        jobs = []
        ops = op_log(ctx, base)
        names = phases(ops)

        def n_of(ops_, i, kind):  # operation i is the how-manieth of its kind
            return sum(1 for j, k, _ in ops_ if k == kind and j <= i)

        # An existing journal: every operation of the run fails once with an I/O error; a
        # full disk (for good) at every write and truncate of start-up and of the confirm.
        for i, kind, f in ops:
            label = "%s, %s %s" % (names[i], kind, f)
            jobs.append((io_case, (ctx, "io-confirm", base, FLOWS[1], kind, n_of(ops, i, kind),
                                   "ioerr", False, label)))
            if kind != "sync" and (a.soak or names[i] in ("start-up", "confirm")):
                jobs.append((io_case, (ctx, "io-confirm", base, FLOWS[1], kind,
                                       n_of(ops, i, kind), "full", True, label)))
        # A first start and the first start after an upgrade: every operation with an I/O
        # error, and a full disk at every third write (every write in the soak).
        for scen, b in (("first start", None), ("upgrade", upgrade)) if upgrade else ():
            sops = op_log(ctx, b)
            for i, kind, f in sops:
                label = "%s, %s %s" % (scen, kind, f)
                jobs.append((io_case, (ctx, "io-start", b, FLOWS[1], kind, n_of(sops, i, kind),
                                       "ioerr", False, label)))
                if kind == "write" and (a.soak or n_of(sops, i, kind) % 3 == 1):
                    jobs.append((io_case, (ctx, "io-start", b, FLOWS[1], kind,
                                           n_of(sops, i, kind), "full", True, label)))
        nreads = sum(1 for _, k, _ in op_log(ctx, base, reads=True) if k == "read")
        for n in sorted({1, 2, 3, 5, 8, 13} | (set(range(1, nreads + 1)) if a.soak else set())):
            jobs.append((io_case, (ctx, "io-read", base, FLOWS[1], "read", n, "ioerr", False,
                                   "start-up, read %d" % n)))
        for k in range(30 * scale):
            jobs.append((powercut_case, (ctx, base, ops, a.seed + k, k % 4 == 3)))
        for k in range(6 * scale):  # a WAL left by kills; the database with it and without
            jobs.append((damaged_case, (ctx, atrest, "wal", a.seed + 1000 + k)))
            jobs.append((damaged_case, (ctx, atrest, "db", a.seed + 2000 + k)))
        for k in range(10 * scale):
            jobs.append((damaged_case, (ctx, base, "db", a.seed + 3000 + k)))
        def family(j):
            f, args = j
            return {io_case: args[1], powercut_case: "powercut",
                    damaged_case: "damaged-" + str(args[2])}[f]

        jobs = [j for j in jobs if not only or family(j) in only]
        t0 = time.monotonic()
        with ThreadPoolExecutor(a.jobs) as ex:
            list(ex.map(lambda j: j[0](*j[1]), jobs))
        t_parallel = time.monotonic() - t0

        # A real full disk, one case at a time (one tmpfs).
        if not only or {"disk-full-start", "disk-full-confirm"} & only:
            try:
                fs = Tmpfs(ctx, 2048)
                mounts.append(fs)
            except RuntimeError as e:  # CI runs as root: there it must work
                print("FAIL fault/disk-full: %s" % e)
                fs = None
            for leave in (0, 4096, 8192, 16384, 65536, 200 * 1024, 300 * 1024,
                          512 * 1024) if fs else ():
                disk_full_start(ctx, fs, base, leave)
            for i, kind, f in ops if fs else ():  # every operation of a run
                disk_full_at(ctx, fs, base, i, "%s, %s %s" % (names[i], kind, f))

        if wanted("lost-journal"):
            for how in ("deleted", "emptied", "older copy"):
                lost_journal(ctx, base, how)
        if wanted("retention-kill"):
            ctx.result("retention-kill", retention_after_kill(ctx), "retention")
        if (not only or "state-file" in only) and state_file_faults(ctx, base) is None:
            print("FAIL fault/state-file: strace cannot inject faults here")

        for name in ("io-confirm", "io-start", "io-read", "powercut", "disk-full-start",
                     "disk-full-confirm", "damaged-wal", "damaged-db", "state-file",
                     "retention-kill", "lost-journal"):
            probs = ctx.problems.get(name, [])
            n = ctx.cases.get(name, 0)
            if n == 0:
                if not only or name in only:
                    print("FAIL fault/%s: no case ran" % name)
            elif probs:
                print("FAIL fault/%s: %d problems in %d cases: %s" % (
                    name, len(probs), n, "; ".join(ct.short(x, 200, 100) for x in probs[:4])))
            else:
                print("PASS fault/%s" % name)

        # Faults that were asked for must have happened, or the above proves nothing.
        want = ["write-ioerr", "write-full", "sync-ioerr", "truncate-ioerr", "read-ioerr",
                "powercut", "powercut in confirm", "disk filled mid-run"]
        none = [w for w in want if not ctx.counts.get(w)]
        refused = sum(v for k, v in ctx.outcomes.items() if "confirm refused" in k[1])
        if not refused:
            none.append("a confirm refused by an injected error")
        if not only:
            print("PASS fault/injected" if not none else
                  "FAIL fault/injected: never happened: " + ", ".join(none))

        c = ctx.counts
        log("fault-test: %d cases (%d at a time in %.0f s), %.0f s in all; %d operations in a "
            "run on an existing journal, %d reads at its start-up" % (
                sum(ctx.cases.values()), a.jobs, t_parallel, time.monotonic() - started,
                len(ops), nreads))
        log("fault-test: injected: kills %d, of them power cuts %d (%s); I/O errors %s; disk "
            "full at start-up %d and mid-run %d; damaged WAL %d, damaged database %d; "
            "journal.state faults %d" % (
                c.get("kill", 0), c.get("powercut", 0),
                ", ".join("%s %d" % (k[12:], v) for k, v in sorted(
                    c.items()) if k.startswith("powercut in ")),
                ", ".join("%s %d" % (k, c[k]) for k in sorted(c) if k.endswith(
                    ("-ioerr", "-full"))),
                c.get("disk full at start-up", 0), c.get("disk filled mid-run", 0),
                c.get("damaged wal", 0), c.get("damaged db", 0),
                sum(v for k, v in c.items() if k.startswith("journal.state"))))
        log("fault-test: outcomes: " + "; ".join(
            "%s: %s" % (fam, ", ".join("%s %d" % (o, n) for (f, o), n in sorted(
                ctx.outcomes.items()) if f == fam))
            for fam in sorted({f for f, _ in ctx.outcomes})))
        return 0
    except Exception as e:
        import traceback
        traceback.print_exc()
        print("FAIL fault/setup: %s: %s" % (type(e).__name__, ct.short(str(e), 150, 150)))
        return 0
    finally:
        for m in mounts:
            m.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
