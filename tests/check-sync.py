#!/usr/bin/env python3
"""A terminal's sync against a real Mosquitto, with its faults.

Starts its own mosquitto (a temp config: 127.0.0.1, a free port, persistence in a temp
folder, max_queued_messages 0) and mosquitto_sub (MQTT 5, printing each message's topic, user
properties and payload in hex). Terminals are driven by build/sync-drive (the journal API and
the real sync engine on its thread) and by the real kiosk (--headless --replay confirms a
request). Signatures are checked by sync-drive verify with the terminal's public key.
Prints PASS/FAIL lines. Usage: tests/check-sync.py BUILD_DIR
"""
import json, os, re, signal, socket, sqlite3, subprocess, sys, tempfile, time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
drive = os.path.join(build, "sync-drive")
kiosk = os.path.join(build, "kiosk")
procs = []


def report(name, ok, why=""):
    print(("PASS sync/%s" % name) if ok else ("FAIL sync/%s: %s" % (name, why)), flush=True)
    return ok


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Broker:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "broker")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    "persistence_location %s/\nmax_queued_messages 0\nautosave_interval 1\n"
                    "log_dest file %s/log\n" % (self.port, self.dir, self.dir))
        self.p = None
        self.start()

    def start(self):
        self.p = subprocess.Popen(["mosquitto", "-c", self.conf], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        procs.append(self.p)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def kill(self):
        self.p.kill()
        self.p.wait()

    def stop_process(self):  # SIGSTOP: it holds connections but answers nothing
        self.p.send_signal(signal.SIGSTOP)

    def cont(self):
        self.p.send_signal(signal.SIGCONT)

    def url(self):
        return "mqtt://127.0.0.1:%d" % self.port


class Sub:
    """mosquitto_sub on a persistent session (QoS 1), writing '%t\\t%P\\t%x' lines to a file."""

    def __init__(self, broker, tmp, name, topic, extra=()):
        self.path = os.path.join(tmp, name + ".txt")
        self.broker, self.name, self.topic, self.extra = broker, name, topic, list(extra)
        self.p = None
        self.start()

    def start(self):
        out = open(self.path, "a")
        self.p = subprocess.Popen(
            ["mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", str(self.broker.port),
             "-q", "1", "-c", "-i", self.name, "-x", "3600", "-t", self.topic,
             "-F", "%t\t%P\t%x"] + self.extra, stdout=out, stderr=subprocess.DEVNULL)
        procs.append(self.p)
        time.sleep(0.6)  # subscribed (a late one only delays: "no matching subscribers" is retried)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            self.p.wait()

    def lines(self):
        with open(self.path) as f:
            return [l for l in f.read().split("\n") if l.strip()]


def verify(pub, lines):
    """[(ok, topic, payload dict)] for mosquitto_sub lines, checked by the kiosk's own code."""
    r = subprocess.run([drive, "verify", pub], input="\n".join(lines) + "\n", text=True,
                       capture_output=True, timeout=30)
    out = []
    for l in r.stdout.split("\n"):
        m = re.match(r"^(ok|bad) (\S+) (.*)$", l)
        if m:
            try:
                payload = json.loads(m.group(3)) if m.group(3) else {}
            except ValueError:
                payload = {"unparsable": m.group(3)}
            out.append((m.group(1) == "ok", m.group(2), payload))
    return out


def run(args, timeout=60, **kw):
    return subprocess.run([drive] + args, capture_output=True, text=True, timeout=timeout, **kw)


def status_of(out):
    m = re.search(r"^status (.*)$", out, re.M)
    return dict(re.findall(r'(\w+)=("[^"]*"|\S+)', m.group(1))) if m else {}


def backlog(data):
    db = sqlite3.connect(os.path.join(data, "journal.sqlite"))
    n = db.execute("SELECT COUNT(*) FROM outbox WHERE synced_at IS NULL").fetchone()[0]
    total = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    db.close()
    return n, total


class Terminal:
    def __init__(self, tmp, broker, name, keys, band="", extra=""):
        self.data = os.path.join(tmp, name)
        self.ini = os.path.join(tmp, name + ".ini")
        with open(self.ini, "w") as f:
            f.write("[centre]\nid = UDC-0001\n[terminal]\nid = %s\ntoken_band = %s\n"
                    "[journal]\nexport_key = %s/export.pub\n[sync]\nbroker = %s\n"
                    "register_key = %s/signing.pub\n%s"
                    % (name, band, keys, broker.url(), keys, extra))
        self.pub = os.path.join(self.data, "signing.pub")

    def commit(self, n, *extra):
        r = run(["commit", "--config", self.ini, "--data", self.data, "--count", str(n)] +
                list(extra))
        assert r.returncode == 0, r.stderr
        return r.stdout

    def run(self, *extra, timeout=60):
        return run(["run", "--config", self.ini, "--data", self.data] + list(extra),
                   timeout=timeout)

    def start(self, *extra):
        p = subprocess.Popen([drive, "run", "--config", self.ini, "--data", self.data] +
                             list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        procs.append(p)
        p.stdout.readline()  # "running"
        return p


def events(results, terminal):
    return [p for ok, t, p in results if t.endswith("/%s/event" % terminal)]


def in_order_exactly(evs, total):
    ids = [int(p["event"].rsplit("/", 1)[1]) for p in evs]
    return ids == list(range(1, total + 1)), ids


def check_order_signatures_sealing(tmp, broker, keys):
    sub = Sub(broker, tmp, "sub-order", "sheba/UDC-0001/T01/#")
    t = Terminal(tmp, broker, "T01", keys, band="2")
    t.commit(5, "--print")
    r = t.run("--until-drained", "--for", "20")
    sub.stop()
    res = verify(t.pub, sub.lines())
    evs = events(res, "T01")
    report("all-signed", res and all(ok for ok, _, _ in res),
           "%d messages, bad: %r" % (len(res), [p for ok, _, p in res if not ok][:2]))
    ok, ids = in_order_exactly(evs, 10)
    report("events-in-outbox-order-exactly-once", ok, "event row ids %r" % ids)
    req = [p for p in evs if p.get("kind") == "request"]
    report("token-band-in-tokens", req and all(re.match(r"^B-2\d{3}$", p["token"]) for p in req),
           "%r" % [p.get("token") for p in req])
    raw = open(sub.path).read()
    clear = any(s.encode().hex() in raw for s in ("নাগরিক", "01712345678"))
    report("fields-never-in-clear", not clear and all("fields_sealed" in p for p in req),
           "clear text found" if clear else "no fields_sealed in %r" % req[:1])
    opened = run(["unseal", os.path.join(keys, "export.key"), req[0]["fields_sealed"]]) \
        if req else None
    report("fields-sealed-to-export-key", opened is not None and opened.returncode == 0 and
           json.loads(opened.stdout).get("mobile") == "01712345678",
           opened.stderr if opened else "no request event")
    st = status_of(r.stdout)
    report("all-marked-synced", backlog(t.data) == (0, 10) and st.get("acked") == "10",
           "backlog %r, %s" % (backlog(t.data), r.stdout.strip()))
    prints = [p for p in evs if p.get("kind") == "print"]
    report("print-events", len(prints) == 5 and all(p["status"] == "printed" for p in prints),
           "%r" % prints[:1])


def check_marked_only_on_puback(tmp, broker, keys):
    t = Terminal(tmp, broker, "T02", keys)
    # No one subscribes: Mosquitto acknowledges with "no matching subscribers" and drops the
    # message. That is not an acknowledgement: the rows must stay.
    t.commit(3)
    r = t.run("--for", "3")
    report("no-subscriber-is-not-acknowledged", backlog(t.data)[0] == 3,
           "backlog %r: %s" % (backlog(t.data), r.stdout.strip()))
    sub = Sub(broker, tmp, "sub-puback", "sheba/UDC-0001/T02/event")
    # A broker that takes the bytes but answers nothing (stopped): nothing may be marked.
    p = t.start()
    time.sleep(1.5)
    broker.stop_process()
    t.commit(2)
    time.sleep(2.5)
    held = backlog(t.data)[0]
    broker.cont()
    time.sleep(1)
    deadline = time.time() + 20
    while backlog(t.data)[0] and time.time() < deadline:
        time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)
    report("nothing-marked-without-puback", held == 2, "%d unsynced while the broker slept" % held)
    ids = {e["event"] for e in events(verify(t.pub, sub.lines()), "T02")}
    sub.stop()
    report("held-events-delivered-later", backlog(t.data)[0] == 0 and len(ids) == 5,
           "backlog %r, %d distinct events" % (backlog(t.data), len(ids)))


def check_broker_killed_mid_drain(tmp, broker, keys):
    t = Terminal(tmp, broker, "T03", keys, extra="max_rate = 50\n")
    t.commit(150)
    sub = Sub(broker, tmp, "sub-kill", "sheba/UDC-0001/T03/event")
    p = t.start()
    time.sleep(1.2)
    broker.kill()
    before = backlog(t.data)[0]
    time.sleep(1.5)
    broker.start()
    sub.stop()
    sub.start()
    deadline = time.time() + 40
    while backlog(t.data)[0] and time.time() < deadline:
        time.sleep(0.3)
    time.sleep(0.5)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)
    sub.stop()
    ids = {e["event"] for e in events(verify(t.pub, sub.lines()), "T03")}
    report("broker-killed-mid-drain-loses-nothing",
           0 < before < 150 and backlog(t.data)[0] == 0 and len(ids) == 150,
           "killed with %d left; after: backlog %r, %d distinct events of 150"
           % (before, backlog(t.data), len(ids)))


