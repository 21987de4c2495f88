#!/usr/bin/env python3
"""Fake OANDA v20 REST server for the live module's venue tests (standard
library only), on loopback, answering in the shapes of
../shared/fixtures/oanda/ (copies in tests/live/fixtures/):

  GET  /v3/accounts/{id}/summary               {"account": {currency, balance,
                                               NAV, unrealizedPL, marginUsed, ...}}
  GET  /v3/accounts/{id}/instruments?instruments=I   the fixture's rows (--instruments)
  POST /v3/accounts/{id}/orders                MARKET (FOK) / LIMIT (GTC) with
                                               clientExtensions, stopLossOnFill,
                                               takeProfitOnFill, positionFill
  GET  /v3/accounts/{id}/orders/{id or @clientID}
  PUT  /v3/accounts/{id}/orders/{id or @clientID}/cancel
  GET  /v3/accounts/{id}/pendingOrders, /openPositions
  GET  /v3/accounts/{id}/transactions/{id}, /transactions/sinceid?id=N

Every request needs "Authorization: Bearer --token" (else 401
{"errorMessage"}), and the account --account (else 404). A netting
account in --currency (USD) starting with --balance: market orders fill at
the instrument's current price (no spread; no commission unless
--commission R: R x |units| x price in the home currency) and close
opposite trades first (FIFO, their P/L realised into the balance), the
rest opening a trade; limit orders rest until the price trades through
them (then fill at their price); stopLossOnFill / takeProfitOnFill become
STOP_LOSS / TAKE_PROFIT orders on the opened trade, which close it when
the price reaches them (the other one is then cancelled). Units must be
whole multiples of 10^-tradeUnitsPrecision and at least
minimumTradeSize, prices within displayPrecision decimals, and a
clientExtensions.id may be used once: else 400 with an
orderRejectTransaction (rejectReason = errorCode). A FOK market order
needing more margin (units x price x marginRate) than is available is
taken and cancelled at once (201 with orderCancelTransaction
INSUFFICIENT_MARGIN).

Control (no token):
  POST /_faults   JSON list, each entry {"fault": F, "path": P?, "method": M?}
                  taken by the next request whose path ends with P (default:
                  any) and whose method is M (default: any), in order. F:
                  "429" (empty body, Retry-After "retry_after" s, default 1;
                  nothing done), "500" (do the work, answer 503), "slow" (do
                  the work, answer after "delay" s, default 3), "lost_ack" (do
                  the work, drop the connection without an answer), "drop"
                  (drop the connection, nothing done), "reject" (400 with an
                  orderRejectTransaction of "reason", nothing done), "cancel"
                  (a market order taken and cancelled at once, reason
                  "reason", default INSUFFICIENT_MARGIN), "replay" (answer
                  status "status" with the file "body_file", nothing done),
                  "touch" (the order is taken; when it opens a trade, the
                  market then reaches the trade's stop-loss ("leg": "stop",
                  the default) or take-profit ("target"), which closes the
                  trade at its price, and trades where it was again)
  POST /_price    {"instrument": I, "price": P}: the market trades at P;
                  {} steps every instrument one point along its --path
  GET  /_log      every request: [{"method", "path", "query", "status", "body"}]
  GET  /_orders   every order the server ever took, as GET .../orders shows it
The chosen port is written to --port-file (atomically), the PID to
--pid-file when given."""
import argparse
import json
import os
import threading
import time
from decimal import Decimal, ROUND_HALF_EVEN
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--pid-file", default="")
ap.add_argument("--instruments", required=True)
ap.add_argument("--token", required=True)
ap.add_argument("--account", required=True)
ap.add_argument("--currency", default="USD")
ap.add_argument("--balance", default="100000")
ap.add_argument("--path", default="", help='JSON file {"EUR_USD": [p0, p1, ...]}; p0 is the first price')
ap.add_argument("--commission", default="0", help="commission per fill: this fraction of |units| x price (home currency)")
args = ap.parse_args()

