#!/usr/bin/env bash
# End-to-end test of the risk stage: `proratio risk check` prints the
# effective sizing (and names a bad key by its path), and
# examples/risk_kelly.json on the sample BTCUSDT 1h data resizes and rejects
# exactly as reasoned by hand from its trades:
#  - 5% of equity before 20 closed trades, at a 3% stop, loses 0.15% < the
#    2% cap, and quarter Kelly (at most 25% of equity) loses at most 0.75%:
#    nothing is resized;
#  - Kelly f* = p - (1 - p)/b of the first 20 trades (recomputed here from
#    trades.csv): with no edge every later entry is rejected, so exactly 20
#    trades are made and entries = 20 + rejected;
#  - with max_loss 0.001 each of those 20 entries is cut to 0.001/0.03 =
#    3.33% of equity (first trade ~333.33 USDT instead of 500).
# The stage with its limits out of reach sizes sma_cross exactly as the
# built-in fixed_risk sizer. examples/risk_protections.json (and the same
# with tighter daily/weekly limits) fires each protection as often, and
# when, the run's own equity.csv and trades.csv say it should: drawdown
# tiers on upward crossings from the running peak, daily/weekly limits once
# per UTC day / Monday-based week that falls that far below its opening
# equity, consecutive losses once per 5 losing round trips in a row.
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"

# --- risk check ------------------------------------------------------------------
"$BIN" risk check --config examples/risk_kelly.json > "$TMP/check.txt" 2>&1 || fail "risk check exited $?"
grep -q "risk stage on, sizing rule kelly" "$TMP/check.txt" || fail "check: $(head -1 "$TMP/check.txt")"
grep -Eq '^kelly_min_trades +int +20 ' "$TMP/check.txt" || fail "kelly_min_trades row"
grep -Eq '^kelly_fallback +number +0\.05 ' "$TMP/check.txt" || fail "kelly_fallback row"
grep -Eq '^risk +number +0\.01 +\(0, 1\) ' "$TMP/check.txt" || fail "risk row (default)"
"$BIN" risk check --config examples/sma_cross.json 2>&1 | grep -q 'no "risk" section' || fail "check without a risk section"
echo '{"risk": {"sizing": {"mode": "kelly", "kelly_fraction": 1.5}}}' > "$TMP/bad.json"
"$BIN" risk check --config "$TMP/bad.json" > /dev/null 2> "$TMP/bad.txt"
rc=$?
[ $rc -eq 2 ] || fail "bad risk key exited $rc, want 2"
grep -q "risk.sizing.kelly_fraction: " "$TMP/bad.txt" || fail "message: $(cat "$TMP/bad.txt")"
"$BIN" backtest --config examples/risk_kelly.json --set risk.sizing.modes=1 --db "$DB" --out "$TMP/x" > /dev/null \
  2> "$TMP/bad2.txt" && fail "an unknown risk key ran"
grep -q "risk.sizing.modes" "$TMP/bad2.txt" || fail "backtest message: $(cat "$TMP/bad2.txt")"
"$BIN" risk check > /dev/null 2>&1
[ $? -eq 2 ] || fail "risk check without --config should exit 2"

# --- the example, and the loss cap forced on -----------------------------------------
"$BIN" backtest --config examples/risk_kelly.json --db "$DB" --out "$TMP/k" > "$TMP/k.txt" 2>&1 \
  || fail "risk_kelly run: $(tail -3 "$TMP/k.txt")"
grep -q "^risk  *[0-9]* entries" "$TMP/k.txt" || fail "no risk line: $(cat "$TMP/k.txt")"
"$BIN" backtest --config examples/risk_kelly.json --set risk.sizing.max_loss=0.001 --db "$DB" --out "$TMP/c" \
  > "$TMP/c.txt" 2>&1 || fail "max_loss run: $(tail -3 "$TMP/c.txt")"
python3 - "$TMP/k" "$TMP/c" <<'PY' || fail "risk counts (above)"
import csv, json, sys
def load(d):
    return json.load(open(d + "/metrics.json"))["risk"], list(csv.DictReader(open(d + "/trades.csv")))
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg); ok = False
rk, tk = load(sys.argv[1])
rc, tc = load(sys.argv[2])
# Kelly of the first 20 closed trades, gross returns (the stage counts price P&L).
r = [(1 if t["side"] == "long" else -1) * (float(t["exit_price"]) - float(t["entry_price"])) / float(t["entry_price"])
     for t in tk[:20]]
