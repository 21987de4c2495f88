#!/usr/bin/python3
"""The peer of `proratio backtest` in bench/whole_commands.sh: the same SMA 10/30
crossover rules (tests/data/reference/README.md: all cash, 0.1% commission per
side, fills at the next bar's open, equity = cash + position x close) written
with NumPy, as a whole process: read the CSV, run, write trades.csv and
equity.csv (numbers as Python's repr, the shortest text that reads back).
Usage: sma_cross_numpy.py BARS.csv OUT_DIR; prints the trade count and the
final equity so the driver can check both programs agree."""
import os
import sys

import numpy as np


def main(path, out):
    cols = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(1, 4), dtype=np.float64)
    ts = np.loadtxt(path, delimiter=",", skiprows=1, usecols=0, dtype="datetime64[s]")
    op, close = cols[:, 0], cols[:, 1]
    n = len(close)
    c = np.concatenate(([0.0], np.cumsum(close)))
    d = np.full(n, np.nan)
    d[29:] = (c[30:] - c[20:-10]) / 10 - (c[30:] - c[:-30]) / 30
    up = np.flatnonzero((d[1:] > 0) & (d[:-1] <= 0)) + 1
    dn = np.flatnonzero((d[1:] < 0) & (d[:-1] >= 0)) + 1
    ev = np.concatenate((up, dn))
    kind = np.concatenate((np.ones(len(up)), -np.ones(len(dn))))
    order = np.argsort(ev, kind="stable")
    cash, size, trades, fills = 10000.0, 0.0, [], []
    entry = None
    for t, k in zip(ev[order].tolist(), kind[order].tolist()):
        if t + 1 >= n:
            break
        px = op[t + 1]
        if k > 0 and size == 0.0:
            size, cash = cash / (px * 1.001), 0.0
            entry = (t + 1, px, size)
            fills.append((t + 1, cash, size))
        elif k < 0 and size > 0.0:
            cash, size = size * px * 0.999, 0.0
            trades.append((entry[0], t + 1, entry[2], entry[1], px, cash - entry[2] * entry[1] * 1.001))
            fills.append((t + 1, cash, size))
    # Cash and position after each bar's fills, forward-filled over the bars.
    at = np.array([f[0] for f in fills], dtype=np.int64)
    cs = np.array([10000.0] + [f[1] for f in fills])
    ps = np.array([0.0] + [f[2] for f in fills])
    k = np.searchsorted(at, np.arange(n), side="right")
    equity = cs[k] + ps[k] * close
    tstr = np.datetime_as_string(ts, unit="s")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "equity.csv"), "w") as f:
        f.write("time,equity\n")
        f.write("".join(f"{a},{b!r}\n" for a, b in zip(tstr.tolist(), equity.tolist())))
    with open(os.path.join(out, "trades.csv"), "w") as f:
        f.write("entry_time,exit_time,qty,entry_price,exit_price,pnl\n")
        for e, x, q, pe, px, pnl in trades:
            f.write(f"{tstr[e]},{tstr[x]},{q!r},{pe!r},{px!r},{pnl!r}\n")
    print(f"trades {len(trades)} final_equity {equity[-1]!r}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
