#!/usr/bin/env bash
# End-to-end test of the risk stage's sizing modes, presets and stored
# state on the bundled sample data (imported as scripts/demo.sh does):
#  - every examples/risk_*.json runs (rc 0) and trades; each trade's size is
#    what its rule gives, recomputed here from the sample CSVs and the
#    trade list (see the checks below for the arithmetic);
#  - `risk check` says where each value came from (config/preset/default);
#  - --risk-state NAME stores the state after the run, `risk state show`
#    prints it, a second run resumes it (the entries add up), a corrupt row
#    stops the run with the key in the message and stays as it was.
# (There is no futures sample, so `contracts` has no example: the contract
# table is tested in tests/risk/test_contracts.c.)
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/*-1h.csv data/sample/stocks/SPY-1d.csv data/sample/stocks/KO-1d.csv \
  data/sample/forex/EURUSD-1h.csv \
  --db "$DB" --quiet > /dev/null 2>&1 || fail "import of the sample"

for cfg in examples/risk_*.json; do
  n=$(basename "$cfg" .json)
  "$BIN" backtest --config "$cfg" --db "$DB" --out "$TMP/$n" > "$TMP/$n.txt" 2>&1 || fail "$n exited $?: $(tail -3 "$TMP/$n.txt")"
  rows=$(($(wc -l < "$TMP/$n/trades.csv") - 1))
  [ "$rows" -gt 0 ] || fail "$n: no trades"
  grep -q "^risk  *[0-9]* entries" "$TMP/$n.txt" || fail "$n: no risk line"
done
for n in fixed_fraction fixed_risk kelly_score atr vol_target pip; do
  [ -f "examples/risk_$n.json" ] || fail "no example for sizing mode $n"
done

python3 - "$TMP" <<'PY' || fail "sizes (above)"
import csv, json, math, sys
tmp = sys.argv[1]
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg); ok = False
def trades(n):
    return list(csv.DictReader(open(f"{tmp}/risk_{n}/trades.csv")))
def equity_at_entry(tr, i, start):
    # One position at a time: the equity when trade i was sized is the start
    # plus the P&L of the trades closed before it.
    return start + sum(float(t["pnl"]) for t in tr[:i] if t["exit_time"] and t["exit_time"] <= tr[i]["entry_time"])
def bars(path, tcol, fmt):
    rows = list(csv.DictReader(open(path)))
    return [fmt(r[tcol]) for r in rows], rows

# Sane trade lists: sizes > 0, exits not before entries, metrics counts.
for n in ["fixed_fraction", "fixed_risk", "kelly", "kelly_score", "atr", "vol_target", "pip", "protections"]:
    tr = trades(n)
    m = json.load(open(f"{tmp}/risk_{n}/metrics.json"))["risk"]
    check(all(float(t["qty"]) > 0 and (t["exit_time"] >= t["entry_time"] or t["reason"] == "open") for t in tr),
          f"{n}: a bad trade row")
    check(m["entries"] >= len(tr), f"{n}: {m['entries']} entries < {len(tr)} trades")

# fixed_fraction, ETHUSDT: every entry commits 20% of equity at its fill
# price (qty x entry = 0.2 x equity).
tr = trades("fixed_fraction")
for i, t in enumerate(tr):
    r = float(t["qty"]) * float(t["entry_price"]) / equity_at_entry(tr, i, 10000)
    check(abs(r - 0.2) < 0.002, f"fixed_fraction trade {i}: {r:.4f} of equity, want 0.2")

# fixed_risk with the stocks preset, SPY: the loss at the stop (the risk
# column) is 1% of equity, less at most one share's stop distance (whole
# shares).
tr = trades("fixed_risk")
for i, t in enumerate(tr):
    eq = equity_at_entry(tr, i, 100000)
    risk, per_share = float(t["risk"]), float(t["risk"]) / float(t["qty"])
    check(risk <= 0.01 * eq * 1.0001 and risk > 0.01 * eq - per_share * 1.01,
          f"fixed_risk trade {i}: risk {risk:.2f}, want 1% of {eq:.2f}")

# kelly_score: f* = p - (1 - p) / b with b = 3 ATR / 2 ATR = 1.5; a score
# of 7-8 gives p 0.55, f* = 0.25, quarter Kelly 6.25% of equity; 9+ gives
# p 0.65, f* = 0.41667, 10.42%.
tr = trades("kelly_score")
for i, t in enumerate(tr):
    r = float(t["qty"]) * float(t["entry_price"]) / equity_at_entry(tr, i, 10000)
    check(min(abs(r - 0.0625), abs(r - 0.25 * (0.65 - 0.35 / 1.5))) < 0.0005,
          f"kelly_score trade {i}: {r:.5f} of equity, want 0.0625 or 0.10417")

# atr, SOLUSDT: the first entry (filled at 2020-08-15 14:00) was sized at
# the close of the bar before: 1% of 10,000 over 2 x ATR(14) there (TA-Lib's
# Wilder ATR from the first bar: true ranges from bar 1, their mean over
# bars 1..14, then atr = (atr x 13 + tr) / 14), truncated to the 0.00001 lot
# (the 2% loss cap at its 4% stop, 200 / (close x 0.04), is far above).
ts, rows = bars("data/sample/crypto/SOLUSDT-1h.csv", "timestamp", lambda s: s.replace(" ", "T") + "Z")
t0 = trades("atr")[0]
k = ts.index(t0["entry_time"]) - 1
h, l, c = ([float(r[x]) for r in rows] for x in ("high", "low", "close"))
tr = [max(h[j] - l[j], abs(h[j] - c[j - 1]), abs(l[j] - c[j - 1])) for j in range(1, k + 1)]
atr = sum(tr[:14]) / 14
for x in tr[14:]:
    atr = (atr * 13 + x) / 14
want = math.floor(100 / (2 * atr) * 1e5 + 1e-6) / 1e5
check(abs(float(t0["qty"]) - want) < 1.5e-5, f"atr: first qty {t0['qty']}, want {want} (ATR {atr})")

# vol_target, SPY: the first entry's target notional is 100,000 x 10% /
# (stdev of the 20 log returns up to the decision bar x sqrt(252), SPY's
# trading days a year), then
# at most 100% of equity, then the 2% loss cap at the 5% stop (40,000),
# in whole shares.
ts, rows = bars("data/sample/stocks/SPY-1d.csv", "Date", lambda s: s + "T00:00:00Z")
t0 = trades("vol_target")[0]
k = ts.index(t0["entry_time"]) - 1
c = [float(r["Close"]) for r in rows]
rets = [math.log(c[j] / c[j - 1]) for j in range(k - 19, k + 1)]
mu = sum(rets) / 20
vol = math.sqrt(sum((x - mu) ** 2 for x in rets) / 19 * 252)
notional = min(100000 * 0.10 / vol, 100000, 0.02 * 100000 / 0.05)
got = float(t0["qty"]) * float(t0["entry_price"])
check(notional - float(t0["entry_price"]) < got <= notional * 1.0001,
      f"vol_target: first notional {got:.2f}, want {notional:.2f} less under one share")

# pip, EURUSD with the forex preset: 1% of equity over the stop in pips
# times the pip value; sma_cross's stop is 0.3% below the decision bar's
# close c, so 0.01 x equity / (c x 0.003) units, rounded down to whole
# micro lots of 1,000 (the first, decided at the 14:00 close 1.15243 on
# 2019-01-09: $100 / 0.00345729 = 28,924 units -> 28,000). The
# CSV's times carry offsets: compared in UTC.
from datetime import datetime, timezone
def utc(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
ts, rows = bars("data/sample/forex/EURUSD-1h.csv", "time", utc)
c = [float(r["close"]) for r in rows]
tr = trades("pip")
for i, t in enumerate(tr):
    k = ts.index(t["entry_time"]) - 1
    want = math.floor(0.01 * equity_at_entry(tr, i, 10000) / (c[k] * 0.003) / 1000 + 1e-9) * 1000
    check(float(t["qty"]) == want, f"pip trade {i}: {t['qty']} units, want {want}")

# Protections carry their trigger times: as many (up to 16) as fired, in
# order, the last one equal to "last".
for p in json.load(open(f"{tmp}/risk_protections/metrics.json"))["risk"]["protections"]:
    check(len(p["times"]) == min(p["fired"], 16) and p["times"] == sorted(p["times"]) and p["times"][-1] == p["last"],
          f"protection times: {p}")
sys.exit(0 if ok else 1)
PY

# --- risk check: where each value comes from ----------------------------------------
"$BIN" risk check --config examples/risk_fixed_fraction.json > "$TMP/check.txt" 2>&1 || fail "risk check exited $?"
grep -q "^preset  *crypto" "$TMP/check.txt" || fail "check: no preset line"
grep -Eq '^risk +number +0\.005 +\(0, 1\) +preset ' "$TMP/check.txt" || fail "check: risk from the preset"
grep -Eq '^max_loss +number +0\.01 +\(0, 1\) +preset ' "$TMP/check.txt" || fail "check: max_loss from the preset"
grep -Eq '^fraction +number +0\.2 +\(0, 100\) +config ' "$TMP/check.txt" || fail "check: fraction from the config"
grep -Eq '^kelly_fraction +number +0\.25 .* default ' "$TMP/check.txt" || fail "check: a default"

# --- stored state ------------------------------------------------------------------
cfg=examples/risk_protections.json
"$BIN" backtest --config "$cfg" --db "$DB" --out "$TMP/s1" --risk-state btc > /dev/null 2>&1 || fail "state run 1"
"$BIN" risk state show btc --db "$DB" > "$TMP/show.txt" 2>&1 || fail "state show exited $?"
e1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["risk"]["entries"])' "$TMP/s1/metrics.json")
grep -q "^risk state   btc (version 3, saved .*): $e1 entries" "$TMP/show.txt" || fail "show: $(head -1 "$TMP/show.txt")"
# The VaR returns window is part of the state: the latest 100 steps (the
# ring holds max(risk.var.window 100, corr_window 50) of them) of 1 market.
grep -q "^VaR window   100 steps of 1 instrument$" "$TMP/show.txt" || fail "show: no VaR window line"
grep -q '"var_window":{"instruments":1,"rows":\[\[' "$TMP/show.txt" || fail "show: no var_window in the JSON"
"$BIN" backtest --config "$cfg" --db "$DB" --out "$TMP/s2" --risk-state btc > /dev/null 2>&1 || fail "state run 2"
e2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["risk"]["entries"])' "$TMP/s2/metrics.json")
# The resumed run counts on from the first: its entries are the first run's
# plus its own, and its own are fewer (it starts inside the first run's
# drawdown stop, peak 10,000+, from a fresh 10,000 account).
[ "$e2" -gt "$e1" ] || fail "resumed entries $e2, want more than $e1"
# A state saved by the previous layout (version 2, no VaR window) is refused
# by its version, and left as it was.
cp "$TMP/s.db" "$TMP/v2.db"
python3 -c 'import sqlite3,sys; db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE risk_state SET version = 2"); db.commit()' "$TMP/v2.db"
"$BIN" backtest --config "$cfg" --db "sqlite:$TMP/v2.db" --out "$TMP/s5" --risk-state btc > /dev/null 2> "$TMP/v2.txt"
[ $? -eq 3 ] || fail "a version-2 state should exit 3"
grep -q "risk state 'btc' in the store has version 2; this program reads version 3" "$TMP/v2.txt" || fail "v2: $(cat "$TMP/v2.txt")"
"$BIN" risk state show nothere --db "$DB" > /dev/null 2> "$TMP/nf.txt"
[ $? -eq 4 ] || fail "show of a missing name should exit 4"
grep -q "nothere" "$TMP/nf.txt" || fail "missing: $(cat "$TMP/nf.txt")"
python3 - "$TMP/s.db" <<'PY' || fail "corrupting the row"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE risk_state SET state = '{\"version\": 1, \"closed\": ' WHERE name = 'btc'"); db.commit()
PY
"$BIN" backtest --config "$cfg" --db "$DB" --out "$TMP/s3" --risk-state btc > /dev/null 2> "$TMP/bad.txt"
rc=$?
[ $rc -eq 3 ] || fail "corrupt state exited $rc, want 3"
grep -q "risk state 'btc' in the store is corrupt" "$TMP/bad.txt" || fail "corrupt: $(cat "$TMP/bad.txt")"
left=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT state FROM risk_state WHERE name = ?", ("btc",)).fetchone()[0])' "$TMP/s.db")
[ "$left" = '{"version": 1, "closed": ' ] || fail "the corrupt row was overwritten: $left"
"$BIN" backtest --config examples/sma_cross.json --db "$DB" --out "$TMP/s4" --risk-state x > /dev/null 2> "$TMP/nr.txt"
[ $? -eq 2 ] || fail "--risk-state without a risk section should exit 2"
grep -q 'no "risk" section' "$TMP/nr.txt" || fail "no-risk: $(cat "$TMP/nr.txt")"

[ "$fails" -eq 0 ] && echo "risk_modes: all passed"
exit $((fails > 0))
