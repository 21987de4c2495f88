#!/usr/bin/python3
"""Exact values of the two worst-conditioned statistics of the reference set.

The ADF / Engle-Granger regressions with a quadratic trend ('ctt') have the
columns 1, t and t^2 (t^2 reaches 3.7e7), so floating-point results differ
from the true value of the statistic by far more than one rounding; the
statsmodels reference itself is ~1e-9 away from it. This script computes the
true values with rational arithmetic (fractions.Fraction, Python integers):
the input doubles (the CSV text parsed by float(), as the C test does with
strtod) are exact binary fractions, every sum, product and solve below is
exact, and only the final square root is rounded (to 40 digits).

Cases (indices into tests/ta/stats_expected.json):
  coint[7]  Engle-Granger, y = PEP close, x = KO close (inner join on the
            timestamp text, n = 6084), trend 'ctt', maxlag 34 (statsmodels'
            default for n = 6084), no lag search: step 1 is OLS of y on
            [x, 1, t, t^2], step 2 the ADF t statistic (regression 'n', 34
            lags) on the step-1 residuals.
  adf[19]   ADF on KO close, regression 'ctt', maxlag 20, autolag 't-stat':
            the search starts at 20 lags, where |t| of the last lag is
            already >= 1.6448536269514722, so the chosen lag is 20 and the
            search regression is the final one (same rows, same columns).
            We give the ADF statistic, the search criterion |t| (icbest) and
            check the lag choice exactly.

A t statistic is t = b_j / sqrt(s^2 [(X'X)^-1]_jj) with s^2 = SSR / (m - k);
t^2 is rational, so it is exact here and t = sign(b_j) sqrt(t^2).

    /usr/bin/python3 tests/ta/stats_exact.py --out tests/ta/stats_exact.json

wrote the committed tests/ta/stats_exact.json (about a minute). numpy is used
only to report the condition numbers that justify the test's tolerances.
"""
import argparse
import csv
import json
import math
import os
import sys
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 60


def load(root, rel, col):
    with open(os.path.join(root, rel), newline="") as f:
        rows = list(csv.reader(f))
    head = [h.strip() for h in rows[0]]
    c = head.index(col)
    ts, vals = [], []
    for r in rows[1:]:
        if r:
            ts.append(r[0].strip())
            vals.append(float(r[c]))
    return ts, vals


def pair(a, b):
    """Inner join on the timestamp text, in a's order (as stats_reference.py)."""
    pos = {t: i for i, t in enumerate(b[0])}
    ia = [i for i, t in enumerate(a[0]) if t in pos]
    return [a[1][i] for i in ia], [b[1][pos[a[0][i]]] for i in ia]


def to_ints(*series):
    """The doubles as integers over one common power-of-two denominator. A t
    statistic is unchanged when y and the data columns are scaled together."""
    den = 1
    for s in series:
        for v in s:
            den = max(den, Fraction(v).denominator)
    return [[int(Fraction(v) * den) for v in s] for s in series]


