#!/usr/bin/env bash
# End-to-end test of the examples of the strategies written as one file and
# one registry row (examples/vol_breakout.json, examples/weekend_reversal.json)
# on the bundled sample data:
#  - both run (rc 0) and trade;
#  - weekend_reversal's trades are exactly the weekends an independent
#    computation here finds in the CSV files (Friday's first open to
#    Sunday's last close down more than 5%, all three UTC days present,
#    Monday's bars present), each entered on that Monday and left within
#    24 hours (its time stop) or at its stop;
#  - every vol_breakout trade has a stop and ends at its stop, its target or
#    its exit signal;
#  - every mtf_trend entry signal reports an alignment of at least 60% with
#    the size hint its band gives (0.7 below 75%, 1 from there), and its
#    reason names the four timeframes;
#  - gap_fade's trades are exactly the sessions an independent computation
#    finds in the SPY 5m file (regular bars 09:30-16:00 New York time; the
#    first bar's open 0.25-3% away from the previous session's last regular
#    close and its close not back through it), each entered at the second
#    bar's open on the side that fades the gap;
#  - every triangular entry is three legs at one bar, decided at a close
#    where EURJPY was more than 5 bp from EURUSD x USDJPY (computed here
#    from the three CSV files), on the side that sells the dear one;
#  - every session_breakout trade (EURUSD 1h, London) enters between 07:00
#    and 11:00 UTC of a day whose Asian range (the 9 bars opening 22:00 the
#    day before to 06:00, recomputed here) is whole, at or beyond that
#    range's high (long) or low (short), one trade a day at most;
#  - every funding_carry trade enters when the latest stored funding rate
#    at the decision (recomputed from the funding CSV) is beyond 0.02% on
#    the side that receives it and exits when it is back within 0.005%; the
#    hedged example's spot leg mirrors each perpetual trade, and its net
#    P&L is the funding received less the costs (the legs' price P&L
#    cancels: one price series).
set -u
source "$(dirname "$0")/lib/prelude.bash"

for n in vol_breakout weekend_reversal mtf_trend gap_fade triangular session_breakout funding_carry funding_carry_hedged; do
  "$BIN" backtest --config "examples/$n.json" --out "$TMP/$n" > "$TMP/$n.txt" 2>&1 || fail "$n exited $?: $(tail -3 "$TMP/$n.txt")"
  rows=$(($(wc -l < "$TMP/$n/trades.csv") - 1))
  [ "$rows" -gt 0 ] || fail "$n: no trades"
done

python3 - "$TMP/weekend_reversal/trades.csv" data/sample/crypto/BTCUSDT-1h.csv data/sample/crypto/ETHUSDT-1h.csv \
  data/sample/crypto/SOLUSDT-1h.csv > "$TMP/wr.txt" 2>&1 <<'PY' || fail "weekend_reversal: $(cat "$TMP/wr.txt")"
import csv, sys, datetime as dt
trades = list(csv.DictReader(open(sys.argv[1])))
want = set()
for path in sys.argv[2:]:
    sym = path.rsplit('/', 1)[1].split('-')[0]
    days = {}   # date -> [first open, last close]
    for r in csv.DictReader(open(path)):
        t = dt.datetime.strptime(r['timestamp'], '%Y-%m-%d %H:%M:%S')
        d = days.setdefault(t.date(), [float(r['open']), None])
        d[1] = float(r['close'])
    for day, (o, c) in days.items():
        if day.weekday() != 4:
            continue
        sat, sun, mon = (day + dt.timedelta(days=k) for k in (1, 2, 3))
        if sat in days and sun in days and mon in days and days[sun][1] / o - 1 < -0.05:
            want.add((sym, mon))
got = set()
for t in trades:
    e = dt.datetime.strptime(t['entry_time'], '%Y-%m-%dT%H:%M:%SZ')
    x = dt.datetime.strptime(t['exit_time'], '%Y-%m-%dT%H:%M:%SZ')
    assert e.weekday() == 0, t
    assert x - e <= dt.timedelta(hours=24) or t['reason'].startswith('stop:'), t
    got.add((t['symbol'], e.date()))