def check_terminal_killed_before_puback(tmp, broker, keys):
    t = Terminal(tmp, broker, "T04", keys)
    sub = Sub(broker, tmp, "sub-kill9", "sheba/UDC-0001/T04/event")
    p = t.start()
    time.sleep(1.5)  # connected
    broker.stop_process()  # publishes go out, no PUBACK comes back
    t.commit(20)
    time.sleep(2)
    p.kill()
    p.wait()
    left = backlog(t.data)[0]
    broker.cont()
    r = t.run("--until-drained", "--for", "20")
    time.sleep(0.5)
    sub.stop()
    got = [e["event"] for e in events(verify(t.pub, sub.lines()), "T04")]
    report("terminal-killed-before-puback-republishes",
           left == 20 and backlog(t.data)[0] == 0 and len(set(got)) == 20,
           "left after kill %d, backlog %r, %d messages, %d distinct: %s"
           % (left, backlog(t.data), len(got), len(set(got)), r.stdout.strip()))
    print("  killed before PUBACK: 20 events, %d delivered (%d duplicates)"
          % (len(got), len(got) - len(set(got))))


def check_week_offline(tmp, broker, keys):
    rate = 100
    t = Terminal(tmp, broker, "T05", keys, extra="max_rate = %d\ninflight = 20\n" % rate)
    week_ago = int(time.time()) - 7 * 86400
    t.commit(400, "--at", str(week_ago), "--step", "1500")
    sub = subprocess.Popen(["mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                            str(broker.port), "-q", "1", "-t", "sheba/UDC-0001/T05/event",
                            "-F", "%U %t"], stdout=subprocess.PIPE, text=True)
    procs.append(sub)
    time.sleep(0.3)
    start = time.time()
    r = t.run("--until-drained", "--for", "30")
    took = time.time() - start
    time.sleep(0.3)
    sub.terminate()
    stamps = [float(l.split()[0]) for l in sub.communicate()[0].split("\n") if l.strip()]
    busiest = max((sum(1 for s in stamps if a <= s < a + 1.0) for a in stamps), default=0)
    # A bucket of one second's worth: at most rate + rate in any second, and the whole takes
    # at least (400 - rate) / rate seconds.
    report("week-offline-drains-all", backlog(t.data)[0] == 0 and len(stamps) == 400,
           "%d received, backlog %r: %s" % (len(stamps), backlog(t.data), r.stdout.strip()))
    report("week-offline-drains-at-bounded-rate",
           took >= (400 - rate) / rate * 0.95 and busiest <= 2 * rate,
           "%.1f s, busiest second %d events (max_rate %d)" % (took, busiest, rate))
    print("  week offline: 400 events in %.1f s, busiest second %d (max_rate %d)"
          % (took, busiest, rate))