lock = threading.Lock()
INSTR = {i["name"]: i for i in json.load(open(args.instruments))["instruments"]}
PATH = json.load(open(args.path)) if args.path else {"EUR_USD": ["1.08514"], "USD_JPY": ["157.210"]}
state = {
    "faults": [], "log": [], "orders": [], "trades": [], "txns": [], "next_id": 6368,
    "balance": Decimal(args.balance), "step": {s: 0 for s in PATH},
    "price": {s: Decimal(str(p[0])) for s, p in PATH.items()},
}
ACCT = "/v3/accounts/" + args.account


def now_rfc3339():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%09dZ" % int((t % 1) * 1e9)


def money(d):
    return str(Decimal(d).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN))


def px(ins, d):
    return str(Decimal(d).quantize(Decimal(1).scaleb(-INSTR[ins]["displayPrecision"])))


def new_id():
    i = state["next_id"]
    state["next_id"] += 1
    return str(i)


def txn(kind, **kw):
    t = dict(id=new_id(), time=now_rfc3339(), type=kind, accountID=args.account, userID=1435156, **kw)
    t["batchID"] = kw.get("batchID", t["id"])
    state["txns"].append(t)
    return t


class Refuse(Exception):
    def __init__(self, status, body):
        super().__init__(str(body))
        self.status, self.body = status, body


def reject(order, reason, message):
    t = txn(order.get("type", "MARKET") + "_ORDER_REJECT", instrument=order.get("instrument", ""),
            units=order.get("units", ""), timeInForce=order.get("timeInForce", ""), reason="CLIENT_ORDER",
            rejectReason=reason)
    raise Refuse(400, {"orderRejectTransaction": t, "relatedTransactionIDs": [t["id"]],
                       "lastTransactionID": t["id"], "errorCode": reason, "errorMessage": message})


def decimals_ok(text, places):
    d = Decimal(text)
    return d == d.quantize(Decimal(1).scaleb(-places))


def margin_used():
    return sum(abs(t["units"]) * state["price"][t["instrument"]] * Decimal(INSTR[t["instrument"]]["marginRate"])
               for t in state["trades"] if t["state"] == "OPEN")


def unrealized():
    return sum(t["units"] * (state["price"][t["instrument"]] - t["price"]) for t in state["trades"]
               if t["state"] == "OPEN")


def order_view(o):
    v = {k: o[k] for k in ("id", "createTime", "type", "state", "timeInForce") if k in o}
    for k in ("instrument", "positionFill", "tradeID", "triggerCondition", "fillingTransactionID", "filledTime",
              "tradeOpenedID", "cancellingTransactionID", "cancelledTime", "stopLossOnFill", "takeProfitOnFill"):
        if o.get(k) is not None:
            v[k] = o[k]
    if o.get("units") is not None:
        v["units"] = str(o["units"])
    if o.get("price") is not None:
        v["price"] = px(o.get("instrument") or o["ins"], o["price"])
    if o.get("cid"):
        v["clientExtensions"] = {"id": o["cid"]}
    return v


def find_order(ref):
    for o in state["orders"]:
        if (ref.startswith("@") and o.get("cid") == ref[1:]) or o["id"] == ref:
            return o
    return None


def cancel_order(o, reason):
    t = txn("ORDER_CANCEL", orderID=o["id"], reason=reason, **({"clientOrderID": o["cid"]} if o.get("cid") else {}))
    o.update(state="CANCELLED", cancellingTransactionID=t["id"], cancelledTime=t["time"])
    return t


def dependent(trade, kind, spec):
    """A trade's STOP_LOSS or TAKE_PROFIT order from its on-fill details."""
    t = txn(kind + "_ORDER", tradeID=trade["id"], price=spec["price"], timeInForce=spec.get("timeInForce", "GTC"),
            reason="ON_FILL", **({"clientExtensions": spec["clientExtensions"]} if "clientExtensions" in spec else {}))
    o = {"id": t["id"], "createTime": t["time"], "type": kind, "state": "PENDING", "timeInForce": "GTC",
         "tradeID": trade["id"], "price": Decimal(spec["price"]), "ins": trade["instrument"],
         "triggerCondition": "DEFAULT", "cid": spec.get("clientExtensions", {}).get("id")}
    state["orders"].append(o)
    trade[kind] = o


