#!/usr/bin/env python3
"""Printer faults end to end: the real kiosk (headless, one citizen replayed) prints to
tests/fake-printer.py on loopback in each of its fault modes, then the journal and the done
screen are checked. "printed" may only ever mean that the printer confirmed the receipt.
Prints one PASS/FAIL line per check (tests/run.sh counts them).

  python3 tests/check-print.py BUILD_DIR

Checks, each with a bound on how long the job may take:
  print/online              printed, on screen and in the journal
  print/never-reads         a printer that never reads a byte (the job fits in the kernel's
                            buffers): unknown, never printed
  print/never-reads-full    the same with its receive buffer full: a timeout
  print/garbage-ff, -00     status replies whose fixed bits are wrong: unknown
  print/reset-N             the connection reset after 2 KB of the ~30 KB job (3 runs):
                            io-error or unknown, never printed
  print/paper-out-after-job ready before the job, out of paper after it: paper-out
  print/restart             a kiosk killed while its receipt was printing: the next start
                            records that receipt "unknown" with the reason, and prints its own
"""
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FAKE = os.path.join(HERE, "fake-printer.py")
KEY = os.path.join(HERE, "data", "signing-test.key")

FLOW = """press lang:en
press cat:bills
press svc:electricity_bill
press next
type Md. Karim-Uddin
press next
press opt:palli_bidyut
press next
type 12345678
press next
type 01812345678
press next
press confirm
expect screen:done
expect token
expect qr
"""

# name, fake printer mode, what the done screen must show (None: not printed, either way),
# the journal statuses allowed, the most seconds the whole run may take
CASES = [
    ("online", "online", "receipt:printed", {"printed"}, 20),
    ("never-reads", "never-reads", "receipt:unknown", {"unknown"}, 25),
    ("never-reads-full", "never-reads-full", "receipt:failed", {"timeout"}, 60),
    ("garbage-ff", "garbage-ff", "receipt:unknown", {"unknown"}, 20),
    ("garbage-00", "garbage-00", "receipt:unknown", {"unknown"}, 20),
    ("reset-1", "reset-after:2048", None, {"io-error", "unknown"}, 20),
    ("reset-2", "reset-after:2048", None, {"io-error", "unknown"}, 20),
    ("reset-3", "reset-after:2048", None, {"io-error", "unknown"}, 20),
    ("paper-out-after-job", "paper-out-after-job", "receipt:failed", {"paper-out"}, 20),
]


class Fake:
    """tests/fake-printer.py in a mode, on a free port, for one check."""

    def __init__(self, tmp, mode, gate=None):
        self.port_file = os.path.join(tmp, "port")
        self.out = os.path.join(tmp, "printed.bin")
        args = [sys.executable, FAKE, "--mode", mode, "--port-file", self.port_file,
                "--out", self.out]
        if gate:
            args += ["--gate", gate]
        self.proc = subprocess.Popen(args)
        until = time.monotonic() + 15
        while not os.path.exists(self.port_file):
            if time.monotonic() > until or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("tests/fake-printer.py did not start")
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def kiosk_args(build, data, port, replay):
    return [os.path.join(build, "kiosk"), "--headless", "--size", "800x480", "--data", data,
            "--signing-key", KEY, "--printer", "tcp:127.0.0.1:%d" % port, "--replay", replay]


def journal(data):
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(data, "journal.sqlite"), uri=True)
    rows = con.execute("SELECT id, print_status, ifnull(print_error, '') FROM requests "
                       "ORDER BY id").fetchall()
    con.close()
    return rows


