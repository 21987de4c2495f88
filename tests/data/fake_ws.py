#!/usr/bin/env python3
"""Fake Binance for the live-feed tests (python3 standard library only; the
WebSocket handshake and framing of RFC 6455 written out here). One loopback
port serves both:

  GET /ws/<sym>@kline_1m, /stream?streams=a/b   WebSocket kline stream
  GET /api/v3/klines     bars of [startTime, endTime] that exist by "now"
                         (the one opening at "now" still forming, as Binance)
  GET /api/v3/time       {"serverTime": now}
  GET /fapi/v1/klines, /fapi/v1/time   the same as USD-M futures
  GET /_stats            {"connections", "pongs_ok", "pongs_bad", "klines",
                          "paths": {path: requests}}

Bar i (of --bars) opens at T0 + i*60000 (T0 = 2026-07-14 19:20 UTC, so the
last of 1000 opens at 2026-07-15 11:59) with open = 100 + (i%97)*0.01,
high = open + 1, low = open - 1, close = open + 0.5, volume = i + 0.25.
Connection k (1-based) first sends a ping ("ping-k") and reads the pong,
then (k > 1) the last closed bar of the previous connection again (the
duplicate), then for each bar a not-closed update (x false, close = open)
and the closed bar. Connection k ends after bar --cuts[k-1] by dropping the
socket (no close frame); the next one resumes --skip bars later, so those
are only to be had from /api/v3/klines (the backfill). "now" is the open
time of the first bar a connection streams. The last connection stays open,
pinging, until the client leaves. The chosen port goes to --port-file."""
import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--bars", type=int, default=1000)
ap.add_argument("--cuts", default="300,700")
ap.add_argument("--skip", type=int, default=20)
args = ap.parse_args()

T0 = 1784116800000 - 1000 * 60000
CUTS = [int(c) for c in args.cuts.split(",") if c]
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
lock = threading.Lock()
state = {"now": T0, "connections": 0, "pongs_ok": 0, "pongs_bad": 0, "klines": 0, "paths": {}}


def bar(i):
    o = 100 + (i % 97) * 0.01
    return [T0 + i * 60000, "%.2f" % o, "%.2f" % (o + 1), "%.2f" % (o - 1), "%.2f" % (o + 0.5), "%.2f" % (i + 0.25)]


def kline_msg(sym, i, closed, stream, combined):
    b = bar(i)
    k = {"t": b[0], "T": b[0] + 59999, "s": sym, "i": "1m", "f": 1, "L": 2, "o": b[1],
         "c": b[4] if closed else b[1], "h": b[2], "l": b[3], "v": b[5], "n": 3, "x": closed,
         "q": "0", "V": "0", "Q": "0", "B": "0"}
    m = {"e": "kline", "E": b[0] + (60000 if closed else 1000), "s": sym, "k": k}
    return json.dumps({"stream": stream, "data": m} if combined else m, separators=(",", ":"))


def frame(opcode, payload):
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack(">H", n)
    else:
        head += bytes([127]) + struct.pack(">Q", n)
    return head + payload


def read_exact(sock, n):
    b = b""
    while len(b) < n:
        c = sock.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def read_frame(sock):
    """One client frame (always masked): (opcode, payload)."""
    h = read_exact(sock, 2)
    n = h[1] & 0x7F
    if n == 126:
        n = struct.unpack(">H", read_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", read_exact(sock, 8))[0]
    mask = read_exact(sock, 4) if h[1] & 0x80 else b"\0\0\0\0"
    data = read_exact(sock, n)
    return h[0] & 0x0F, bytes(c ^ mask[j % 4] for j, c in enumerate(data))


def expect_pong(sock, payload):
    sock.settimeout(5)
    try:
        while True:
            op, data = read_frame(sock)
            if op == 0xA:
                break
    except socket.timeout:
        data = None
    with lock:
        state["pongs_ok" if data == payload else "pongs_bad"] += 1
    sock.settimeout(None)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self.websocket(u, q)
        if u.path == "/_stats":
            with lock:
                return self.send(200, json.dumps(state).encode())
        with lock:
            state["paths"][u.path] = state["paths"].get(u.path, 0) + 1
        if u.path in ("/api/v3/time", "/fapi/v1/time"):
            with lock:
                return self.send(200, json.dumps({"serverTime": state["now"]}).encode())
        if u.path in ("/api/v3/klines", "/fapi/v1/klines"):
            with lock:
                state["klines"] += 1
                now = state["now"]
            start = int(q["startTime"][0])
            end = int(q.get("endTime", [str(now)])[0])
            limit = int(q.get("limit", ["500"])[0])
            out = [bar(i) for i in range(args.bars)
                   if start <= T0 + i * 60000 <= end and T0 + i * 60000 <= now][:limit]
            return self.send(200, json.dumps(out, separators=(",", ":")).encode())
        return self.send(404, b'{"code":-1,"msg":"not found"}')

    def websocket(self, u, q):
        if u.path.startswith("/ws/"):
            streams, combined = [u.path[4:]], False
        elif u.path == "/stream":
            streams, combined = q.get("streams", [""])[0].split("/"), True
        else:
            return self.send(404, b'{"code":-1,"msg":"no such stream"}')
        syms = [s.split("@")[0].upper() for s in streams]
        with lock:
            state["connections"] += 1
            k = state["connections"]
            first = 0 if k == 1 else CUTS[k - 2] + 1 + args.skip if k - 2 < len(CUTS) else args.bars
            state["now"] = T0 + first * 60000
        key = self.headers["Sec-WebSocket-Key"]
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        sock = self.connection
        self.close_connection = True
        try:
            ping = ("ping-%d" % k).encode()
            sock.sendall(frame(0x9, ping))
            expect_pong(sock, ping)
            last = CUTS[k - 1] if k - 1 < len(CUTS) else args.bars - 1
            if k > 1:  # the last closed bar of the connection before, again
                for s, st in zip(syms, streams):
                    sock.sendall(frame(0x1, kline_msg(s, CUTS[k - 2], True, st, combined).encode()))
            for i in range(first, last + 1):
                with lock:
                    state["now"] = T0 + i * 60000
                for s, st in zip(syms, streams):
                    sock.sendall(frame(0x1, kline_msg(s, i, False, st, combined).encode()))
                    sock.sendall(frame(0x1, kline_msg(s, i, True, st, combined).encode()))
            if k - 1 < len(CUTS):  # drop mid-stream: no close frame
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
                return
            n = 0
            while True:  # the last connection: keep pinging until the client leaves
                n += 1
                ping = ("ping-%d-%d" % (k, n)).encode()
                sock.sendall(frame(0x9, ping))
                expect_pong(sock, ping)
                threading.Event().wait(0.5)
        except (OSError, EOFError):
            pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