def fill(o, ins, units, price, reason, sl=None, tp=None):
    """Fills units (signed) of ins at price for order o: opposite trades
    closed first (FIFO), the rest a new trade with its SL / TP orders."""
    left, closed, pl = units, [], Decimal(0)
    for t in state["trades"]:
        if left == 0:
            break
        if t["state"] != "OPEN" or t["instrument"] != ins or (t["units"] > 0) == (left > 0):
            continue
        take = -left if abs(left) <= abs(t["units"]) else t["units"]
        tpl = take * (price - t["price"])
        pl += tpl
        closed.append({"tradeID": t["id"], "units": str(-take), "price": px(ins, price), "realizedPL": money(tpl)})
        t["units"] -= take
        left += take
        if t["units"] == 0:
            t["state"] = "CLOSED"
    fee = Decimal(money(abs(units) * price * Decimal(args.commission)))
    state["balance"] += pl - fee
    kw = dict(orderID=o["id"], instrument=ins, units=str(units), price=px(ins, price), fullVWAP=px(ins, price),
              reason=reason, pl=money(pl), financing="0.0000", commission=money(fee),
              guaranteedExecutionFee="0.0000", halfSpreadCost="0.0000", gainQuoteHomeConversionFactor="1",
              lossQuoteHomeConversionFactor="1")
    if o.get("cid"):
        kw["clientOrderID"] = o["cid"]
    f = txn("ORDER_FILL", accountBalance="", **kw)
    if closed:
        f["tradesClosed"] = closed
    o.update(state="FILLED", fillingTransactionID=f["id"], filledTime=f["time"])
    if left != 0:
        trade = {"id": f["id"], "instrument": ins, "units": left, "price": price, "state": "OPEN"}
        state["trades"].append(trade)
        f["tradeOpened"] = {"tradeID": f["id"], "units": str(left), "price": px(ins, price),
                            "guaranteedExecutionFee": "0.0000", "halfSpreadCost": "0.0000",
                            "initialMarginRequired": money(abs(left) * price * Decimal(INSTR[ins]["marginRate"]))}
        o["tradeOpenedID"] = f["id"]
        if sl:
            dependent(trade, "STOP_LOSS", sl)
        if tp:
            dependent(trade, "TAKE_PROFIT", tp)
    f["accountBalance"] = money(state["balance"])
    # dependent orders of trades now closed go with them
    for d in state["orders"]:
        if d["state"] == "PENDING" and d.get("tradeID"):
            t = next(t for t in state["trades"] if t["id"] == d["tradeID"])
            if t["state"] == "CLOSED":
                cancel_order(d, "LINKED_TRADE_CLOSED")
    return f


def trade_at(ins, price):
    """The market trades at price: resting limits it reaches fill at their
    price, a trade's stop-loss / take-profit it reaches closes the trade."""
    state["price"][ins] = price
    for o in list(state["orders"]):
        if o["state"] != "PENDING":
            continue
        if o["type"] == "LIMIT" and o["instrument"] == ins:
            if (o["units"] > 0 and price <= o["price"]) or (o["units"] < 0 and price >= o["price"]):
                fill(o, ins, o["units"], o["price"], "LIMIT_ORDER", o.get("stopLossOnFill"), o.get("takeProfitOnFill"))
        elif o.get("tradeID") and o["ins"] == ins:
            t = next(t for t in state["trades"] if t["id"] == o["tradeID"])
            long_ = t["units"] > 0
            hit = (price <= o["price"]) if (o["type"] == "STOP_LOSS") == long_ else (price >= o["price"])
            if hit and t["state"] == "OPEN":
                fill(o, ins, -t["units"], o["price"], o["type"] + "_ORDER")