def check_sync_now(tmp, broker, keys):
    t = Terminal(tmp, broker, "T06", keys)
    t.commit(4)
    off = os.path.join(tmp, "T06-off.ini")
    with open(off, "w") as f:
        f.write("[centre]\nid = UDC-0001\n[terminal]\nid = T06\n")
    r = run(["now", "--config", off, "--data", t.data])
    report("sync-now-without-broker", r.returncode == 1 and "4 events wait" in r.stdout,
           "%d: %s" % (r.returncode, r.stdout + r.stderr))
    dead = os.path.join(tmp, "T06-dead.ini")
    with open(dead, "w") as f:
        f.write(open(t.ini).read().replace(broker.url(), "mqtt://127.0.0.1:%d" % free_port()))
    t0 = time.time()
    r = run(["now", "--config", dead, "--data", t.data, "--timeout", "30"])
    report("sync-now-unreachable", r.returncode == 1 and "4 left" in r.stdout and
           "cannot be reached" in r.stdout and time.time() - t0 < 10,
           "%d after %.1f s: %s" % (r.returncode, time.time() - t0, r.stdout + r.stderr))
    broker.stop_process()
    t0 = time.time()
    r = run(["now", "--config", t.ini, "--data", t.data, "--timeout", "3"])
    took = time.time() - t0
    broker.cont()
    report("sync-now-time-bound", r.returncode == 1 and "4 left" in r.stdout and took < 9,
           "%d after %.1f s: %s" % (r.returncode, took, r.stdout + r.stderr))
    sub = Sub(broker, tmp, "sub-now", "sheba/UDC-0001/T06/event")
    r = run(["now", "--config", t.ini, "--data", t.data, "--timeout", "20"])
    sub.stop()
    report("sync-now-drains", r.returncode == 0 and "nothing left" in r.stdout and
           backlog(t.data)[0] == 0, "%d: %s" % (r.returncode, r.stdout + r.stderr))
    r = run(["now", "--config", t.ini, "--data", t.data, "--timeout", "20"])
    report("sync-now-nothing-to-do", r.returncode == 0 and "0 events sent, nothing left"
           in r.stdout, "%d: %s" % (r.returncode, r.stdout + r.stderr))


