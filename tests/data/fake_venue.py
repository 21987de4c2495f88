#!/usr/bin/env python3
"""Fake venue server for the `proratio data download` tests (standard library
only). Serves Binance-shaped REST endpoints on loopback:

  /api/v3/klines, /fapi/v1/klines   generated 1-minute-grid bars of any
                                    interval from --listing up to --now,
                                    the last one still forming
  /fapi/v1/premiumIndexKlines       generated premium index klines (the
                                    same rows, values around zero, many
                                    negative, volume "0")
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

The other sources serve their recorded fixtures (the venues' folders next to
--fixtures), cut to the range asked, and take faults too ("429",
"malformed": the venue's recorded cut-off body, "500"; Alpha Vantage's
in-band "note", "daily-limit", "premium" inside HTTP 200):
  /v3/instruments/EUR_USD/candles   OANDA: token "bad" -> 401, any other
                                    instrument -> 400; granularity=H1: price=M
                                    the mid fixture, B / A / BA the bid/ask
                                    one with the other side removed; other
                                    granularities (S5 ... M30) generated (see
                                    oanda_candle), OANDA's names only (others
                                    400); from=, count= honoured
  /v8/finance/chart/SYM             Yahoo: AAPL, AAPLNULL (the fixture with
                                    null rows); other symbols 404; intraday
                                    intervals older than 60 days before
                                    --now 422 (the recorded refusal)
  /query?function=...               Alpha Vantage TIME_SERIES_DAILY (IBM;
                                    other symbols "Error Message") and
                                    FX_INTRADAY (EUR/USD 5min; a key
                                    starting "free" gets the premium
                                    "Information"); apikey=bad -> the
                                    invalid-key "Error Message"
  /api/v3/coins/ID/ohlc             CoinGecko: bitcoin; other ids 404

Symbols with behaviour: BADSYM -> 400 -1121; GAPUSDT misses the bars of
--gap FROM_MS,TO_MS; BADROWS has a bar with high < low and a zero-volume
bar (--bad TS1,TS2); EMPTYUSDT returns [] for every page.
Prices are a deterministic function of the open time, so two servers (or a
resumed download) serve identical bars. The Date header is --now, the
server's clock. --delay-ms slows every kline page (for kill -9 tests).
With --clock-runs the server's clock starts at --now and runs with the wall
clock (for `data watch`, which polls at real bar closes).
The chosen port is written to --port-file."""
import argparse
import json
import os
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TF_MS = {"1s": 1000, "1m": 60000, "3m": 180000, "5m": 300000, "15m": 900000, "30m": 1800000, "1h": 3600000,
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
ap.add_argument("--clock-runs", action="store_true", help="the clock runs from --now with the wall clock")
ap.add_argument("--used-weight", type=int, default=-1, help="X-MBX-USED-WEIGHT-1M to report (-1: our count)")
args = ap.parse_args()
GAP = [int(x) for x in args.gap.split(",")]
BAD = [int(x) for x in args.bad.split(",")]
lock = threading.Lock()
faults = []
stats = {"klines": 0, "requests": 0, "paths": {}}
weight = [0]
START_WALL = int(time.time() * 1000)


def server_now():
    return args.now + (int(time.time() * 1000) - START_WALL if args.clock_runs else 0)


def fixture(name):
    with open(os.path.join(args.fixtures, name), "rb") as f:
        return f.read()


def venue_fixture(venue, name):
    with open(os.path.join(os.path.dirname(os.path.abspath(args.fixtures)), venue, name), "rb") as f:
        return f.read()


def take_fault():
    with lock:
        return faults.pop(0) if faults else None


def iso_ms(text):
    """'2026-07-14T13:00:00.000000000Z' or '2026-07-14T13:00:00Z' -> ms."""
    import calendar
    import time
    return calendar.timegm(time.strptime(text[:19].replace(" ", "T"), "%Y-%m-%dT%H:%M:%S")) * 1000


def fmt(x):
    return "%.8f" % x


def bar(symbol, t, step):
    """One kline row, a pure function of the open time."""
    k = t // (60000 if step >= 60000 else 1000)
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


def premium_bar(t, step):
    """A premium index kline: an index around zero (often negative), no volume."""
    k = t // 60000
    o = ((k % 11) - 5) * 0.0001
    c = (((k + 1) % 11) - 5) * 0.0001
    h = max(o, c) + 0.00002
    low = min(o, c) - 0.00002
    return [t, fmt(o), fmt(h), fmt(low), fmt(c), "0", t + step - 1, "0", 12, "0", "0", "0"]


OANDA_MS = {"S5": 5000, "S10": 10000, "S15": 15000, "S30": 30000, "M1": 60000, "M2": 120000, "M4": 240000,
            "M5": 300000, "M10": 600000, "M15": 900000, "M30": 1800000, "H1": 3600000}


def oanda_candle(t, step, price, now):
    """One generated OANDA candle, a pure function of its open time: mid
    o = 1.08 + (k % 89) * 1e-5 and c = 1.08 + ((k + 5) % 89) * 1e-5 with
    k = t // 1000, h = max(o, c) + 3e-5, l = min(o, c) - 2e-5, volume
    1 + k % 9; bid = mid - 7e-5, ask = mid + 7e-5 (every field). Quiet
    intervals have no candle (OANDA omits them): every slot (t // step) with
    remainder 16 modulo 17."""
    if (t // step) % 17 == 16:
        return None
    k = t // 1000
    o = 1.08 + (k % 89) * 1e-5
    c = 1.08 + ((k + 5) % 89) * 1e-5
    mid = {"o": o, "h": max(o, c) + 3e-5, "l": min(o, c) - 2e-5, "c": c}
    out = {"complete": t + step <= now, "volume": 1 + k % 9,
           "time": time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(t // 1000))}
    for comp, key, d in (("M", "mid", 0), ("B", "bid", -7e-5), ("A", "ask", 7e-5)):
        if comp in price:
            out[key] = {f: "%.5f" % (v + d) for f, v in mid.items()}
    return out


def oanda_generated(gran, price, q):
    step, now = OANDA_MS[gran], server_now()
    start = iso_ms(q["from"][0]) if "from" in q else now - 500 * step
    count = min(int(q.get("count", ["500"])[0]), 5000)
    t = ((start + step - 1) // step) * step
    out = []
    while t <= now and len(out) < count:
        c = oanda_candle(t, step, price, now)
        if c:
            out.append(c)
        t += step
    return {"instrument": "EUR_USD", "granularity": gran, "candles": out}


def klines(q, premium=False):
    symbol = q.get("symbol", [""])[0]
    step = TF_MS[q["interval"][0]]
    start = int(q.get("startTime", [args.listing])[0])
    end = int(q.get("endTime", [server_now()])[0])
    limit = min(int(q.get("limit", ["500"])[0]), 1000)
    if symbol == "EMPTYUSDT":
        return []
    t = max(start, args.listing)
    t = ((t + step - 1) // step) * step
    rows = []
    while t <= end and t <= server_now() and len(rows) < limit:
        if not (symbol == "GAPUSDT" and GAP[0] <= t <= GAP[1]):
            rows.append(premium_bar(t, step) if premium else bar(symbol, t, step))
        t += step
    return rows


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def date_time_string(self, timestamp=None):
        return formatdate(server_now() / 1000.0, usegmt=True)

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
        if u.path.startswith("/v3/instruments/"):
            return self.oanda(u.path, q)
        if u.path.startswith("/v8/finance/chart/"):
            return self.yahoo(u.path[len("/v8/finance/chart/"):], q)
        if u.path == "/query":
            return self.alphavantage(q)
        if u.path.startswith("/api/v3/coins/") and u.path.endswith("/ohlc"):
            return self.coingecko(u.path.split("/")[4], q)
        if u.path not in ("/api/v3/klines", "/fapi/v1/klines", "/fapi/v1/premiumIndexKlines"):
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
        body = b"[]" if fault == "empty" else json.dumps(klines(q, u.path.endswith("premiumIndexKlines")), separators=(",", ":")).encode()
        if fault == "truncate":
            return self.send(200, body[: len(body) // 2], {"X-MBX-USED-WEIGHT-1M": used}, length=len(body))
        return self.send(200, body, {"X-MBX-USED-WEIGHT-1M": used})

    def common_fault(self, fault, venue, truncated):
        """1 when a fault was answered."""
        if fault == "429":
            body = venue_fixture("coingecko", "error_429_rate_limit.json") if venue == "coingecko" else b"Too Many Requests"
            self.send(429, body, {"Retry-After": "1"} if venue != "yahoo" else None)
        elif fault == "malformed":
            self.send(200, venue_fixture(venue, truncated))
        elif fault == "500":
            self.send(500, b"Internal Server Error")
        else:
            return 0
        return 1

    def oanda(self, path, q):
        parts = path.split("/")  # ['', 'v3', 'instruments', INS, 'candles']
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth == "Bearer bad":
            return self.send(401, venue_fixture("oanda", "error_401_unauthorized.json"))
        if len(parts) != 5 or parts[3] != "EUR_USD" or parts[4] != "candles":
            return self.send(400, venue_fixture("oanda", "error_400_invalid_instrument.json"))
        if self.common_fault(take_fault(), "oanda", "candles_truncated.body.txt"):
            return None
        price = q.get("price", ["M"])[0]
        gran = q.get("granularity", ["S5"])[0]
        if gran not in OANDA_MS:
            return self.send(400, b'{"errorMessage":"Invalid value specified for \'granularity\'"}')
        if gran != "H1":
            return self.send(200, json.dumps(oanda_generated(gran, price, q)).encode())
        if price == "M":
            doc = json.loads(venue_fixture("oanda", "candles_eur_usd_h1_mid.json"))
        else:
            doc = json.loads(venue_fixture("oanda", "candles_eur_usd_h1_bid_ask.json"))
            for c in doc["candles"]:
                if "B" not in price:
                    del c["bid"]
                if "A" not in price:
                    del c["ask"]
        start = iso_ms(q["from"][0]) if "from" in q else 0
        count = int(q.get("count", ["500"])[0])
        doc["candles"] = [c for c in doc["candles"] if iso_ms(c["time"]) >= start][:count]
        return self.send(200, json.dumps(doc).encode())

    def yahoo(self, symbol, q):
        interval = q.get("interval", ["1d"])[0]
        p1, p2 = int(q.get("period1", ["0"])[0]), int(q.get("period2", ["9999999999"])[0])
        name = {"AAPL": "chart_aapl_1d.json", "AAPLNULL": "chart_aapl_1d_with_nulls.json"}.get(symbol)
        if not name:
            return self.send(404, venue_fixture("yahoo", "error_404_not_found.json"))
        if interval not in ("1d", "1wk", "1mo") and p1 * 1000 < args.now - 60 * 86400000:
            return self.send(422, venue_fixture("yahoo", "error_422_range.json"))
        if self.common_fault(take_fault(), "yahoo", "chart_truncated.body.txt"):
            return None
        doc = json.loads(venue_fixture("yahoo", name))
        r = doc["chart"]["result"][0]
        keep = [i for i, t in enumerate(r["timestamp"]) if p1 <= t < p2]
        r["timestamp"] = [r["timestamp"][i] for i in keep]
        quote = r["indicators"]["quote"][0]
        for k in quote:
            quote[k] = [quote[k][i] for i in keep]
        return self.send(200, json.dumps(doc).encode())

    def alphavantage(self, q):
        fn = q.get("function", [""])[0]
        key = q.get("apikey", [""])[0]
        if key == "bad":
            return self.send(200, venue_fixture("alphavantage", "error_invalid_apikey.json"))
        fault = take_fault()
        if fault == "note":  # the older per-minute wording (a rate limit, not a refusal)
            return self.send(200, b'{"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is '
                             b'5 calls per minute and 500 calls per day. Please visit '
                             b'https://www.alphavantage.co/premium/ if you would like to target a higher API call '
                             b'frequency."}')
        if fault == "daily-limit":
            return self.send(200, venue_fixture("alphavantage", "error_rate_limit_information.json"))
        if fault == "premium":
            return self.send(200, venue_fixture("alphavantage", "error_premium_endpoint.json"))
        if self.common_fault(fault, "alphavantage", "time_series_daily_truncated.body.txt"):
            return None
        if fn == "TIME_SERIES_DAILY" and q.get("symbol", [""])[0] == "IBM":
            return self.send(200, venue_fixture("alphavantage", "time_series_daily_ibm.json"))
        if fn == "FX_INTRADAY" and key.startswith("free"):
            return self.send(200, venue_fixture("alphavantage", "error_premium_endpoint.json"))
        if (fn == "FX_INTRADAY" and q.get("from_symbol", [""])[0] == "EUR" and q.get("to_symbol", [""])[0] == "USD"
                and q.get("interval", [""])[0] == "5min"):
            return self.send(200, venue_fixture("alphavantage", "fx_intraday_eurusd_5min.json"))
        return self.send(200, venue_fixture("alphavantage", "error_invalid_call.json"))

    def coingecko(self, coin, q):
        if coin != "bitcoin":
            return self.send(404, venue_fixture("coingecko", "error_404_coin_not_found.json"))
        if self.common_fault(take_fault(), "coingecko", "ohlc_truncated.body.txt"):
            return None
        return self.send(200, venue_fixture("coingecko", "ohlc_bitcoin_usd_7d.json"))


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
