#!/usr/bin/env python3
"""Fake Binance spot exchange for the live module's venue tests (standard
library only), on loopback. It checks what the real one checks and trades
against a scripted price path:

  GET  /api/v3/time                     {"serverTime"} (the server clock,
                                        shifted by POST /_skew)
  GET  /api/v3/exchangeInfo?symbol=S    the recorded fixture (--exchange-info)
  POST /api/v3/order, /api/v3/order/test, /api/v3/orderList/oco
  GET / DELETE /api/v3/order            by origClientOrderId or orderId
  GET  /api/v3/openOrders, /api/v3/account, /api/v3/myTrades
  GET  /sapi/v1/account/apiRestrictions enableWithdrawals = --withdrawals
and USD-M futures (with --futures-info): /fapi/v1/time, exchangeInfo (every
symbol), POST /fapi/v1/order (+ /test; reduceOnly), GET / DELETE
/fapi/v1/order, /fapi/v1/openOrders, /fapi/v2/balance, /fapi/v2/positionRisk,
/fapi/v1/userTrades, POST /fapi/v1/leverage, /fapi/v1/marginType,
/fapi/v1/positionSide/dual. One-way positions in a USDT wallet
(--futures-wallet): market orders fill at the current price (commission
0.04%), other types rest: STOP_MARKET and TAKE_PROFIT_MARKET fill at
the first price that reaches their stop (a sell stop at or below it, a
sell take-profit at or above; buys the other way round; a reduce-only one
that would no longer reduce EXPIRES; one the current price already
reaches is refused, -2021 "Order would immediately trigger."), the
others never fill; an order that would need more initial margin
(notional / leverage) than is free is -2019, a reduce-only order that
would grow the position -2022; the liquidation price shown is the fake's
simplification entry x (1 - 1/leverage + 0.004) for a long, entry x (1 +
1/leverage - 0.004) for a short.

Signed endpoints need X-MBX-APIKEY = --key (else 401 -2015), a signature
= HMAC-SHA256(--secret, query + body) (else 400 -1022) and a timestamp
within recvWindow of the server clock (else 400 -1021). The exchange's
filters (PRICE_FILTER, LOT_SIZE, NOTIONAL / MIN_NOTIONAL) answer -1013.
Market orders fill at the symbol's current price; limit orders rest and
fill when a later price trades through them, at their limit price;
STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT orders trigger when the price
reaches the stop (a sell stop-loss at or below it, a sell take-profit at
or above it; buys the other way round), then rest as limits; one the
current price would trigger at once is refused (-2010 "Order would
immediately trigger."), as is a LIMIT_MAKER that would take (-2010). An
OCO list (/api/v3/orderList/oco) is placed whole or not at all, locks its
quantity once, and a leg filling, the stop leg triggering or one leg
cancelled (DELETE /api/v3/order) cancels the other. Balances start from the recorded account fixture (--account) and
an order the free balance cannot pay is -2010. Commission 0.1% of what is
received.

User-data stream: POST /api/v3/userDataStream (futures /fapi/v1/listenKey;
X-MBX-APIKEY, no signature) gives a listen key, PUT keeps it alive, DELETE
ends it (an unknown or expired key: 400 -1125); GET /ws/<listenKey> with
"Upgrade: websocket" is the stream (the server side of RFC 6455 text
frames, pings answered): each spot order pushes an executionReport when
accepted (x NEW) and when it trades (x TRADE, with the trade id), then an
outboundAccountPosition. Order answers carry X-MBX-ORDER-COUNT-10S / -1D,
the new orders of the current 10 s window and day.

Control (no signature):
  POST /_faults   JSON list, each entry {"fault": F, "path": P?, "method":
                  M?} taken by the next request to P (default: any signed
                  request) with method M (default: any) and, with "type":
                  T, only an order of that type, in order. F: "-1021" (answer -1021 once), "429" (Retry-After
                  "retry_after" s, default 1), "418" (ban, Retry-After),
                  "-2010", "-1013", "-1015" (429 Too many new orders,
                  nothing done), "500" (503 -1007 after doing the work),
                  "slow" (do the work, answer after "delay" s, default 3),
                  "lost_ack" (do the work, then drop the connection without
                  an answer), "drop" (drop the connection, nothing done),
                  "partial" (the market order fills "fraction", default
                  0.5, of its quantity down to the lot step and the rest
                  EXPIRES: a thin book), "touch" (the new order is placed,
                  then the market reaches it and comes back: "leg": "stop"
                  (the default) trades at the midpoint of a STOP_LOSS_LIMIT's
                  stop and limit prices, so it triggers and fills at its
                  limit price; "target" at a LIMIT_MAKER's or
                  TAKE_PROFIT_LIMIT's price, filled there; an OCO's other
                  leg is cancelled)
  POST /_skew     {"ms": N}: the server clock runs N ms ahead of the real one
  POST /_price    {"symbol": S, "price": P}: the market trades at P (resting
                  orders it trades through fill); {} steps every symbol one
                  point along its --path
  POST /_weight   {"used": N}: the request weight used this minute so far
                  (X-MBX-USED-WEIGHT-1M counts on from N)
  POST /_seed     {"symbol","side","type","quantity","price","clientOrderId"}:
                  an order placed as if by another client (a stale or a
                  foreign order for the reconciliation tests); its view back
  POST /_balance  {"asset": A, "delta": D}: the free balance of A moves by D
                  (a deposit or a trade by hand); {"symbol": S, "delta": D}
                  moves the futures position of S by D
  POST /_stream   {"drop": true}: closes every stream connection now (no
                  close frame); {"drop_after": N}: after the next N events;
                  {"expire": true}: pushes listenKeyExpired, forgets the
                  keys and closes; {"refuse": B}: new stream connections
                  answered 404 while B; {"delay": S}: events pushed S s late
  GET  /_stream   {"keys", "keepalives", "deletes", "connections", "events",
                  "live": [the keys]}
  POST /_order_limit {"10s": N}: at most N new orders per 10 s window (also
                  shown in exchangeInfo's rateLimits); one more is 429 -1015
                  "Too many new orders" and is not placed
  GET  /_trades   every trade the exchange booked (spot and futures)
  GET  /_log      every request: [{"method","path","query","status"}]
  GET  /_orders   every order the exchange ever accepted
The chosen port is written to --port-file."""
import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import socket
import struct
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--exchange-info", required=True)
ap.add_argument("--account", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--secret", required=True)
ap.add_argument("--path", default="", help='JSON file {"BTCUSDT": [p0, p1, ...]}; p0 is the first price')
ap.add_argument("--withdrawals", default="false")
ap.add_argument("--futures-info", default="")
ap.add_argument("--futures-wallet", default="10000")
ap.add_argument("--balance", action="append", default=[], help="ASSET=AMOUNT: the free balance to start with")
args = ap.parse_args()

lock = threading.Lock()
INFO = json.load(open(args.exchange_info))
FINFO = json.load(open(args.futures_info)) if args.futures_info else {"symbols": []}
ACCOUNT = json.load(open(args.account))
PATH = json.load(open(args.path)) if args.path else {"BTCUSDT": ["95000"], "ETHBTC": ["0.03"]}
state = {
    "skew": 0, "faults": [], "log": [], "orders": [], "trades": [], "next_order": 1000, "next_trade": 5000,
    "next_list": 70, "step": {s: 0 for s in PATH}, "price": {s: Decimal(str(p[0])) for s, p in PATH.items()},
    "balances": {b["asset"]: [Decimal(b["free"]), Decimal(b["locked"])] for b in ACCOUNT["balances"]},
    "weight": [0, 0],
}
state.update(keys={}, uds={"keys": 0, "keepalives": 0, "deletes": 0, "connections": 0, "events": 0},
             conns=[], refuse=False, delay=0.0, drop_after=-1, order_limit=0, order_counts={})
state.update(forders=[], ftrades=[], wallet=Decimal(args.futures_wallet), pos={}, dual=False)
for s_ in FINFO["symbols"]:
    state["pos"][s_["symbol"]] = {"amt": Decimal(0), "entry": Decimal(0), "lev": 20, "iso": False}
    state["price"].setdefault(s_["symbol"], Decimal("95000"))
FUT_COMMISSION = Decimal("0.0004")
MMR = Decimal("0.004")
for b in args.balance:
    asset, amount = b.split("=", 1)
    state["balances"][asset] = [Decimal(amount), Decimal(0)]
COMMISSION = Decimal("0.001")
WEIGHTS = {"/api/v3/exchangeInfo": 20, "/api/v3/account": 20, "/api/v3/myTrades": 20, "/api/v3/openOrders": 6,
           "/api/v3/order": 1}


def now_ms():
    return int(time.time() * 1000) + state["skew"]


def symbol_info(sym, info=None):
    for s in (info or INFO)["symbols"]:
        if s["symbol"] == sym:
            return s
    return None


def fmt(d):
    return "%.8f" % d


GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_frame(opcode, payload):
    """One server frame (unmasked), RFC 6455 5.2."""
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack(">H", n)
    else:
        head += bytes([127]) + struct.pack(">Q", n)
    return head + payload


class Conn:
    """One user-data stream connection: events queued here are sent by its
    writer thread (late by state["delay"]); its reader answers pings."""

    def __init__(self, sock, key):
        self.sock, self.key, self.q, self.cv, self.closed = sock, key, [], threading.Condition(), False

    def push(self, text):
        with self.cv:
            self.q.append((time.time() + state["delay"], text))
            self.cv.notify()

    def close(self):
        with self.cv:
            self.closed = True
            self.cv.notify()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def writer(self):
        while True:
            with self.cv:
                while not self.q and not self.closed:
                    self.cv.wait()
                if self.closed:
                    return
                at, text = self.q.pop(0)
            if at > time.time():
                time.sleep(at - time.time())
            try:
                self.sock.sendall(ws_frame(0x1, text.encode()))
            except OSError:
                return

    def reader(self):
        try:
            while True:
                h = self.sock.recv(2)
                if len(h) < 2:
                    break
                n = h[1] & 0x7F
                if n == 126:
                    n = struct.unpack(">H", self.sock.recv(2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", self.sock.recv(8))[0]
                mask = self.sock.recv(4) if h[1] & 0x80 else b"\0\0\0\0"
                data = b""
                while len(data) < n:
                    c = self.sock.recv(n - len(data))
                    if not c:
                        raise OSError
                    data += c
                data = bytes(c ^ mask[j % 4] for j, c in enumerate(data))
                op = h[0] & 0x0F
                if op == 0x9:
                    self.sock.sendall(ws_frame(0xA, data))
                elif op == 0x8:
                    break
        except OSError:
            pass
        self.close()


def push_event(ev):
    """ev to every open stream connection (under lock)."""
    state["conns"] = [c for c in state["conns"] if not c.closed]
    text = json.dumps(ev, separators=(",", ":"))
    for c in state["conns"]:
        c.push(text)
        state["uds"]["events"] += 1
    if state["drop_after"] > 0:
        state["drop_after"] -= 1
        if state["drop_after"] == 0:
            state["drop_after"] = -1
            drop_streams()


def drop_streams():
    for c in state["conns"]:
        c.close()
    state["conns"] = []


def execution_report(o, x, trade=None):
    """The spot executionReport of order o (x: NEW or TRADE)."""
    t = trade or {}
    return {"e": "executionReport", "E": now_ms(), "s": o["symbol"], "c": o["clientOrderId"], "S": o["side"],
            "o": o["type"], "f": "GTC", "q": fmt(o["qty"]), "p": fmt(o["price"]), "P": fmt(o["stop"] or 0),
            "F": "0.00000000", "g": o["orderListId"], "C": "", "x": x, "X": o["status"] if x == "TRADE" else "NEW",
            "r": "NONE", "i": o["orderId"], "l": t.get("qty", "0.00000000"), "z": fmt(o["executed"]),
            "L": t.get("price", "0.00000000"), "n": t.get("commission", "0"), "N": t.get("commissionAsset"),
            "T": t.get("time", o["time"]), "t": t.get("id", -1), "I": o["orderId"] * 2, "w": x == "NEW",
            "m": t.get("isMaker", False), "M": bool(trade), "O": o["time"], "Z": fmt(o["quote"]),
            "Y": t.get("quoteQty", "0.00000000"), "Q": "0.00000000", "W": o["time"], "V": "EXPIRE_MAKER"}


def account_position():
    return {"e": "outboundAccountPosition", "E": now_ms(), "u": now_ms(),
            "B": [{"a": a, "f": fmt(v[0]), "l": fmt(v[1])} for a, v in state["balances"].items()]}


def listen_key(method, p):
    if method == "POST":
        k = secrets.token_hex(32)
        state["keys"][k] = now_ms()
        state["uds"]["keys"] += 1
        return {"listenKey": k}
    k = p.get("listenKey", "")
    if k not in state["keys"]:
        raise Refuse(400, -1125, "This listenKey does not exist.")
    if method == "PUT":
        state["keys"][k] = now_ms()
        state["uds"]["keepalives"] += 1
    else:
        del state["keys"][k]
        state["uds"]["deletes"] += 1
    return {}


def count_order():
    """One new order into the 10 s and day windows: (count 10s, count 1d)."""
    t = now_ms()
    w10, wd = t // 10000, t // 86400000
    c = state["order_counts"]
    c[("10s", w10)] = c.get(("10s", w10), 0) + 1
    c[("1d", wd)] = c.get(("1d", wd), 0) + 1
    return c[("10s", w10)], c[("1d", wd)]


def order_counts():
    t = now_ms()
    c = state["order_counts"]
    return c.get(("10s", t // 10000), 0), c.get(("1d", t // 86400000), 0)


class Refuse(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def filter_check(sym, otype, qty, price, stop, info=None):
    info = symbol_info(sym, info)
    for f in info["filters"]:
        t = f["filterType"]
        if t == "PRICE_FILTER":
            tick = Decimal(f["tickSize"])
            for p in (price, stop):
                if p is None:
                    continue
                if p < Decimal(f["minPrice"]) or (Decimal(f["maxPrice"]) > 0 and p > Decimal(f["maxPrice"])) \
                        or (tick > 0 and p % tick != 0):
                    raise Refuse(400, -1013, "Filter failure: PRICE_FILTER")
        elif t == "LOT_SIZE":
            step = Decimal(f["stepSize"])
            if qty < Decimal(f["minQty"]) or qty > Decimal(f["maxQty"]) or (step > 0 and qty % step != 0):
                raise Refuse(400, -1013, "Filter failure: LOT_SIZE")
        elif t in ("NOTIONAL", "MIN_NOTIONAL"):
            market = otype == "MARKET"
            applies = f.get("applyMinToMarket", f.get("applyToMarket", True)) if market else True
            px = state["price"][sym] if market else price if price is not None else stop
            if applies and px * qty < Decimal(f.get("minNotional", f.get("notional", "0"))):
                raise Refuse(400, -1013, "Filter failure: " + t)


def balance(asset):
    return state["balances"].setdefault(asset, [Decimal(0), Decimal(0)])


def order_view(o):
    v = {k: o[k] for k in ("symbol", "orderId", "orderListId", "clientOrderId", "status", "timeInForce", "type",
                           "side")}
    v.update(price=fmt(o["price"]), origQty=fmt(o["qty"]), executedQty=fmt(o["executed"]),
             cummulativeQuoteQty=fmt(o["quote"]), stopPrice=fmt(o["stop"] or 0), time=o["time"],
             updateTime=o["update"], isWorking=o["status"] in ("NEW", "PARTIALLY_FILLED"), transactTime=o["time"],
             workingTime=o["time"], selfTradePreventionMode="EXPIRE_MAKER")
    return v


def fill(o, px, part=None):
    """Fills all of o at px (or `part` of it, the rest expiring): balances
    move, one trade booked."""
    info = symbol_info(o["symbol"])
    base, quote = balance(info["baseAsset"]), balance(info["quoteAsset"])
    q = o["qty"] if part is None else part
    cost = q * px
    resting = o["status"] == "NEW" and o["type"] != "MARKET" and o.get("rested")
    if o["side"] == "BUY":
        if resting:
            quote[1] -= o["qty"] * o["price"]
            quote[0] += o["qty"] * o["price"] - cost
        else:
            quote[0] -= cost
        fee = q * COMMISSION
        base[0] += q - fee
        fee_asset = info["baseAsset"]
    else:
        if resting:
            base[1] -= q
        else:
            base[0] -= q
        fee = cost * COMMISSION
        quote[0] += cost - fee
        fee_asset = info["quoteAsset"]
    o.update(status="FILLED" if part is None else "EXPIRED", executed=q, quote=cost, update=now_ms())
    state["trades"].append({"symbol": o["symbol"], "id": state["next_trade"], "orderId": o["orderId"],
                            "orderListId": o["orderListId"], "price": fmt(px), "qty": fmt(q), "quoteQty": fmt(cost),
                            "commission": fmt(fee), "commissionAsset": fee_asset, "time": now_ms(),
                            "isBuyer": o["side"] == "BUY", "isMaker": bool(resting), "isBestMatch": True})
    state["next_trade"] += 1
    push_event(execution_report(o, "TRADE", state["trades"][-1]))
    push_event(account_position())
    if o["orderListId"] != -1:
        for other in state["orders"]:
            if other["orderListId"] == o["orderListId"] and other is not o and other["status"] == "NEW":
                cancel(other)


def cancel(o):
    info = symbol_info(o["symbol"])
    if o.get("rested"):
        if o["side"] == "BUY":
            b = balance(info["quoteAsset"])
            amt = o["qty"] * o["price"]
        else:
            b = balance(info["baseAsset"])
            amt = o["qty"]
        b[0] += amt
        b[1] -= amt
    o.update(status="CANCELED", update=now_ms())


def crosses(o, px):
    """Whether px reaches o's trigger (stops) or limit (limits)."""
    t, side = o["type"], o["side"]
    if t in ("STOP_LOSS_LIMIT",) and not o.get("triggered"):
        return (px <= o["stop"]) if side == "SELL" else (px >= o["stop"])
    if t in ("TAKE_PROFIT_LIMIT",) and not o.get("triggered"):
        return (px >= o["stop"]) if side == "SELL" else (px <= o["stop"])
    return (px <= o["price"]) if side == "BUY" else (px >= o["price"])


def trade_at(sym, px):
    state["price"][sym] = px
    fut_trade_at(sym, px)
    for o in list(state["orders"]):
        if o["symbol"] != sym or o["status"] != "NEW":
            continue
        if o["type"] in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT") and not o.get("triggered"):
            if not crosses(o, px):
                continue
            o["triggered"] = True
            if o["orderListId"] != -1:  # the stop leg working cancels the other leg
                for other in state["orders"]:
                    if other["orderListId"] == o["orderListId"] and other is not o and other["status"] == "NEW":
                        cancel(other)
        if crosses(dict(o, triggered=True), px) if o["type"] != "MARKET" else False:
            fill(o, o["price"])


def partial_of(qty, sym):
    """The part of a market order the book has ("partial" fault: that
    fraction, down to the lot step; None: all of it)."""
    frac = state.pop("partial", None)
    if frac is None:
        return None
    step = Decimal(next(f for f in symbol_info(sym)["filters"] if f["filterType"] == "LOT_SIZE")["stepSize"])
    return (qty * Decimal(str(frac)) / step).to_integral_value(rounding="ROUND_DOWN") * step


def new_order(p, list_id=-1, test=False):
    sym = p.get("symbol", "")
    if not symbol_info(sym):
        raise Refuse(400, -1121, "Invalid symbol.")
    otype, side = p.get("type", ""), p.get("side", "")
    qty = Decimal(p.get("quantity", "0"))
    price = Decimal(p["price"]) if "price" in p else None
    stop = Decimal(p["stopPrice"]) if "stopPrice" in p else None
    if otype != "MARKET" and price is None:
        raise Refuse(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.")
    if otype in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT") and stop is None:
        raise Refuse(400, -1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.")
    filter_check(sym, otype, qty, price, stop)
    cid = p.get("newClientOrderId", "")
    if any(o["clientOrderId"] == cid and o["status"] in ("NEW", "PARTIALLY_FILLED") for o in state["orders"]):
        raise Refuse(400, -2010, "Duplicate order sent.")
    info = symbol_info(sym)
    px = state["price"][sym]
    need = qty * (px if otype == "MARKET" else price) if side == "BUY" else qty
    have = balance(info["quoteAsset"] if side == "BUY" else info["baseAsset"])[0]
    shared = shares_lock(list_id)
    if need > have and not shared:
        raise Refuse(400, -2010, "Account has insufficient balance for requested action.")
    if otype == "LIMIT_MAKER" and crosses({"type": "LIMIT", "side": side, "price": price}, px):
        raise Refuse(400, -2010, "Order would immediately match and take.")
    if otype in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT") and crosses({"type": otype, "side": side, "stop": stop}, px):
        raise Refuse(400, -2010, "Order would immediately trigger.")
    if test:
        return None
    o = {"symbol": sym, "orderId": state["next_order"], "orderListId": list_id, "clientOrderId": cid,
         "status": "NEW", "timeInForce": "GTC" if otype != "MARKET" else "GTC", "type": otype, "side": side,
         "price": price or Decimal(0), "qty": qty, "executed": Decimal(0), "quote": Decimal(0), "stop": stop,
         "time": now_ms(), "update": now_ms()}
    state["next_order"] += 1
    state["orders"].append(o)
    push_event(execution_report(o, "NEW"))
    if otype == "MARKET":
        fill(o, px, partial_of(qty, sym))
    elif otype == "LIMIT" and crosses(o, px):
        fill(o, px)
    elif shared:  # an OCO's second leg: the first holds the lock for both
        pass
    else:  # rests: what it may spend is locked
        o["rested"] = True
        b = balance(info["quoteAsset"]) if side == "BUY" else balance(info["baseAsset"])
        amt = qty * price if side == "BUY" else qty
        b[0] -= amt
        b[1] += amt
        if otype in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT") and crosses(o, px):
            trade_at(sym, px)
    return o


def shares_lock(list_id):
    """Whether an OCO list already holds its lock (a sell's base: one
    quantity for both legs)."""
    return list_id != -1 and any(o["orderListId"] == list_id and o.get("rested") and o["status"] == "NEW"
                                 for o in state["orders"])


def cancel_list(o):
    """Cancels the other legs of o's OCO list; the lock moves to a
    surviving leg's fill or goes with the list."""
    if o["orderListId"] == -1:
        return
    for other in state["orders"]:
        if other["orderListId"] == o["orderListId"] and other is not o and other["status"] == "NEW":
            cancel(other)


def touch(obj, leg):
    """The "touch" fault: the market reaches the leg of the order (or OCO
    list) just placed, then trades where it was before."""
    for r in obj.get("orderReports") or [obj]:
        o = next(x for x in state["orders"] + state["forders"] if x["orderId"] == r["orderId"])
        if o["type"] in FUT_TRIGGERS:  # a market once triggered: the market trades at its stop
            if (leg == "stop") == (o["type"] == "STOP_MARKET") and o["status"] == "NEW":
                before = state["price"][o["symbol"]]
                trade_at(o["symbol"], o["stop"])
                trade_at(o["symbol"], before)
            continue
        stop_leg = o["type"] == "STOP_LOSS_LIMIT"
        if (leg == "stop") != stop_leg or o["status"] != "NEW":
            continue
        before = state["price"][o["symbol"]]
        trade_at(o["symbol"], (o["stop"] + o["price"]) / 2 if stop_leg else o["price"])
        trade_at(o["symbol"], before)


def find_order(p):
    for o in state["orders"]:
        if o["symbol"] == p.get("symbol") and (o["clientOrderId"] == p.get("origClientOrderId")
                                               or str(o["orderId"]) == p.get("orderId")):
            return o
    return None


def fut_used_margin():
    return sum(abs(p["amt"]) * p["entry"] / p["lev"] for p in state["pos"].values())


def fut_liquidation(p):
    if p["amt"] == 0:
        return Decimal(0)
    inv = Decimal(1) / Decimal(p["lev"])
    return p["entry"] * (1 - inv + MMR) if p["amt"] > 0 else p["entry"] * (1 + inv - MMR)


def fut_view(o):
    v = order_view(o)
    v.update(reduceOnly=o["reduce"], cumQuote=fmt(o["quote"]), avgPrice=fmt(o["quote"] / o["executed"]
                                                                             if o["executed"] else 0))
    v.pop("cummulativeQuoteQty")
    if v["type"] == "STOP_LOSS_LIMIT":
        v["type"] = "STOP"
    return v


def fut_order(p, test=False):
    sym = p.get("symbol", "")
    if not symbol_info(sym, FINFO):
        raise Refuse(400, -1121, "Invalid symbol.")
    otype, side = p.get("type", ""), p.get("side", "")
    qty = Decimal(p.get("quantity", "0"))
    price = Decimal(p["price"]) if "price" in p else None
    stop = Decimal(p["stopPrice"]) if "stopPrice" in p else None
    filter_check(sym, otype, qty, price, stop, FINFO)
    pos = state["pos"][sym]
    signed = qty if side == "BUY" else -qty
    reduce = p.get("reduceOnly") == "true"
    if reduce and (pos["amt"] == 0 or (pos["amt"] > 0) == (signed > 0) or qty > abs(pos["amt"])):
        raise Refuse(400, -2022, "ReduceOnly Order is rejected.")
    px = state["price"][sym]
    grows = pos["amt"] == 0 or (pos["amt"] > 0) == (signed > 0)
    if grows and qty * (price or stop or px) / pos["lev"] > state["wallet"] - fut_used_margin():
        raise Refuse(400, -2019, "Margin is insufficient.")
    if test:
        return None
    o = {"symbol": sym, "orderId": state["next_order"], "orderListId": -1, "clientOrderId": p.get("newClientOrderId", ""),
         "status": "NEW", "timeInForce": p.get("timeInForce", "GTC"), "side": side,
         "type": {"STOP": "STOP_LOSS_LIMIT"}.get(otype, otype), "price": price or Decimal(0), "qty": qty,
         "executed": Decimal(0), "quote": Decimal(0), "stop": stop, "time": now_ms(), "update": now_ms(),
         "reduce": reduce}
    state["next_order"] += 1
    state["forders"].append(o)
    if otype in FUT_TRIGGERS and fut_triggers(o, px):
        state["forders"].pop()
        state["next_order"] -= 1
        raise Refuse(400, -2021, "Order would immediately trigger.")
    if otype == "MARKET":
        fut_fill(o, px)
    return o


FUT_TRIGGERS = ("STOP_MARKET", "TAKE_PROFIT_MARKET")


def fut_triggers(o, px):
    """Whether px reaches a STOP_MARKET / TAKE_PROFIT_MARKET's stop (a sell
    stop at or below it, a sell take-profit at or above; buys the other way)."""
    below = (o["type"] == "STOP_MARKET") == (o["side"] == "SELL")
    return px <= o["stop"] if below else px >= o["stop"]


def fut_trade_at(sym, px):
    """The futures market trades at px: resting STOP_MARKET and
    TAKE_PROFIT_MARKET orders it reaches fill at px (a reduce-only one that
    would no longer reduce the position EXPIRES instead)."""
    for o in list(state["forders"]):
        if o["symbol"] != sym or o["status"] != "NEW" or o["type"] not in FUT_TRIGGERS or not fut_triggers(o, px):
            continue
        pos = state["pos"][sym]
        signed = o["qty"] if o["side"] == "BUY" else -o["qty"]
        if o["reduce"] and (pos["amt"] == 0 or (pos["amt"] > 0) == (signed > 0) or o["qty"] > abs(pos["amt"])):
            o.update(status="EXPIRED", update=now_ms())
            continue
        fut_fill(o, px)


def fut_fill(o, px):
    """Fills all of futures order o at px: the position, the wallet
    (realised P&L less 0.04% commission), one trade, its stream events."""
    sym, side, qty = o["symbol"], o["side"], o["qty"]
    pos = state["pos"][sym]
    signed = qty if side == "BUY" else -qty
    grows = pos["amt"] == 0 or (pos["amt"] > 0) == (signed > 0)
    realized = Decimal(0)
    if grows:
        total = abs(pos["amt"]) + qty
        pos["entry"] = (pos["entry"] * abs(pos["amt"]) + px * qty) / total
    else:
        closed = min(qty, abs(pos["amt"]))
        realized = (px - pos["entry"]) * closed * (1 if pos["amt"] > 0 else -1)
        if qty > abs(pos["amt"]):
            pos["entry"] = px
    pos["amt"] += signed
    if pos["amt"] == 0:
        pos["entry"] = Decimal(0)
    fee = qty * px * FUT_COMMISSION
    state["wallet"] += realized - fee
    o.update(status="FILLED", executed=qty, quote=qty * px)
    state["ftrades"].append({"symbol": sym, "id": state["next_trade"], "orderId": o["orderId"], "side": side,
                             "price": fmt(px), "qty": fmt(qty), "realizedPnl": fmt(realized), "quoteQty": fmt(qty * px),
                             "commission": fmt(fee), "commissionAsset": "USDT", "time": now_ms(),
                             "positionSide": "BOTH", "buyer": side == "BUY", "maker": False})
    state["next_trade"] += 1
    t = state["ftrades"][-1]
    push_event({"e": "ORDER_TRADE_UPDATE", "E": now_ms(), "T": now_ms(), "o": {
        "s": sym, "c": o["clientOrderId"], "S": side, "o": o["type"], "f": "GTC", "q": fmt(qty), "p": "0",
        "ap": fmt(px), "sp": fmt(o["stop"] or 0), "x": "TRADE", "X": "FILLED", "i": o["orderId"], "l": fmt(qty), "z": fmt(qty),
        "L": fmt(px), "N": "USDT", "n": t["commission"], "T": t["time"], "t": t["id"], "b": "0", "a": "0",
        "m": False, "R": o.get("reduce", False), "wt": "CONTRACT_PRICE", "ot": o["type"], "ps": "BOTH",
        "cp": False, "rp": t["realizedPnl"], "pP": False, "si": 0, "ss": 0, "V": "NONE", "pm": "NONE", "gtd": 0}})
    push_event({"e": "ACCOUNT_UPDATE", "E": now_ms(), "T": now_ms(), "a": {
        "m": "ORDER", "B": [{"a": "USDT", "wb": fmt(state["wallet"]), "cw": fmt(state["wallet"]), "bc": "0"}],
        "P": [{"s": sym, "pa": fmt(pos["amt"]), "ep": fmt(pos["entry"]), "cr": "0", "up": "0",
               "mt": "isolated" if pos["iso"] else "cross", "iw": "0", "ps": "BOTH"}]}})


def fut_serve(method, path, p):
    if path == "/fapi/v1/time":
        return {"serverTime": now_ms()}
    if path == "/fapi/v1/exchangeInfo":
        return dict(FINFO, serverTime=now_ms())
    if path in ("/fapi/v1/order", "/fapi/v1/order/test") and method == "POST":
        o = fut_order(p, test=path.endswith("/test"))
        return {} if o is None else fut_view(o)
    if path == "/fapi/v1/order":
        o = next((o for o in state["forders"] if o["symbol"] == p.get("symbol")
                  and o["clientOrderId"] == p.get("origClientOrderId")), None)
        if method == "GET":
            if not o:
                raise Refuse(400, -2013, "Order does not exist.")
            return fut_view(o)
        if not o or o["status"] != "NEW":
            raise Refuse(400, -2011, "Unknown order sent.")
        o.update(status="CANCELED", update=now_ms())
        return fut_view(o)
    if path == "/fapi/v1/openOrders":
        return [fut_view(o) for o in state["forders"] if o["status"] == "NEW"
                and ("symbol" not in p or o["symbol"] == p["symbol"])]
    if path == "/fapi/v2/balance":
        upnl = sum((state["price"][s] - q["entry"]) * q["amt"] for s, q in state["pos"].items())
        avail = state["wallet"] - fut_used_margin()
        return [{"accountAlias": "SgsR", "asset": "USDT", "balance": fmt(state["wallet"]),
                 "crossWalletBalance": fmt(state["wallet"]), "crossUnPnl": fmt(upnl), "availableBalance": fmt(avail),
                 "maxWithdrawAmount": fmt(avail), "marginAvailable": True, "updateTime": now_ms()}]
    if path == "/fapi/v2/positionRisk":
        return [{"symbol": s, "positionAmt": fmt(q["amt"]), "entryPrice": fmt(q["entry"]),
                 "markPrice": fmt(state["price"][s]), "unRealizedProfit": fmt((state["price"][s] - q["entry"]) * q["amt"]),
                 "liquidationPrice": fmt(fut_liquidation(q)), "leverage": str(q["lev"]),
                 "marginType": "isolated" if q["iso"] else "cross", "positionSide": "BOTH",
                 "updateTime": now_ms()} for s, q in state["pos"].items()]
    if path == "/fapi/v1/userTrades":
        frm = int(p.get("fromId", "0"))
        return [t for t in state["ftrades"] if t["symbol"] == p.get("symbol") and t["id"] >= frm
                and ("orderId" not in p or str(t["orderId"]) == p["orderId"])]
    if path == "/fapi/v1/leverage":
        lev = int(p.get("leverage", "0"))
        if not 1 <= lev <= 125:
            raise Refuse(400, -4028, "Leverage %d is not valid" % lev)
        state["pos"][p["symbol"]]["lev"] = lev
        return {"leverage": lev, "maxNotionalValue": "1000000", "symbol": p["symbol"]}
    if path == "/fapi/v1/marginType":
        q = state["pos"][p["symbol"]]
        iso = p.get("marginType") == "ISOLATED"
        if q["iso"] == iso:
            raise Refuse(400, -4046, "No need to change margin type.")
        if q["amt"] != 0:
            raise Refuse(400, -4048, "Margin type cannot be changed if there exists position.")
        q["iso"] = iso
        return {"code": 200, "msg": "success"}
    if path == "/fapi/v1/positionSide/dual":
        dual = p.get("dualSidePosition") == "true"
        if state["dual"] == dual:
            raise Refuse(400, -4059, "No need to change position side.")
        state["dual"] = dual
        return {"code": 200, "msg": "success"}
    raise Refuse(404, -1, "no such endpoint")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-MBX-USED-WEIGHT-1M", str(state["weight"][1]))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def control(self, u, body):
        if u.path == "/_faults":
            state["faults"].extend(json.loads(body or "[]"))
            return self.answer(200, {"faults": len(state["faults"])})
        if u.path == "/_skew":
            state["skew"] = int(json.loads(body)["ms"])
            return self.answer(200, {"skew": state["skew"]})
        if u.path == "/_price":
            p = json.loads(body or "{}")
            if "symbol" in p:
                trade_at(p["symbol"], Decimal(str(p["price"])))
            else:
                for s, path in PATH.items():
                    i = min(state["step"][s] + 1, len(path) - 1)
                    state["step"][s] = i
                    trade_at(s, Decimal(str(path[i])))
            return self.answer(200, {s: fmt(v) for s, v in state["price"].items()})
        if u.path == "/_weight":
            state["weight"] = [int(time.time() // 60), int(json.loads(body)["used"])]
            return self.answer(200, {"used": state["weight"][1]})
        if u.path == "/_seed":
            p = json.loads(body)
            q = {"symbol": p["symbol"], "side": p["side"], "type": p.get("type", "LIMIT"),
                 "quantity": str(p["quantity"]), "newClientOrderId": p["clientOrderId"]}
            if "price" in p:
                q["price"] = str(p["price"])
            try:
                return self.answer(200, order_view(new_order(q)))
            except Refuse as r:
                return self.answer(r.status, {"code": r.code, "msg": r.msg})
        if u.path == "/_balance":
            p = json.loads(body)
            if "symbol" in p:
                state["pos"][p["symbol"]]["amt"] += Decimal(str(p["delta"]))
                return self.answer(200, {"amt": fmt(state["pos"][p["symbol"]]["amt"])})
            balance(p["asset"])[0] += Decimal(str(p["delta"]))
            return self.answer(200, {"free": fmt(balance(p["asset"])[0])})
        if u.path == "/_stream":
            if self.command == "GET":
                return self.answer(200, dict(state["uds"], live=list(state["keys"])))
            p = json.loads(body or "{}")
            if p.get("drop"):
                drop_streams()
            if p.get("expire"):
                push_event({"e": "listenKeyExpired", "E": now_ms(), "listenKey": ""})
                state["keys"].clear()
                time.sleep(0.2)  # the event goes out before the connection ends
                drop_streams()
            if "drop_after" in p:
                state["drop_after"] = int(p["drop_after"])
            if "refuse" in p:
                state["refuse"] = bool(p["refuse"])
            if "delay" in p:
                state["delay"] = float(p["delay"])
            return self.answer(200, state["uds"])
        if u.path == "/_order_limit":
            state["order_limit"] = int(json.loads(body)["10s"])
            return self.answer(200, {"10s": state["order_limit"]})
        if u.path == "/_trades":
            return self.answer(200, state["trades"] + state["ftrades"])
        if u.path == "/_log":
            return self.answer(200, state["log"])
        if u.path == "/_orders":
            return self.answer(200, [order_view(o) for o in state["orders"]] + [fut_view(o) for o in state["forders"]])
        return self.answer(404, {"code": -1, "msg": "no such control"})

    def take_fault(self, method, path, signed, params):
        for i, f in enumerate(state["faults"]):
            if f.get("path", path) == path and f.get("method", method) == method and (signed or "path" in f) \
                    and f.get("type", params.get("type")) == params.get("type"):
                return state["faults"].pop(i)
        return None

    def websocket(self, u):
        """GET /ws/<listenKey>: the user-data stream of that key."""
        key = u.path[4:]
        with lock:
            ok = key in state["keys"] and not state["refuse"]
        if not ok:
            return self.answer(400 if not state["refuse"] else 404, {"code": -1125, "msg": "This listenKey does not "
                               "exist."})
        accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] + GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        c = Conn(self.connection, key)
        with lock:
            state["conns"].append(c)
            state["uds"]["connections"] += 1
        threading.Thread(target=c.writer, daemon=True).start()
        c.reader()

    def handle_any(self, method):
        u = urlparse(self.path)
        if method == "GET" and self.headers.get("Upgrade", "").lower() == "websocket" and u.path.startswith("/ws/"):
            return self.websocket(u)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        with lock:
            if u.path.startswith("/_"):
                return self.control(u, body)
            minute = int(time.time() // 60)
            if state["weight"][0] != minute:
                state["weight"] = [minute, 0]
            state["weight"][1] += WEIGHTS.get(u.path, 1)
            entry = {"method": method, "path": u.path, "query": u.query, "status": 0}
            state["log"].append(entry)
            signed = u.path not in ("/api/v3/time", "/api/v3/exchangeInfo", "/fapi/v1/time", "/fapi/v1/exchangeInfo",
                                    "/api/v3/userDataStream", "/fapi/v1/listenKey")
            fault = self.take_fault(method, u.path, signed,
                                    dict(parse_qsl(u.query + ("&" + body if body else ""), keep_blank_values=True)))
            kind = fault["fault"] if fault else ""
            if kind == "drop":
                entry["status"] = -1
                self.close_connection = True
                return
            new_order = method == "POST" and u.path in ("/api/v3/order", "/api/v3/orderList/oco", "/fapi/v1/order")
            if kind == "partial":
                state["partial"] = fault.get("fraction", 0.5)
            if new_order and state["order_limit"] and order_counts()[0] >= state["order_limit"]:
                kind = "-1015"
            try:
                if kind == "-1015" and new_order:
                    raise Refuse(429, -1015, "Too many new orders; current limit is %d orders per 10 SECOND." %
                                 (state["order_limit"] or 50))
                obj = self.serve(method, u, body, signed, kind)
                status = 200
            except Refuse as r:
                status, obj = r.status, {"code": r.code, "msg": r.msg}
            entry["status"] = status
            if kind == "touch" and status == 200 and new_order:
                touch(obj, fault.get("leg", "stop"))
            extra = None
            if new_order:
                if status == 200:
                    count_order()
                c10, cd = order_counts()
                extra = {"X-MBX-ORDER-COUNT-10S": str(c10), "X-MBX-ORDER-COUNT-1D": str(cd)}
            if kind in ("429", "418"):
                status = int(kind)
                entry["status"] = status
                extra = {"Retry-After": str(fault.get("retry_after", 1))}
                obj = {"code": -1003, "msg": "Too much request weight used; current limit is 6000 request weight per "
                       "1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."}
                if status == 418:
                    until = now_ms() + 1000 * int(fault.get("retry_after", 1))
                    obj = {"code": -1003, "msg": "Way too much request weight used; IP banned until %d. Please use "
                           "WebSocket Streams for live updates to avoid bans." % until}
            elif kind == "500":
                status = entry["status"] = 503
                obj = {"code": -1007, "msg": "Timeout waiting for response from backend server. Send status unknown; "
                       "execution status unknown."}
            if kind == "lost_ack":
                entry["status"] = -2
                self.close_connection = True
                return
        if kind == "slow":
            time.sleep(float(fault.get("delay", 3)))
        self.answer(status, obj, extra)

    def serve(self, method, u, body, signed, kind):
        """The answer to one request (raises Refuse); faults that replace
        the check (-1021) or the outcome (-2010, -1013) act here."""
        if kind in ("429", "418"):
            return None
        raw = u.query
        p = dict(parse_qsl(raw + ("&" + body if body else ""), keep_blank_values=True))
        if signed:
            if self.headers.get("X-MBX-APIKEY") != args.key:
                raise Refuse(401, -2015, "Invalid API-key, IP, or permissions for action.")
            payload = raw + body
            sig_at = payload.rfind("&signature=")
            if sig_at < 0 and payload.startswith("signature="):
                sig_at = 0
            if sig_at < 0:
                raise Refuse(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
            mine = hmac.new(args.secret.encode(), payload[:sig_at].encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(mine, payload[sig_at + len("&signature="):].lower()):
                raise Refuse(400, -1022, "Signature for this request is not valid.")
            ts, window = int(p.get("timestamp", "0")), int(p.get("recvWindow", "5000"))
            now = now_ms()
            if kind == "-1021" or ts >= now + 1000 or now - ts > window:
                raise Refuse(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        if kind == "-2010":
            raise Refuse(400, -2010, "Account has insufficient balance for requested action.")
        if kind == "-1013":
            raise Refuse(400, -1013, "Filter failure: LOT_SIZE")
        path = u.path
        if path.startswith("/fapi/"):
            return fut_serve(method, path, p)
        if path in ("/api/v3/userDataStream", "/fapi/v1/listenKey"):
            if self.headers.get("X-MBX-APIKEY") != args.key:
                raise Refuse(401, -2015, "Invalid API-key, IP, or permissions for action.")
            return listen_key(method, p)
        if path == "/api/v3/time":
            return {"serverTime": now_ms()}
        if path == "/api/v3/exchangeInfo":
            syms = [s for s in INFO["symbols"] if "symbol" not in p or s["symbol"] == p["symbol"]]
            if not syms:
                raise Refuse(400, -1121, "Invalid symbol.")
            limits = INFO.get("rateLimits", [])
            if state["order_limit"]:
                limits = [dict(r, limit=state["order_limit"]) if r["rateLimitType"] == "ORDERS"
                          and r["interval"] == "SECOND" else r for r in limits]
            return dict(INFO, symbols=syms, serverTime=now_ms(), rateLimits=limits)
        if path in ("/api/v3/order", "/api/v3/order/test") and method == "POST":
            o = new_order(p, test=path.endswith("/test"))
            return {} if o is None else order_view(o)
        if path == "/api/v3/order" and method in ("GET", "DELETE"):
            o = find_order(p)
            if method == "GET":
                if not o:
                    raise Refuse(400, -2013, "Order does not exist.")
                return order_view(o)
            if not o or o["status"] not in ("NEW", "PARTIALLY_FILLED"):
                raise Refuse(400, -2011, "Unknown order sent.")
            cancel(o)
            cancel_list(o)  # one leg of a list cancels the list
            return order_view(o)
        if path == "/api/v3/orderList/oco" and method == "POST":
            lid = state["next_list"]
            state["next_list"] += 1
            legs = []
            for pos in ("above", "below"):
                leg = {"symbol": p["symbol"], "side": p["side"], "quantity": p["quantity"],
                       "type": p[pos + "Type"], "newClientOrderId": p.get(pos + "ClientOrderId", "")}
                for k in ("Price", "StopPrice"):
                    if pos + k in p:
                        leg["price" if k == "Price" else "stopPrice"] = p[pos + k]
                legs.append(leg)
            for leg in legs:  # whole or nothing
                new_order(leg, list_id=lid, test=True)
            made = [new_order(leg, list_id=lid) for leg in legs]
            return {"orderListId": lid, "contingencyType": "OCO", "listStatusType": "EXEC_STARTED",
                    "listOrderStatus": "EXECUTING", "listClientOrderId": p.get("listClientOrderId", ""),
                    "transactionTime": now_ms(), "symbol": p["symbol"],
                    "orders": [{"symbol": o["symbol"], "orderId": o["orderId"], "clientOrderId": o["clientOrderId"]}
                               for o in made],
                    "orderReports": [order_view(o) for o in made]}
        if path == "/api/v3/openOrders":
            return [order_view(o) for o in state["orders"] if o["status"] in ("NEW", "PARTIALLY_FILLED")
                    and ("symbol" not in p or o["symbol"] == p["symbol"])]
        if path == "/api/v3/account":
            bal = [{"asset": a, "free": fmt(v[0]), "locked": fmt(v[1])} for a, v in state["balances"].items()
                   if not (p.get("omitZeroBalances") == "true" and v[0] == 0 and v[1] == 0)]
            return dict(ACCOUNT, balances=bal, updateTime=now_ms())
        if path == "/api/v3/myTrades":
            frm = int(p.get("fromId", "0"))
            return [t for t in state["trades"] if t["symbol"] == p.get("symbol") and t["id"] >= frm
                    and ("orderId" not in p or str(t["orderId"]) == p["orderId"])]
        if path == "/sapi/v1/account/apiRestrictions":
            return {"ipRestrict": False, "createTime": 1698645219000, "enableReading": True,
                    "enableWithdrawals": args.withdrawals == "true", "enableInternalTransfer": False,
                    "enableMargin": False, "enableFutures": False, "permitsUniversalTransfer": False,
                    "enableVanillaOptions": False, "enableFixApiTrade": False, "enableFixReadOnly": False,
                    "enableSpotAndMarginTrading": True, "enablePortfolioMarginTrading": False}
        raise Refuse(404, -1, "no such endpoint")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PUT(self):
        self.handle_any("PUT")


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