def retained(broker, topic, seconds=1.5):
    r = subprocess.run(["mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                        str(broker.port), "-t", topic, "-F", "%t\t%P\t%x", "-W",
                        str(int(seconds)), "-C", "1", "--retained-only"],
                       capture_output=True, text=True)
    return [l for l in r.stdout.split("\n") if l.strip()]


def check_presence_and_will(tmp, broker, keys):
    t = Terminal(tmp, broker, "T07", keys, band="7")
    t.commit(1)
    p = t.start("--printer", "paper-out", "--paper", "out")
    time.sleep(1.5)
    res = verify(t.pub, retained(broker, "sheba/UDC-0001/T07/status"))
    pres = res[0][2] if res else {}
    report("presence-retained-and-signed",
           res and res[0][0] and pres.get("online") is True and pres.get("role") == "kiosk"
           and pres.get("token_band") == "7" and pres.get("printer") == "paper-out"
           and pres.get("paper") == "out" and "uptime" in pres and "backlog" in pres
           and "last_sync" in pres and pres.get("refused") == [], "%r" % res)
    p.kill()
    p.wait()
    time.sleep(1.0)
    res = verify(t.pub, retained(broker, "sheba/UDC-0001/T07/status"))
    report("last-will-after-kill-9", res and res[0][0] and res[0][2] ==
           {"v": 1, "online": False, "role": "kiosk"}, "%r" % res)