def one_case(build, case):
    name, mode, mark, statuses, bound = case
    with tempfile.TemporaryDirectory(prefix="kiosk-print-") as tmp:
        replay = os.path.join(tmp, "flow.replay")
        with open(replay, "w") as f:
            f.write(FLOW)
            f.write("absent receipt:printing\n")
            if mark:
                f.write("expect %s\n" % mark)
            if mark != "receipt:printed":
                f.write("absent receipt:printed\nexpect print:retry\n")
        data = os.path.join(tmp, "data")
        try:
            fake = Fake(tmp, mode)
        except RuntimeError as e:
            return "FAIL print/%s: %s" % (name, e)
        try:
            t0 = time.monotonic()
            run = subprocess.run(kiosk_args(build, data, fake.port, replay), cwd=ROOT,
                                 capture_output=True, text=True, timeout=bound + 60)
            took = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            return "FAIL print/%s: the kiosk did not end within %d s" % (name, bound + 60)
        finally:
            fake.stop()
        if run.returncode != 0:
            return "FAIL print/%s: exit %d: %s" % (
                name, run.returncode, " | ".join(run.stderr.strip().splitlines()[-2:]))
        rows = journal(data)
        if len(rows) != 1:
            return "FAIL print/%s: %d requests in the journal, expected 1" % (name, len(rows))
        _, status, error = rows[0]
        if status not in statuses:
            return "FAIL print/%s: journal says %s (%s), expected %s" % (
                name, status, error, " or ".join(sorted(statuses)))
        if took > bound:
            return "FAIL print/%s: %s after %.1f s, more than %d s" % (name, status, took, bound)
        return "PASS print/%s: %s after %.1f s%s" % (
            name, status, took, " (%s)" % error if error else "")


def restart(build):
    """Killed while the printer holds its receipt; the next start settles it."""
    with tempfile.TemporaryDirectory(prefix="kiosk-print-") as tmp:
        data = os.path.join(tmp, "data")
        replay = os.path.join(tmp, "flow.replay")
        with open(replay, "w") as f:
            f.write(FLOW + "expect receipt:printed\n")
        gate = os.path.join(tmp, "gate")  # never opened: the first job stays in the printer
        try:
            fake = Fake(tmp, "online", gate)
        except RuntimeError as e:
            return "FAIL print/restart: %s" % e
        try:
            kiosk = subprocess.Popen(kiosk_args(build, data, fake.port, replay), cwd=ROOT,
                                     stderr=subprocess.PIPE, text=True)
            line = ""
            until = time.monotonic() + 30
            while "confirmed request" not in line and time.monotonic() < until:
                line = kiosk.stderr.readline()
                if not line and kiosk.poll() is not None:
                    break
            time.sleep(0.5)  # into the job: the printer is holding it
            kiosk.send_signal(signal.SIGKILL)
            kiosk.wait()
            kiosk.stderr.close()
            if "confirmed request" not in line:
                return "FAIL print/restart: the first run never confirmed"
            before = journal(data)
            open(gate, "w").close()  # the printer works again for the next run
            run = subprocess.run(kiosk_args(build, data, fake.port, replay), cwd=ROOT,
                                 capture_output=True, text=True, timeout=90)
        finally:
            fake.stop()
        after = journal(data)
        if [r[1] for r in before] != ["pending"]:
            return "FAIL print/restart: after the kill the journal holds %s" % before
        if run.returncode != 0:
            return "FAIL print/restart: the second run: exit %d: %s" % (
                run.returncode, " | ".join(run.stderr.strip().splitlines()[-2:]))
        want = [("unknown", "it was pending"), ("printed", "")]
        got = [(r[1], r[2]) for r in after]
        if len(got) != 2 or got[0][0] != "unknown" or want[0][1] not in got[0][1] or \
                got[1][0] != "printed":
            return "FAIL print/restart: the journal holds %s, expected %s" % (got, want)
        if "marked unknown" not in run.stderr:
            return "FAIL print/restart: the start did not say what it settled"
        return "PASS print/restart: the killed run's receipt is unknown (%s)" % got[0][1]


def main():
    if len(sys.argv) != 2:
        print("usage: check-print.py BUILD_DIR", file=sys.stderr)
        return 2
    build = sys.argv[1]
    # Three at a time: most of each check is waiting for a printer that does not answer.
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = [pool.submit(one_case, build, c) for c in CASES]
        results.append(pool.submit(restart, build))
        for r in results:
            print(r.result(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