def new_order(body, kind):
    o = body.get("order")
    if not isinstance(o, dict):
        raise Refuse(400, {"errorMessage": "Invalid value specified for 'order'"})
    otype, ins = o.get("type"), o.get("instrument", "")
    if otype not in ("MARKET", "LIMIT"):
        raise Refuse(400, {"errorMessage": "Invalid value specified for 'order.type'"})
    if ins not in INSTR:
        reject(o, "INSTRUMENT_NOT_TRADEABLE", "The instrument specified is not tradeable by the Account")
    spec = INSTR[ins]
    try:
        units = Decimal(o.get("units", ""))
    except Exception:
        reject(o, "UNITS_INVALID", "The units specified is invalid")
    if not decimals_ok(o["units"], spec["tradeUnitsPrecision"]):
        reject(o, "UNITS_PRECISION_EXCEEDED", "The units specified contains more precision than is allowed")
    if abs(units) < Decimal(spec["minimumTradeSize"]) or units == 0:
        reject(o, "UNITS_MINIMUM_NOT_MET", "The Order's units are less than the minimum trade size")
    for k in ("price",) if otype == "LIMIT" else ():
        if k not in o or not decimals_ok(o[k], spec["displayPrecision"]):
            reject(o, "PRICE_PRECISION_EXCEEDED", "The price specified contains more precision than is allowed")
    for k, code in (("stopLossOnFill", "STOP_LOSS_ON_FILL_PRICE_PRECISION_EXCEEDED"),
                    ("takeProfitOnFill", "TAKE_PROFIT_ON_FILL_PRICE_PRECISION_EXCEEDED")):
        if k in o and not decimals_ok(o[k]["price"], spec["displayPrecision"]):
            reject(o, code, "The %s specifies a price with more precision than is allowed by the Order's instrument"
                   % ("Stop Loss on fill" if k.startswith("stop") else "Take Profit on fill"))
    cid = o.get("clientExtensions", {}).get("id")
    if cid and any(x.get("cid") == cid for x in state["orders"]):
        reject(o, "CLIENT_ORDER_ID_ALREADY_EXISTS", "The client Order ID specified is already assigned to another "
               "pending Order")
    if kind == "reject":
        reject(o, FAULT_ARG.get("reason", "MARKET_HALTED"), FAULT_ARG.get("message", "Rejected (fault injected)"))
    extra = {k: o[k] for k in ("stopLossOnFill", "takeProfitOnFill", "clientExtensions") if k in o}
    t = txn(otype + "_ORDER", instrument=ins, units=o["units"], timeInForce=o.get("timeInForce", "FOK"),
            positionFill=o.get("positionFill", "DEFAULT"), reason="CLIENT_ORDER",
            **({"price": o["price"]} if otype == "LIMIT" else {}), **extra)
    order = {"id": t["id"], "createTime": t["time"], "type": otype, "instrument": ins, "units": units,
             "timeInForce": t["timeInForce"], "positionFill": t["positionFill"], "state": "PENDING", "cid": cid,
             "stopLossOnFill": o.get("stopLossOnFill"), "takeProfitOnFill": o.get("takeProfitOnFill"),
             "price": Decimal(o["price"]) if otype == "LIMIT" else None}
    state["orders"].append(order)
    out = {"orderCreateTransaction": t}
    price = state["price"][ins]
    nav = state["balance"] + unrealized()
    need = abs(units) * price * Decimal(spec["marginRate"])
    if otype == "MARKET":
        if kind == "cancel" or margin_used() + need > nav:
            out["orderCancelTransaction"] = cancel_order(order, FAULT_ARG.get("reason", "INSUFFICIENT_MARGIN")
                                                         if kind == "cancel" else "INSUFFICIENT_MARGIN")
        else:
            out["orderFillTransaction"] = fill(order, ins, units, price, "MARKET_ORDER", o.get("stopLossOnFill"),
                                               o.get("takeProfitOnFill"))
    elif (units > 0 and price <= order["price"]) or (units < 0 and price >= order["price"]):
        out["orderFillTransaction"] = fill(order, ins, units, price, "LIMIT_ORDER", o.get("stopLossOnFill"),
                                           o.get("takeProfitOnFill"))
    ids = [x["id"] for x in state["txns"] if int(x["id"]) >= int(t["id"])]
    out.update(relatedTransactionIDs=ids, lastTransactionID=state["txns"][-1]["id"])
    if kind == "touch" and order.get("tradeOpenedID"):
        trade = next(x for x in state["trades"] if x["id"] == order["tradeOpenedID"])
        d = trade.get("STOP_LOSS" if FAULT_ARG.get("leg", "stop") == "stop" else "TAKE_PROFIT")
        if d is not None:  # the market reaches it, then trades where it was
            trade_at(ins, d["price"])
            trade_at(ins, price)
    return 201, out


