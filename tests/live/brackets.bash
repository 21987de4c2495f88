# Sourced by live_brackets.sh and live_brackets_oanda.sh after
# live_session.bash: swing_bars DIR SYMBOL CENTER AMPLITUDE DECIMALS TICK
# writes DIR/SYMBOL-1h.csv, 165 hourly bars from 2023-01-02 whose close is
# CENTER x (1 + AMPLITUDE x sin(2 pi i / 40)) at DECIMALS places (each bar
# opens at the last close, high and low TICK beyond), and imports it into
# $DB; post PATH BODY (a control request to the fake); n_orders (the fake's
# number of orders).
swing_bars() {
  "$PY" - "$1/$2-1h.csv" "$3" "$4" "$5" "$6" <<'PYEOF'
import datetime, math, sys
out, center, amp, dec, tick = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
t0, prev, rows = datetime.datetime(2023, 1, 2), center, ["timestamp,open,high,low,close,volume"]
for i in range(165):
    c = round(center * (1 + amp * math.sin(2 * math.pi * i / 40)), dec)
    rows.append("%s,%.*f,%.*f,%.*f,%.*f,10" % ((t0 + datetime.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
                                               dec, prev, dec, max(prev, c) + tick, dec, min(prev, c) - tick, dec, c))
    prev = c
open(out, "w").write("\n".join(rows) + "\n")
PYEOF
  "$BIN" data import "$1/$2-1h.csv" --db "$DB" > /dev/null 2>&1 || fail "import of the swing bars"
}
post() {
  "$PY" -c 'import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode())).read()' \
    "$URL$1" "$2"
}
n_orders() { "$PY" -c 'import json, sys, urllib.request as u; print(len(json.load(u.urlopen(sys.argv[1]))))' "$URL/_orders"; }