def publish(broker, topic, payload_file, sig=None, retain=True, empty=False):
    args = ["mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", str(broker.port), "-q",
            "1", "-t", topic]
    if retain:
        args.append("-r")
    if sig:
        args += ["-D", "publish", "user-property", "sig", sig]
    args += ["-n"] if empty else ["-f", payload_file]
    subprocess.run(args, check=True, timeout=10)


def signed_push(tmp, keys, name, body):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(body)
    sig = run(["sign", keys, path]).stdout.strip()
    return path, sig


def check_pushes(tmp, broker, keys, other_keys):
    t = Terminal(tmp, broker, "T08", keys)
    catalog = json.load(open("assets/catalog.json"))
    good = json.dumps({"v": 1, "kind": "catalog", "version": 2, "catalog": catalog})
    path, sig = signed_push(tmp, keys, "cat2.json", good)
    publish(broker, "sheba/push/catalog", path, sig)
    forged = json.dumps({"v": 1, "kind": "catalog", "version": 3, "catalog": catalog})
    fpath, fsig = signed_push(tmp, other_keys, "cat3.json", forged)
    publish(broker, "sheba/UDC-0001/push/catalog", fpath, fsig)
    cfg = json.dumps({"v": 1, "kind": "config", "version": 1,
                      "config": "[kiosk]\nidle_timeout = 90\n"})
    cpath, csig = signed_push(tmp, keys, "cfg1.json", cfg)
    publish(broker, "sheba/push/config", cpath, csig)
    r = t.run("--for", "2")
    if r.returncode:
        print("  " + r.stderr.strip())
    st = status_of(r.stdout)
    kept = os.path.join(t.data, "push-catalog.json")
    report("push-good-catalog-kept", st.get("catalog") == "2" and os.path.exists(kept) and
           open(kept).read() == good, r.stdout.strip())
    report("push-good-config-kept", st.get("config") == "1", r.stdout.strip())
    report("push-bad-signature-refused", "refused catalog 3 bad signature" in r.stdout,
           r.stdout.strip())
    # Older, invalid, and an overlay that would change who the terminal is.
    path, sig = signed_push(tmp, keys, "cat1.json", json.dumps(
        {"v": 1, "kind": "catalog", "version": 1, "catalog": catalog}))
    publish(broker, "sheba/UDC-0001/push/catalog", path, sig)
    path, sig = signed_push(tmp, keys, "cat5.json", json.dumps(
        {"v": 1, "kind": "catalog", "version": 5, "catalog": {"categories": []}}))
    publish(broker, "sheba/push/catalog", path, sig)
    path, sig = signed_push(tmp, keys, "cfg2.json", json.dumps(
        {"v": 1, "kind": "config", "version": 2, "config": "[terminal]\nid = T99\n"}))
    publish(broker, "sheba/UDC-0001/push/config", path, sig)
    sub = Sub(broker, tmp, "sub-push", "sheba/UDC-0001/T08/status")
    r = t.run("--for", "7")
    sub.stop()
    st = status_of(r.stdout)
    report("push-older-version-refused", "refused catalog 1 version 1 is not newer than 2"
           in r.stdout, r.stdout.strip())
    report("push-invalid-catalog-refused", re.search(r"refused catalog 5 pushed catalog: ",
                                                     r.stdout) is not None, r.stdout.strip())
    report("push-identity-overlay-refused", re.search(
        r"refused config 2 pushed config:\d+: \[\w+\] \w+: an overlay may not change",
        r.stdout) is not None and st.get("config") == "1", r.stdout.strip())
    report("push-still-uses-last-good", st.get("catalog") == "2" and
           json.load(open(kept))["version"] == 2, r.stdout.strip())
    pres = [p for ok, _, p in verify(t.pub, sub.lines()) if p.get("online")]
    listed = pres[-1].get("refused", []) if pres else []
    report("push-refusals-in-presence", len(listed) >= 3 and all(
        set(x) == {"kind", "version", "why"} for x in listed), "%r" % listed)


