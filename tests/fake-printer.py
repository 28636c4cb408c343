#!/usr/bin/env python3
"""A network receipt printer for the end-to-end tests (raw TCP, as port 9100).

It records everything it is sent to --out and answers real-time status requests
(DLE EOT n) the way an ESC/POS printer does. --mode sets what it reports, per connection:
  online                     always ready
  paper-out                  always out of paper
  paper-out-then-online      out of paper for the first connection, ready afterwards
It writes the port it listens on to --port-file, and serves until killed.
"""
import argparse, socket

READY = {1: 0x12, 2: 0x12, 4: 0x12}
NO_PAPER = {1: 0x1A, 2: 0x32, 4: 0x7E}  # printer offline, stopped by paper end, paper end


def serve(conn, status, out):
    seen = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        out.write(data)
        out.flush()
        joined = seen[-2:] + data
        start = len(seen[-2:])
        for i in range(len(joined) - 2):
            if i + 2 >= start and joined[i] == 0x10 and joined[i + 1] == 0x04 and joined[i + 2] in status:
                conn.sendall(bytes([status[joined[i + 2]]]))
        seen = joined


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="online")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    n = 0
    with open(a.out, "ab") as out:
        while True:
            conn, _ = s.accept()
            paper = a.mode == "paper-out" or (a.mode == "paper-out-then-online" and n == 0)
            with conn:
                serve(conn, NO_PAPER if paper else READY, out)
            n += 1


if __name__ == "__main__":
    main()