wins = [x for x in r if x > 0]; losses = [-x for x in r if x <= 0]
p = len(wins) / 20
f = p - (1 - p) / ((sum(wins) / len(wins)) / (sum(losses) / len(losses))) if wins and losses else (p if wins else -1)
print("first 20 trades: p=%.3f f*=%.4f; entries %d, rejected %d, resized %d, trades %d"
      % (p, f, rk["entries"], rk["rejected"], rk["resized"], len(tk)))
check(len(tk) >= 20, "fewer than 20 trades: %d" % len(tk))
check(rk["entries"] == len(tk) + rk["rejected"], "entries != trades + rejected")
check(rk["resized"] == 0, "resized %d, want 0" % rk["resized"])
if f <= 0:
    check(len(tk) == 20, "no edge after 20 trades, yet %d trades" % len(tk))
    check(rk["reasons"] == [{"reason": "Kelly: no edge in the closed trades", "resized": 0, "rejected": rk["rejected"]}],
          "reasons %r" % rk["reasons"])
else:
    check(len(tk) > 20, "an edge after 20 trades, yet only 20 trades")
n0 = float(tk[0]["qty"]) * float(tk[0]["entry_price"])
check(abs(n0 - 500) < 1, "first entry %.2f USDT, want 5%% of 10,000 = 500" % n0)
# Loss cap 0.1%: the 20 fallback entries are each resized, returns (and so
# Kelly and the rejections) are unchanged.
check(rc["resized"] >= 20 and rc["reasons"][0]["reason"] == "loss cap per trade", "capped run: %r" % rc)
check(rc["rejected"] == rk["rejected"] and len(tc) == len(tk), "the cap changed which entries trade")
c0 = float(tc[0]["qty"]) * float(tc[0]["entry_price"])
check(abs(c0 - 10000 * 0.001 / 0.03) < 1, "first capped entry %.2f, want 333.33" % c0)
sys.exit(0 if ok else 1)
PY

# --- the stage with its limits out of reach sizes as the built-in sizer ------------------
# (fixed_risk 1% either way; equity is then watched at every step too)
"$BIN" backtest --config examples/sma_cross.json --db "$DB" --out "$TMP/b0" > /dev/null 2>&1 || fail "sma_cross run"
"$BIN" backtest --config examples/sma_cross.json --set risk.sizing.max_loss=0.5 --set risk.protections.dd_stop=0.95 \
  --db "$DB" --out "$TMP/b1" > "$TMP/b1.txt" 2>&1 || fail "sma_cross with risk: $(tail -2 "$TMP/b1.txt")"
grep -q 'warning: .*"sizing" is not used' "$TMP/b1.txt" || fail "a sizing section beside risk is not reported"
grep -q "sizing by the risk stage, fixed_risk" "$TMP/b1.txt" || fail "risk stage not used: $(grep ^account "$TMP/b1.txt")"
cmp -s "$TMP/b0/trades.csv" "$TMP/b1/trades.csv" || fail "risk stage fixed_risk differs from the built-in sizing"

# --- protections ---------------------------------------------------------------------
"$BIN" backtest --config examples/risk_protections.json --db "$DB" --out "$TMP/p" > "$TMP/p.txt" 2>&1 \
  || fail "risk_protections run: $(tail -3 "$TMP/p.txt")"
grep -q "^protection   drawdown stop: fired" "$TMP/p.txt" || fail "no protection lines: $(cat "$TMP/p.txt")"
# Checks the protections of the run in $1 (daily and weekly limits $2, $3).
read -r -d '' CHECK_PROTECTIONS <<'PY'
import csv, json, sys
from datetime import datetime, timedelta, timezone
d, daily, weekly = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
risk = json.load(open(d + "/metrics.json"))["risk"]
trades = list(csv.DictReader(open(d + "/trades.csv")))
eq = {r["time"]: float(r["equity"]) for r in csv.DictReader(open(d + "/equity.csv"))}
times = list(eq)
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg); ok = False
fired = {p["protection"]: p for p in risk["protections"]}
names = {"daily loss limit", "weekly loss limit", "consecutive losses", "max trades per day", "drawdown warning", "drawdown stop",
         "drawdown halt"}