def check_control(tmp, broker, keys, other_keys):
    t = Terminal(tmp, broker, "T09", keys, band="2")
    topic = "sheba/UDC-0001/T09/control"
    body = json.dumps({"v": 1, "refused": "token_band", "detail": "band 2 is held by T01"})
    fpath, fsig = signed_push(tmp, other_keys, "ctl-forged.json", body)
    publish(broker, topic, fpath, fsig)
    r = t.run("--for", "1")
    report("control-forged-ignored", status_of(r.stdout).get("band_refused") == "0",
           r.stdout.strip())
    path, sig = signed_push(tmp, keys, "ctl.json", body)
    publish(broker, topic, path, sig)
    r = t.run("--for", "1")
    st = status_of(r.stdout)
    report("control-band-refused", st.get("band_refused") == "1" and
           st.get("band_detail") == '"band 2 is held by T01"', r.stdout.strip())
    p = t.start()
    time.sleep(1)
    publish(broker, topic, None, empty=True)
    time.sleep(1)
    p.send_signal(signal.SIGTERM)
    out = p.communicate(timeout=10)[0]
    report("control-refusal-lifted", status_of(out).get("band_refused") == "0", out.strip())


def check_real_kiosk(tmp, broker, keys):
    """The real program commits a request (a replayed flow); its outbox syncs."""
    t = Terminal(tmp, broker, "T10", keys)
    r = subprocess.run([kiosk, "--headless", "--config", "assets/kiosk.ini", "--config", t.ini,
                        "--data", t.data, "--printer", "file:" + os.path.join(tmp, "r.bin"),
                        "--replay", "tests/e2e/flow_en.replay", "--shots", tmp],
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, SDL_VIDEODRIVER="dummy"))
    sub = Sub(broker, tmp, "sub-kiosk", "sheba/UDC-0001/T10/event")
    n = run(["now", "--config", t.ini, "--data", t.data, "--timeout", "20"])
    sub.stop()
    evs = events(verify(t.pub, sub.lines()), "T10")
    kinds = [e["kind"] for e in evs]
    report("real-kiosk-request-and-print-synced",
           r.returncode == 0 and n.returncode == 0 and kinds == ["request", "print"] and
           evs[0]["service"] != "" and "fields_sealed" in evs[0],
           "kiosk %d %s; sync %s; kinds %r" % (r.returncode, r.stderr[-200:], n.stdout, kinds))


def main():
    for tool in ("mosquitto", "mosquitto_sub", "mosquitto_pub"):
        if subprocess.run(["sh", "-c", "command -v " + tool], capture_output=True).returncode:
            report("tools", False, tool + " is not installed (apt-get install mosquitto "
                   "mosquitto-clients)")
            return
    with tempfile.TemporaryDirectory() as tmp:
        keys, other = os.path.join(tmp, "register"), os.path.join(tmp, "forger")
        run(["keys", keys])
        run(["keys", other])
        broker = Broker(tmp)
        try:
            only = os.environ.get("CHECK_SYNC_ONLY", "")  # e.g. "pushes,control" while developing
            for check in (check_order_signatures_sealing, check_marked_only_on_puback,
                          check_broker_killed_mid_drain, check_terminal_killed_before_puback,
                          check_week_offline, check_sync_now, check_presence_and_will,
                          check_pushes, check_control, check_real_kiosk):
                if only and not any(o in check.__name__ for o in only.split(",")):
                    continue
                if check in (check_pushes, check_control):
                    check(tmp, broker, keys, other)
                else:
                    check(tmp, broker, keys)
        finally:
            for p in procs:
                if p.poll() is None:
                    try:
                        p.send_signal(signal.SIGCONT)
                    except OSError:
                        pass
                    p.kill()
                    p.wait()


if __name__ == "__main__":
    main()