assert len(got) == len(trades), 'two trades on one Monday'
assert got == want, ('missing', sorted(want - got), 'extra', sorted(got - want))
print(len(got), 'weekends')
PY

python3 - "$TMP/vol_breakout/trades.csv" > "$TMP/vb.txt" 2>&1 <<'PY' || fail "vol_breakout: $(cat "$TMP/vb.txt")"
import csv, sys
for t in csv.DictReader(open(sys.argv[1])):
    assert float(t['risk']) > 0, t
    assert t['reason'].split(':')[0] in ('stop', 'target', 'exit'), t
    assert t['tag'].startswith('vol_breakout_'), t
PY

python3 - "$TMP/mtf_trend/signals.jsonl" > "$TMP/mt.txt" 2>&1 <<'PY' || fail "mtf_trend: $(cat "$TMP/mt.txt")"
import json, re, sys
n = 0
for line in open(sys.argv[1]):
    s = json.loads(line)
    if not s['kind'].startswith('enter'):
        continue
    m = re.search(r'alignment (\d+)% \(1h (up|down|flat), 4h (up|down|flat), 1d (up|down|flat), 1w (up|down|flat)\)', s['reason'])
    assert m, s
    a = int(m.group(1))
    assert a >= 60 and abs(s['confidence'] * 100 - a) < 0.5, s
    assert s['size_hint'] == (1 if s['confidence'] >= 0.75 - 1e-12 else 0.7), s
    n += 1
assert n > 0
PY

python3 - "$TMP/gap_fade/trades.csv" data/sample/stocks/SPY-5m.csv > "$TMP/gf.txt" 2>&1 <<'PY' || fail "gap_fade: $(cat "$TMP/gf.txt")"
import csv, sys, datetime as dt
from zoneinfo import ZoneInfo
ny = ZoneInfo('America/New_York')
want, prev, day = set(), None, None
for r in csv.DictReader(open(sys.argv[2])):
    t = dt.datetime.fromisoformat(r['timestamp'])
    loc = t.astimezone(ny)
    m = loc.hour * 60 + loc.minute
    if m < 9 * 60 + 30 or m >= 16 * 60:
        continue
    o, c = float(r['open']), float(r['close'])
    if loc.date() != day:
        if prev is not None:
            gap = o / prev - 1
            side = 'short' if gap > 0 else 'long'
            filled = c <= prev if gap > 0 else c >= prev
            if 0.0025 <= abs(gap) <= 0.03 and not filled:
                want.add(((t + dt.timedelta(minutes=5)).strftime('%Y-%m-%dT%H:%M:%SZ'), side))
        day = loc.date()
    prev = c
got = {(t['entry_time'], t['side']) for t in csv.DictReader(open(sys.argv[1]))}
assert got == want, ('missing', sorted(want - got), 'extra', sorted(got - want))
assert len(got) > 10
PY

python3 - "$TMP/triangular/trades.csv" data/sample/forex > "$TMP/tri.txt" 2>&1 <<'PY' || fail "triangular: $(cat "$TMP/tri.txt")"
import csv, sys, datetime as dt
from collections import defaultdict
def load(name):
    out = {}
    for r in csv.DictReader(open(sys.argv[2] + '/' + name + '-1h.csv')):
        t = dt.datetime.fromisoformat(r['time'].replace('Z', '+00:00')).astimezone(dt.timezone.utc)
        out[t] = float(r['close'])
    return out
a, b, c = load('EURUSD'), load('USDJPY'), load('EURJPY')
common = sorted(set(a) & set(b) & set(c))
legs = defaultdict(dict)
for t in csv.DictReader(open(sys.argv[1])):
    legs[t['entry_time']][t['symbol']] = t['side']