check(risk["entries"] == len(trades) + risk["rejected"], "entries != trades + rejected")
check(risk["resized"] == 0, "1%% risk is under the 2%% cap, yet %d resized" % risk["resized"])
check(all(r["reason"] in names for r in risk["reasons"]), "a refusal not by a protection: %r" % risk["reasons"])
# Drawdown tiers: a decision at close T sees the equity row labelled T - 1 h;
# a tier fires when the drawdown from the running peak crosses it upwards.
peak, prev, up = 0, 0, {0.10: [], 0.15: []}
for t in times:
    peak = max(peak, eq[t]); dd = 1 - eq[t] / peak
    for lvl in up:
        if prev < lvl <= dd:
            up[lvl].append(t)
    prev = dd
def iso(t, h):
    x = datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) + timedelta(hours=h)
    return x.strftime("%Y-%m-%dT%H:%M:%SZ")
for name, lvl in (("drawdown warning", 0.10), ("drawdown stop", 0.15)):
    n = fired.get(name, {"fired": 0})["fired"]
    check(n == len(up[lvl]), "%s fired %d times, equity.csv crosses %g %d times" % (name, n, lvl, len(up[lvl])))
    if n:
        check(fired[name]["last"] == iso(up[lvl][-1], 1), "%s last %s, crossing row %s" % (name, fired[name]["last"], up[lvl][-1]))
# Daily loss: the equity seen at the last trigger is <= (1 - limit) of the
# day's opening equity (the row labelled 23:00 the day before).
if "daily loss limit" in fired:
    t = fired["daily loss limit"]["last"]
    day_open = iso(t[:10] + "T00:00:00Z", -1)
    check(eq[iso(t, -1)] <= (1 - daily) * eq[day_open], "daily loss at %s: %.2f vs day open %.2f"
          % (t, eq[iso(t, -1)], eq[day_open]))
# Daily and weekly limits: the number of UTC days (weeks from Monday
# 00:00) whose equity fell to 98% (95%) of its value at their first decision.
def periods(key, frac):
    open_eq, hit, n = {}, set(), 0
    for t in times:
        dec = datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) + timedelta(hours=1)
        k = key(dec)
        open_eq.setdefault(k, eq[t])
        if k not in hit and eq[t] <= (1 - frac) * open_eq[k]:
            hit.add(k); n += 1
    return n
for name, key, frac in (("daily loss limit", lambda x: x.date(), daily),
                        ("weekly loss limit", lambda x: (x - timedelta(days=x.weekday())).date(), weekly)):
    n = periods(key, frac)
    check(fired.get(name, {"fired": 0})["fired"] == n, "%s fired %r, equity.csv gives %d" % (name, fired.get(name), n))
# Consecutive losses: streaks of 5 losing round trips (price return <= 0),
# counting again from zero after each.
streak = runs = 0
for t in trades:
    r = (1 if t["side"] == "long" else -1) * (float(t["exit_price"]) - float(t["entry_price"]))
    streak = 0 if r > 0 else streak + 1
    if streak == 5:
        runs += 1; streak = 0
check(fired.get("consecutive losses", {"fired": 0})["fired"] == runs, "consecutive losses fired %r, trades give %d"
      % (fired.get("consecutive losses"), runs))
print("protections:", {k: v["fired"] for k, v in fired.items()}, "rejected", risk["rejected"], "trades", len(trades))
sys.exit(0 if ok else 1)
PY
python3 -c "$CHECK_PROTECTIONS" "$TMP/p" 0.02 0.05 || fail "protections (above)"
# Tighter daily (1%) and weekly (3%) limits, so both fire several times.
"$BIN" backtest --config examples/risk_protections.json --set risk.protections.daily_loss=0.01 \
  --set risk.protections.weekly_loss=0.03 --db "$DB" --out "$TMP/p3" > "$TMP/p3.txt" 2>&1 || fail "tight limits run"
grep -q "^protection   weekly loss limit: fired" "$TMP/p3.txt" || fail "weekly limit never fired: $(grep ^prot "$TMP/p3.txt")"
python3 -c "$CHECK_PROTECTIONS" "$TMP/p3" 0.01 0.03 || fail "protections, tight limits (above)"

[ $fails -eq 0 ] && echo "risk_cli: all checks passed"
exit $((fails > 0))