FAULT_ARG = {}


def last():
    return state["txns"][-1]["id"] if state["txns"] else "6367"


def serve(method, path, query, body, kind):
    if not path.startswith(ACCT + "/") and path != ACCT:
        raise Refuse(404, {"errorMessage": "The Account specified does not exist"} if path.startswith("/v3/accounts/")
                     else {"errorMessage": "no such endpoint"})
    sub = path[len(ACCT):]
    q = dict(parse_qsl(query))
    if sub == "/summary" and method == "GET":
        upl, mu = unrealized(), margin_used()
        nav = state["balance"] + upl
        return 200, {"account": {
            "id": args.account, "alias": "Primary", "currency": args.currency, "balance": money(state["balance"]),
            "createdByUserID": 1435156, "createdTime": "2026-07-01T09:00:00.000000000Z", "pl": "0.0000",
            "resettablePL": "0.0000", "financing": "0.0000", "commission": "0.0000", "marginRate": "0.0333",
            "openTradeCount": sum(t["state"] == "OPEN" for t in state["trades"]),
            "openPositionCount": len({t["instrument"] for t in state["trades"] if t["state"] == "OPEN"}),
            "pendingOrderCount": sum(o["state"] == "PENDING" for o in state["orders"]), "hedgingEnabled": False,
            "unrealizedPL": money(upl), "NAV": money(nav), "marginUsed": money(mu),
            "marginAvailable": money(nav - mu), "positionValue": "0.0000", "lastTransactionID": last()},
            "lastTransactionID": last()}
    if sub == "/instruments" and method == "GET":
        names = [n for n in q.get("instruments", "").split(",") if n]
        if any(n not in INSTR for n in names):
            raise Refuse(400, {"errorMessage": "Invalid value specified for 'instruments'"})
        return 200, {"instruments": [INSTR[n] for n in (names or INSTR)], "lastTransactionID": last()}
    if sub == "/orders" and method == "POST":
        return new_order(json.loads(body or "{}"), kind)
    if sub.startswith("/orders/"):
        parts = sub.split("/")
        o = find_order(parts[2])
        if len(parts) == 3 and method == "GET":
            if not o:
                raise Refuse(404, {"errorCode": "ORDER_DOESNT_EXIST", "errorMessage": "The Order specified does not "
                                   "exist", "lastTransactionID": last()})
            return 200, {"order": order_view(o), "lastTransactionID": last()}
        if len(parts) == 4 and parts[3] == "cancel" and method == "PUT":
            if not o or o["state"] != "PENDING":
                t = txn("ORDER_CANCEL_REJECT", orderID=o["id"] if o else "", rejectReason="ORDER_DOESNT_EXIST")
                raise Refuse(404, {"orderCancelRejectTransaction": t, "relatedTransactionIDs": [t["id"]],
                                   "lastTransactionID": t["id"], "errorCode": "ORDER_DOESNT_EXIST",
                                   "errorMessage": "The Order specified does not exist"})
            t = cancel_order(o, "CLIENT_REQUEST")
            return 200, {"orderCancelTransaction": t, "relatedTransactionIDs": [t["id"]], "lastTransactionID": t["id"]}
    if sub == "/pendingOrders" and method == "GET":
        return 200, {"orders": [order_view(o) for o in state["orders"] if o["state"] == "PENDING"],
                     "lastTransactionID": last()}
    if sub == "/openPositions" and method == "GET":
        out = []
        for ins in sorted({t["instrument"] for t in state["trades"] if t["state"] == "OPEN"}):
            side = {}
            for name, sign in (("long", 1), ("short", -1)):
                ts = [t for t in state["trades"] if t["state"] == "OPEN" and t["instrument"] == ins
                      and (t["units"] > 0) == (sign > 0)]
                u = sum(t["units"] for t in ts)
                upl = sum(t["units"] * (state["price"][ins] - t["price"]) for t in ts)
                side[name] = {"units": str(u), "pl": "0.0000", "unrealizedPL": money(upl), "resettablePL": "0.0000"}
                if ts:
                    side[name]["averagePrice"] = px(ins, sum(t["units"] * t["price"] for t in ts) / u)
                    side[name]["tradeIDs"] = [t["id"] for t in ts]
            out.append({"instrument": ins, "pl": "0.0000", "resettablePL": "0.0000", "commission": "0.0000",
                        "unrealizedPL": money(Decimal(side["long"]["unrealizedPL"]) +
                                              Decimal(side["short"]["unrealizedPL"])), **side})
        return 200, {"positions": out, "lastTransactionID": last()}
    if sub == "/transactions/sinceid" and method == "GET":
        since = int(q.get("id", "0"))
        return 200, {"transactions": [t for t in state["txns"] if int(t["id"]) > since][:1000],
                     "lastTransactionID": last()}
    if sub.startswith("/transactions/") and method == "GET":
        t = next((t for t in state["txns"] if t["id"] == sub.split("/")[2]), None)
        if not t:
            raise Refuse(404, {"errorCode": "TRANSACTION_DOESNT_EXIST", "errorMessage": "The Transaction specified "
                               "does not exist"})
        return 200, {"transaction": t, "lastTransactionID": last()}
    raise Refuse(404, {"errorMessage": "no such endpoint"})


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, obj, extra=None, raw=None):
        data = raw if raw is not None else (b"" if obj is None else json.dumps(obj).encode())
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("RequestID", "24951378470181891")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def control(self, u, body):
        if u.path == "/_faults":
            state["faults"].extend(json.loads(body or "[]"))
            return self.answer(200, {"faults": len(state["faults"])})
        if u.path == "/_price":
            d = json.loads(body or "{}")
            if "instrument" in d:
                trade_at(d["instrument"], Decimal(str(d["price"])))
            else:
                for s, path in PATH.items():
                    i = min(state["step"][s] + 1, len(path) - 1)
                    state["step"][s] = i
                    trade_at(s, Decimal(str(path[i])))
            return self.answer(200, {s: str(v) for s, v in state["price"].items()})
        if u.path == "/_log":
            return self.answer(200, state["log"])
        if u.path == "/_orders":
            return self.answer(200, [order_view(o) for o in state["orders"]])
        return self.answer(404, {"errorMessage": "no such control"})

    def take_fault(self, method, path):
        for i, f in enumerate(state["faults"]):
            if path.endswith(f.get("path", path)) and f.get("method", method) == method:
                return state["faults"].pop(i)
        return None

    def handle_any(self, method):
        global FAULT_ARG
        u = urlparse(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        raw, extra = None, None
        with lock:
            if u.path.startswith("/_"):
                return self.control(u, body)
            entry = {"method": method, "path": u.path, "query": u.query, "status": 0, "body": body}
            state["log"].append(entry)
            fault = self.take_fault(method, u.path)
            kind = fault["fault"] if fault else ""
            FAULT_ARG = fault or {}
            if kind == "drop":
                entry["status"] = -1
                self.close_connection = True
                return
            if self.headers.get("Authorization") != "Bearer " + args.token:
                status, obj = 401, {"errorMessage": "Insufficient authorization to perform request."}
            elif kind == "429":
                status, obj, extra = 429, None, {"Retry-After": str(fault.get("retry_after", 1))}
            elif kind == "replay":
                status, obj = int(fault.get("status", 200)), None
                raw = open(fault["body_file"], "rb").read()
            else:
                try:
                    status, obj = serve(method, u.path, u.query, body, kind)
                except Refuse as r:
                    status, obj = r.status, r.body
                if kind == "500":
                    status, obj = 503, {"errorMessage": "Service unavailable (fault injected after the work)"}
            entry["status"] = status
            if kind == "lost_ack":
                entry["status"] = -2
                self.close_connection = True
                return
        if kind == "slow":
            time.sleep(float(fault.get("delay", 3)))
        self.answer(status, obj, extra, raw)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
if args.pid_file:
    with open(args.pid_file, "w") as f:
        f.write(str(os.getpid()))
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
