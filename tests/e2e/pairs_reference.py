#!/usr/bin/env python3
"""Independent reference for the `pairs` strategy: the same rules written
with statsmodels (coint, the Engle-Granger test) and numpy on two daily or
hourly CSV files, printing the entries it expects as
`<entry bar time> <y side>` lines (the fill is the next paired bar's open).

  pairs_reference.py Y.csv X.csv formation refit pmax z_window entry_z exit_z stop_z
"""
import csv
import sys

import numpy as np
from statsmodels.tsa.stattools import coint


def load(path):
    """{bar open time 'YYYY-MM-DD HH:MM:SS': close} of a sample CSV (the
    Binance layout `timestamp,...,close` or Yahoo's `Date,...,Close`)."""
    out = {}
    for r in csv.DictReader(open(path)):
        r = {k.lower(): v for k, v in r.items()}
        t = r.get('timestamp', r.get('date'))[:19]
        out[t if len(t) > 10 else t + ' 00:00:00'] = float(r['close'])
    return out


def main():
    ypath, xpath = sys.argv[1], sys.argv[2]
    formation, refit = int(sys.argv[3]), int(sys.argv[4])
    pmax, w = float(sys.argv[5]), int(sys.argv[6])
    entry_z, exit_z, stop_z = (float(a) for a in sys.argv[7:10])
    ys, xs = load(ypath), load(xpath)
    times = sorted(set(ys) & set(xs))
    y = np.array([ys[t] for t in times])
    x = np.array([xs[t] for t in times])
    fitted, fitted_at, hedge, icpt, pval = False, 0, 0.0, 0.0, 1.0
    held = 0   # +1: long the spread (long y), -1: short
    for i in range(len(times)):
        step = i + 1
        if not fitted or step - fitted_at >= refit:
            if i + 1 < formation:
                continue
            yy, xx = y[i + 1 - formation:i + 1], x[i + 1 - formation:i + 1]
            _, pval, _ = coint(yy, xx)
            beta = np.linalg.lstsq(np.column_stack([np.ones(formation), xx]), yy, rcond=None)[0]
            icpt, hedge = beta[0], beta[1]
            fitted, fitted_at = True, step
        if i + 1 < w:
            continue
        s = y[i + 1 - w:i + 1] - hedge * x[i + 1 - w:i + 1] - icpt
        sd = s.std()
        if not sd > 0:
            continue
        z = (s[-1] - s.mean()) / sd
        if held:
            stop = z < -stop_z if held > 0 else z > stop_z
            back = z >= -exit_z if held > 0 else z <= exit_z
            if stop or back:
                held = 0
            continue
        if not pval < pmax or not hedge > 0 or abs(z) > stop_z:
            continue
        d = 1 if z < -entry_z else -1 if z > entry_z else 0
        if d and i + 1 < len(times):
            held = d
            print(times[i + 1].replace(' ', 'T') + 'Z', 'long' if d > 0 else 'short')


main()