assert legs
for when, sides in legs.items():
    assert set(sides) == {'EURUSD', 'USDJPY', 'EURJPY'}, (when, sides)
    # the entry fills at the open of the bar after the decision bar (the
    # last common hour before it: after a weekend, Friday's last)
    e = dt.datetime.strptime(when, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=dt.timezone.utc)
    d = max(t for t in common if t < e)
    dev = c[d] / (a[d] * b[d]) - 1
    assert abs(dev) > 0.0005, (when, dev)
    want = ('short', 'long') if dev > 0 else ('long', 'short')
    assert sides['EURJPY'] == want[0] and sides['EURUSD'] == sides['USDJPY'] == want[1], (when, dev, sides)
PY

python3 - "$TMP/session_breakout/trades.csv" data/sample/forex/EURUSD-1h.csv > "$TMP/sb.txt" 2>&1 <<'PY' || fail "session_breakout: $(cat "$TMP/sb.txt")"
import csv, sys, datetime as dt
bars = {}
for r in csv.DictReader(open(sys.argv[2])):
    t = dt.datetime.fromisoformat(r['time'].replace('Z', '+00:00')).astimezone(dt.timezone.utc)
    bars[t] = (float(r['high']), float(r['low']))
days = set()
trades = list(csv.DictReader(open(sys.argv[1])))
assert len(trades) > 50
for t in trades:
    e = dt.datetime.strptime(t['entry_time'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=dt.timezone.utc)
    assert 7 <= e.hour < 11, t
    d = e.replace(hour=7)
    rng = [bars.get(d - dt.timedelta(hours=h)) for h in range(1, 10)]
    assert all(rng), ('range not whole', t)
    hi, lo = max(r[0] for r in rng), min(r[1] for r in rng)
    px = float(t['entry_price'])
    assert (px >= hi - 1e-9) if t['side'] == 'long' else (px <= lo + 1e-9), (t, hi, lo)
    assert e.date() not in days, ('two trades a day', t)
    days.add(e.date())
PY

python3 - "$TMP/funding_carry/trades.csv" "$TMP/funding_carry_hedged/trades.csv" data/sample/crypto/BTCUSDT-funding-8h.csv \
  > "$TMP/fc.txt" 2>&1 <<'PY' || fail "funding_carry: $(cat "$TMP/fc.txt")"
import bisect, csv, sys, datetime as dt
f = [(dt.datetime.strptime(r['fundingTime'][:19], '%Y-%m-%d %H:%M:%S'), float(r['fundingRate'])) for r in csv.DictReader(open(sys.argv[3]))]
times = [t for t, _ in f]
def rate_at(s):   # the latest rate stamped at or before the decision (the bar close = the fill's bar open)
    t = dt.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ')
    return f[bisect.bisect_right(times, t) - 1][1]
plain = list(csv.DictReader(open(sys.argv[1])))
assert plain
for t in plain:
    r = rate_at(t['entry_time'])
    assert (r > 0.0002 and t['side'] == 'short') or (r < -0.0002 and t['side'] == 'long'), (t, r)
    x = rate_at(t['exit_time'])
    assert (x <= 0.00005) if t['side'] == 'short' else (x >= -0.00005), (t, x)
hedged = list(csv.DictReader(open(sys.argv[2])))
perp = [t for t in hedged if t['symbol'] == 'BTCUSDT']
spot = [t for t in hedged if t['symbol'] == 'BTC/USDT']
assert len(perp) == len(spot) == len(plain)
for a, b in zip(perp, spot):
    assert a['entry_time'] == b['entry_time'] and a['exit_time'] == b['exit_time'] and a['side'] != b['side'], (a, b)
    net = float(a['pnl']) + float(b['pnl'])
    costs = sum(float(t[k]) for t in (a, b) for k in ('fees', 'slippage'))
    price = float(a['gross_pnl']) + float(b['gross_pnl'])
    # price P&L cancels up to the rounding of the two quantities
    assert abs(net - (-float(a['funding']) - costs + price)) < 1e-6 and abs(price) < 0.01 * costs + 5, (net, costs, price)
PY

[ $fails -eq 0 ] && echo "strategy_examples: all checks passed"
exit $((fails > 0))
