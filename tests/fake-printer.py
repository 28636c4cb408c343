#!/usr/bin/env python3
"""A network receipt printer for the end-to-end tests (raw TCP, as port 9100).

It records everything it is sent to --out and answers real-time status requests
(DLE EOT n) the way an ESC/POS printer does. --mode sets what it does, per connection:
  online                     always ready
  paper-out                  always out of paper
  paper-out-then-online      out of paper for the first connection, ready afterwards
  paper-out-after-job        ready until the job begins (ESC @), out of paper after it
  garbage-ff, garbage-00     answers every status request with 0xFF (0x00): not a status
                             byte (the fixed bits 0xx1xx10 are wrong)
  never-reads                accepts the connection and never reads a byte (the job fits in
                             the kernel's buffers)
  never-reads-full           the same with a 4 KB receive buffer: its window closes
  reset-after:N              ready, but resets the connection once it has read N bytes
With --gate FILE it reads nothing more of a job (after its ESC @) until FILE exists, with a
4 KB receive buffer, so the job stays busy for as long as a test needs.
It writes the port it listens on to --port-file, and serves until killed.
"""
import argparse
import os
import select
import socket
import struct
import time

READY = {1: 0x12, 2: 0x12, 4: 0x12}
NO_PAPER = {1: 0x1A, 2: 0x32, 4: 0x7E}  # printer offline, stopped by paper end, paper end
JOB_START = b"\x1b\x40"  # ESC @


def reply(mode, n, offset, got, conn_no):
    """The status byte for DLE EOT n found at offset of this connection's stream."""
    if mode == "paper-out" or (mode == "paper-out-then-online" and conn_no == 0):
        return NO_PAPER[n]
    if mode == "paper-out-after-job":
        start = got.find(JOB_START)
        return NO_PAPER[n] if 0 <= start < offset else READY[n]
    if mode == "garbage-ff":
        return 0xFF
    if mode == "garbage-00":
        return 0x00
    return READY[n]


def wait_hangup(conn):
    """Never read; return once the other side has gone (its FIN shows as POLLRDHUP)."""
    p = select.poll()
    p.register(conn, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    p.poll(120000)


def serve(conn, mode, out, conn_no, gate):
    got = bytearray()
    scanned = 0
    reset_after = int(mode.split(":", 1)[1]) if mode.startswith("reset-after:") else 0
    deadline = time.monotonic() + 60
    while True:
        if gate and JOB_START in got and not os.path.exists(gate):
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)
            continue
        want = max(1, reset_after - len(got)) if reset_after else 65536
        data = conn.recv(want)
        if not data:
            return
        out.write(data)
        out.flush()
        got += data
        while scanned + 2 < len(got):
            if got[scanned] == 0x10 and got[scanned + 1] == 0x04 and got[scanned + 2] in READY:
                conn.sendall(bytes([reply(mode, got[scanned + 2], scanned, got, conn_no)]))
                scanned += 3
            else:
                scanned += 1
        if reset_after and len(got) >= reset_after:
            # Close with no lingering: the kernel sends a reset, not a FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="online")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--gate")
    a = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.mode == "never-reads-full" or a.gate:
        # Before listen(): accepted connections inherit it, and the window is agreed then.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    n = 0
    with open(a.out, "ab") as out:
        while True:
            conn, _ = s.accept()
            with conn:
                try:
                    if a.mode.startswith("never-reads"):
                        wait_hangup(conn)
                    else:
                        serve(conn, a.mode, out, n, a.gate)
                except OSError:
                    pass  # the kiosk hung up or reset: the next connection is served anyway
            n += 1


if __name__ == "__main__":
    main()
