#!/usr/bin/env python3
"""Fake venue server for the `proratio data download` tests (standard library
only). Serves Binance-shaped REST endpoints on loopback:

  /api/v3/klines, /fapi/v1/klines   generated 1-minute-grid bars of any
                                    interval from --listing up to --now,
                                    the last one still forming
  /fapi/v1/fundingRate              generated 8h funding rates
  /api/v3/exchangeInfo, /fapi/v1/exchangeInfo   the recorded fixture
  POST /_faults                     JSON list of faults for the next kline
                                    requests, one each, in order: "truncate"
                                    (body cut off before its Content-Length),
                                    "malformed" (the recorded truncated body,
                                    no length), "429" (Retry-After 1), "418"
                                    (Retry-After 120), "-1003" (429 with the
                                    recorded weight message, Retry-After 1),
                                    "-1021" (400), "500", "503" (-1007),
                                    "400", "401", "403", "empty" ([])
  GET /_stats                       {"klines": n, "requests": n, "paths": {...}}

Symbols with behaviour: BADSYM -> 400 -1121; GAPUSDT misses the bars of
--gap FROM_MS,TO_MS; BADROWS has a bar with high < low and a zero-volume
bar (--bad TS1,TS2); EMPTYUSDT returns [] for every page.
Prices are a deterministic function of the open time, so two servers (or a
resumed download) serve identical bars. The Date header is --now, the
server's clock. --delay-ms slows every kline page (for kill -9 tests).
The chosen port is written to --port-file."""
import argparse
import json
import os
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TF_MS = {"1m": 60000, "3m": 180000, "5m": 300000, "15m": 900000, "30m": 1800000, "1h": 3600000,
         "2h": 7200000, "4h": 14400000, "6h": 21600000, "8h": 28800000, "12h": 43200000,
         "1d": 86400000, "1w": 604800000}

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--fixtures", required=True)
ap.add_argument("--now", type=int, required=True, help="server clock, ms")
ap.add_argument("--listing", type=int, default=1704067200000, help="first bar, ms (2024-01-01)")
ap.add_argument("--gap", default="0,0")
ap.add_argument("--bad", default="0,0")
ap.add_argument("--delay-ms", type=int, default=0)
ap.add_argument("--used-weight", type=int, default=-1, help="X-MBX-USED-WEIGHT-1M to report (-1: our count)")
args = ap.parse_args()
GAP = [int(x) for x in args.gap.split(",")]
BAD = [int(x) for x in args.bad.split(",")]
lock = threading.Lock()
faults = []
stats = {"klines": 0, "requests": 0, "paths": {}}
weight = [0]


def fixture(name):
    with open(os.path.join(args.fixtures, name), "rb") as f:
        return f.read()


def fmt(x):
    return "%.8f" % x


def bar(symbol, t, step):
    """One kline row, a pure function of the open time."""
    k = t // 60000
    o = 100 + (k % 997) * 0.01 + (k % 13) * 0.1
    c = 100 + ((k + 1) % 997) * 0.01 + ((k + 1) % 13) * 0.1
    h = max(o, c) + 0.05 + (k % 5) * 0.01
    low = min(o, c) - 0.05 - (k % 3) * 0.01
    v = 1 + (k % 7) * 0.5
    if symbol == "BADROWS" and t == BAD[0]:
        h, low = low - 1, h + 1  # high < low: the validation skips it
    if symbol == "BADROWS" and t == BAD[1]:
        v = 0  # zero volume: kept and reported
    return [t, fmt(o), fmt(h), fmt(low), fmt(c), fmt(v), t + step - 1, fmt(v * c), 10 + k % 50,
            fmt(v / 2), fmt(v * c / 2), "0"]


def klines(q):
    symbol = q.get("symbol", [""])[0]
    step = TF_MS[q["interval"][0]]
    start = int(q.get("startTime", [args.listing])[0])
    end = int(q.get("endTime", [args.now])[0])
    limit = min(int(q.get("limit", ["500"])[0]), 1000)
    if symbol == "EMPTYUSDT":
        return []
    t = max(start, args.listing)
    t = ((t + step - 1) // step) * step
    rows = []
    while t <= end and t <= args.now and len(rows) < limit:
        if not (symbol == "GAPUSDT" and GAP[0] <= t <= GAP[1]):
            rows.append(bar(symbol, t, step))
        t += step
    return rows


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def date_time_string(self, timestamp=None):
        return formatdate(args.now / 1000.0, usegmt=True)

    def send(self, status, body, headers=None, length=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        if length is not None:
            self.close_connection = True

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = json.loads(self.rfile.read(n) or b"[]")
        with lock:
            faults[:] = list(data)
        self.send(200, b"{}")

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        with lock:
            stats["requests"] += 1
            stats["paths"][u.path] = stats["paths"].get(u.path, 0) + 1
        if u.path == "/_stats":
            with lock:
                return self.send(200, json.dumps(stats).encode())
        if u.path in ("/api/v3/exchangeInfo", "/fapi/v1/exchangeInfo"):
            return self.send(200, fixture("spot_exchange_info.json"), {"X-MBX-USED-WEIGHT-1M": "20"})
        if u.path == "/fapi/v1/fundingRate":
            start = int(q.get("startTime", ["0"])[0])
            end = int(q.get("endTime", [str(args.now)])[0])
            limit = min(int(q.get("limit", ["100"])[0]), 1000)
            step = 8 * 3600000
            t = ((max(start, args.listing) + step - 1) // step) * step
            out = []
            while t <= end and t <= args.now and len(out) < limit:
                out.append({"symbol": q["symbol"][0], "fundingTime": t + 3,  # Binance's ms jitter
                            "fundingRate": "%.8f" % (0.0001 * ((t // step) % 5 - 1)), "markPrice": "100.0"})
                t += step
            return self.send(200, json.dumps(out).encode())
        if u.path not in ("/api/v3/klines", "/fapi/v1/klines"):
            return self.send(404, b'{"code":-1,"msg":"not found"}')
        with lock:
            stats["klines"] += 1
            fault = faults.pop(0) if faults else None
            weight[0] += 2
            used = str(args.used_weight if args.used_weight >= 0 else weight[0])
        if q.get("symbol", [""])[0] == "BADSYM":
            return self.send(400, fixture("error_-1121_symbol.json"))
        if fault == "429":
            return self.send(429, b"", {"Retry-After": "1"})
        if fault == "-1003":
            return self.send(429, fixture("error_-1003_429.json"), {"Retry-After": "1", "X-MBX-USED-WEIGHT-1M": "6012"})
        if fault == "418":
            return self.send(418, fixture("error_-1003_418_ban.json"), {"Retry-After": "120"})
        if fault == "-1021":
            return self.send(400, fixture("error_-1021_timestamp.json"))
        if fault == "503":
            return self.send(503, fixture("error_-1007_timeout.json"))
        if fault in ("400", "401", "403", "500"):
            return self.send(int(fault), b'{"code":-1000,"msg":"fake ' + fault.encode() + b'"}')
        if fault == "malformed":
            return self.send(200, fixture("spot_klines_truncated.body.txt"))
        if args.delay_ms:
            threading.Event().wait(args.delay_ms / 1000.0)
        body = b"[]" if fault == "empty" else json.dumps(klines(q), separators=(",", ":")).encode()
        if fault == "truncate":
            return self.send(200, body[: len(body) // 2], {"X-MBX-USED-WEIGHT-1M": used}, length=len(body))
        return self.send(200, body, {"X-MBX-USED-WEIGHT-1M": used})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
