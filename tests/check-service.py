#!/usr/bin/env python3
"""The kiosk and its service manager: sd_notify messages and lockdown, checked for real.

A datagram socket stands in for systemd's NOTIFY_SOCKET (sd_notify speaks the same protocol
to it); the kiosk runs full screen (kiosk mode) on SDL's dummy video driver. Prints PASS/FAIL
lines. Usage: tests/check-service.py BUILD_DIR
"""
import os, signal, socket, subprocess, sys, tempfile, time

kiosk = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "build", "kiosk")


def report(name, ok, why=""):
    print(("PASS service/%s" % name) if ok else ("FAIL service/%s: %s" % (name, why)))


def start(tmp, extra_env):
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", **extra_env)
    return subprocess.Popen([kiosk, "--size", "800x480", "--data", os.path.join(tmp, "data")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def collect_until_ready(sock, seconds):
    got, end = [], time.time() + seconds
    while time.time() < end and not any("READY=1" in m for _, m in got):
        got += collect(sock, 0.1)
    return got


def wait_for_display(p, seconds):
    """Until the kiosk says which display it opened (it is up), or it ends, or time runs out."""
    end = time.time() + seconds
    os.set_blocking(p.stderr.fileno(), False)
    seen = b""
    while time.time() < end and p.poll() is None and b"kiosk: display" not in seen:
        seen += p.stderr.read() or b""
        time.sleep(0.05)
    os.set_blocking(p.stderr.fileno(), True)
    return b"kiosk: display" in seen


def collect(sock, seconds):
    got, end = [], time.time() + seconds
    while time.time() < end:
        sock.settimeout(max(0.01, end - time.time()))
        try:
            got.append((time.time(), sock.recv(4096).decode()))
        except socket.timeout:
            pass
    return got


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    # A 400 ms watchdog: the kiosk must ping every 200 ms while idle. Pings are counted from
    # READY=1 on (start-up under ASan on a loaded machine can take seconds).
    p = start(tmp, {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})
    msgs = collect_until_ready(sock, 30)
    msgs += collect(sock, 2.5)
    ready_at = next((t for t, m in msgs if "READY=1" in m), None)
    texts = [m for _, m in msgs]
    report("ready-after-first-frame", any("READY=1" in m for m in texts),
           "no READY=1 in %r" % texts[:5])
    pings = [t for t, m in msgs if "WATCHDOG=1" in m and ready_at is not None and t >= ready_at]
    gaps = [b - a for a, b in zip(pings, pings[1:])]
    report("watchdog-pings", len(pings) >= 8 and max(gaps or [9]) < 0.35,
           "%d pings, largest gap %.3f s" % (len(pings), max(gaps or [0])))
    report("status", any(m.startswith("STATUS=ready") for m in texts),
           "no STATUS= in %r" % texts[:5])
    # Lockdown: Ctrl+C (SIGINT), SIGHUP and SIGQUIT do not end the kiosk; SIGTERM does.
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        p.send_signal(sig)
    time.sleep(0.5)
    report("ignores-sigint-sighup-sigquit", p.poll() is None,
           "exited with %s" % p.returncode)
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=5)
        report("sigterm-ends-cleanly", rc == 0, "exit status %d: %s" % (rc, p.stderr.read()[-300:]))
    except subprocess.TimeoutExpired:
        p.kill()
        report("sigterm-ends-cleanly", False, "still running 5 s after SIGTERM")
    # Without systemd nothing is sent and nothing breaks.
    p = start(tmp, {})
    alive = wait_for_display(p, 30)
    time.sleep(0.5)
    alive = alive and p.poll() is None
    p.send_signal(signal.SIGTERM)
    report("runs-without-systemd", alive and p.wait(timeout=5) == 0, "it did not run cleanly")
    # A hung main loop stops the pings (what makes systemd restart it): SIGSTOP freezes it.
    p = start(tmp, {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})
    collect(sock, 1.0)
    p.send_signal(signal.SIGSTOP)
    frozen = [m for _, m in collect(sock, 1.0) if "WATCHDOG=1" in m]
    p.send_signal(signal.SIGCONT)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=5)
    report("hung-loop-stops-pinging", len(frozen) <= 1, "%d pings while frozen" % len(frozen))