def gram(cols, y):
    """X'X and X'y (exact integers) for integer columns."""
    k = len(cols)
    g = [[0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i, k):
            g[i][j] = g[j][i] = sum(a * b for a, b in zip(cols[i], cols[j]))
    h = [sum(a * b for a, b in zip(c, y)) for c in cols]
    return g, h, sum(v * v for v in y)


def solve(g, rhs):
    """Exact solution of g x = r for each right-hand side r in rhs: Bareiss'
    fraction-free elimination, then back substitution in Fractions."""
    k = len(g)
    a = [row[:] + [r[i] for r in rhs] for i, row in enumerate(g)]
    w = k + len(rhs)
    prev = 1
    for p in range(k - 1):
        if a[p][p] == 0:
            raise ZeroDivisionError("zero pivot")
        for i in range(p + 1, k):
            for j in range(p + 1, w):
                a[i][j] = (a[i][j] * a[p][p] - a[i][p] * a[p][j]) // prev
            a[i][p] = 0
        prev = a[p][p]
    out = []
    for c in range(len(rhs)):
        x = [Fraction(0)] * k
        for i in range(k - 1, -1, -1):
            s = Fraction(a[i][k + c]) - sum(a[i][j] * x[j] for j in range(i + 1, k))
            x[i] = s / a[i][i]
        out.append(x)
    return out


def tstats(cols, y, which):
    """Exact t^2 and sign of the coefficients `which` of OLS of y on cols."""
    g, h, yy = gram(cols, y)
    k, m = len(cols), len(y)
    units = [[1 if i == j else 0 for i in range(k)] for j in which]
    sols = solve(g, [h] + units)
    b = sols[0]
    ssr = yy - sum(bi * hi for bi, hi in zip(b, h))
    s2 = ssr / (m - k)
    res = {}
    for j, e in zip(which, sols[1:]):
        t2 = b[j] * b[j] / (s2 * e[j])
        res[j] = (t2, 1 if b[j] > 0 else -1)
    return res, b


def sqrt_dec(q, sign):
    """sign * sqrt(q) for a positive Fraction q, to 40 significant digits."""
    v = (Decimal(q.numerator) / Decimal(q.denominator)).sqrt()
    return format(sign * v, ".40g")


def cond(cols, scaled):
    import numpy as np
    x = np.column_stack([np.asarray(c, dtype=float) for c in cols])
    if scaled:
        x = x / np.linalg.norm(x, axis=0)
    return float(np.linalg.cond(x))


def adf_design(x, lags, trend, data_first):
    """Rows t = lags..n-2 of the ADF regression on integer series x: level
    x[t], differences x[t-l+1]-x[t-l] (l = 1..lags), trend 1, t, t^2 with
    t = 1..m; dependent x[t+1]-x[t]. data_first: statsmodels' final column
    order (data, then trend); otherwise the lag search's (trend, then data)."""
    n = len(x)
    rows = range(lags, n - 1)
    level = [x[t] for t in rows]
    diffs = [[x[t - l + 1] - x[t - l] for t in rows] for l in range(1, lags + 1)]
    m = len(level)
    tr = [[1] * m, list(range(1, m + 1)), [i * i for i in range(1, m + 1)]][:trend]
    y = [x[t + 1] - x[t] for t in rows]
    cols = [level] + diffs + tr if data_first else tr + [level] + diffs
    return cols, y


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))
    a = ap.parse_args()
    ko = load(a.root, "data/sample/stocks/KO-1d.csv", "Close")
    pep = load(a.root, "data/sample/stocks/PEP-1d.csv", "Close")
    out = {"generated_by": "/usr/bin/python3 tests/ta/stats_exact.py --out tests/ta/stats_exact.json",
           "note": "exact rational arithmetic; decimal strings are the true values rounded to 40 digits"}

    # ---- coint[7]: PEP on KO, 'ctt', 34 lags, no search ----
    vy, vx = pair(pep, ko)
    n = len(vy)
    iy, ix = to_ints(vy, vx)
    t = list(range(1, n + 1))
    step1 = [ix, [1] * n, t, [v * v for v in t]]
    g, h, _ = gram(step1, iy)
    b = solve(g, [h])[0]
    den = 1
    for v in b:
        den = den * v.denominator // math.gcd(den, v.denominator)
    bd = [int(v * den) for v in b]
    resid = [yi * den - sum(c[i] * bj for c, bj in zip(step1, bd)) for i, yi in enumerate(iy)]
    maxlag = int(math.ceil(12.0 * (n / 100.0) ** 0.25))
    cols, y = adf_design(resid, maxlag, 0, True)
    ts, _ = tstats(cols, y, [0])
    t2, sg = ts[0]
    sys.stderr.write("coint[7] done\n")
    out["coint"] = [{
        "index": 7, "y": "PEP", "x": "KO", "n": n, "trend": "ctt", "maxlag": maxlag, "usedlag": maxlag,
        "adf_nobs": len(y), "stat": sqrt_dec(t2, sg),
        "hedge_ratio": format(Decimal(b[0].numerator) / Decimal(b[0].denominator), ".40g"),
        "cond_step1_raw": cond(step1, False), "cond_step1_colscaled": cond(step1, True),
        "cond_adf_colscaled": cond(cols, True)}]

    # ---- adf[19]: KO, 'ctt', maxlag 20, t-stat search ----
    ikx = to_ints(ko[1])[0]
    lags = 20
    cols, y = adf_design(ikx, lags, 3, True)
    k = len(cols)
    ts, _ = tstats(cols, y, [0, lags])
    stop = Fraction(1.6448536269514722)
    t2_last, sg_last = ts[lags]
    out["adf"] = [{
        "index": 19, "series": "KO", "regression": "ctt", "maxlag": lags, "autolag": "t-stat",
        "usedlag": lags if t2_last >= stop * stop else None, "nobs": len(y),
        "stat": sqrt_dec(*ts[0]), "icbest": sqrt_dec(t2_last, 1),
        "cond_raw": cond(cols, False), "cond_colscaled": cond(cols, True), "k": k}]
    sys.stderr.write("adf[19] done\n")
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
