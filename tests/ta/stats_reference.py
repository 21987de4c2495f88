#!/usr/bin/python3
"""Outside reference for the ta module's statistics (src/ta/stats_*.c).

Computes with statsmodels / scipy / numpy, on the repository's real sample
data, the values that tests/ta/test_stats_reference.c must reproduce, and
writes them as JSON. Run with Debian's python (it has statsmodels 0.13.5):

    /usr/bin/python3 tests/ta/stats_reference.py --out tests/ta/stats_expected.json

(that command produced the committed tests/ta/stats_expected.json), or with
--full (every rolling value and every OLS residual) from stats_reference.sh.

Every case names its input series by file, column and transform so the C test
rebuilds exactly the same numbers (same CSV text -> same doubles; spreads are
y - b*x - a with the b and a written here, evaluated in the same order).

Sources of truth:
  adf       statsmodels.tsa.stattools.adfuller
  coint     statsmodels.tsa.stattools.coint
  ols       statsmodels.regression.linear_model.OLS
  halflife  OLS of diff(s) on [1, s[:-1]] (statsmodels), -ln 2 / slope
  corr      scipy.stats.pearsonr / scipy.stats.spearmanr
  beta      numpy.cov(y, x)[0, 1] / numpy.var(x, ddof=1)
  rolling   numpy sliding windows (mean, std with ddof)
  mackinnon statsmodels.tsa.adfvalues.mackinnonp / mackinnoncrit
  hurst     numpy transcriptions of the two published estimators: the
            Anis-Lloyd-Peters corrected R/S as in nolds.hurst_rs (Weron 2002)
            and the variance-of-lagged-differences code of the quant blogs
            (lags = range(2, 100); H = 2 * slope of log sqrt(std)).
"""
import argparse
import csv
import json
import math
import os
import platform
import sys

try:
    import numpy as np
    import scipy
    import scipy.stats
    import statsmodels
    import statsmodels.api as sm
    from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp
    from statsmodels.tsa.stattools import adfuller, coint
except ImportError as e:  # the .sh wrapper turns this into a skip
    print("SKIP: %s (needs numpy, scipy and statsmodels; use /usr/bin/python3)" % e, file=sys.stderr)
    sys.exit(77)

# file, value column, timestamp column (all inside the repository)
FILES = {
    "KO": ("data/sample/stocks/KO-1d.csv", "Close"),
    "PEP": ("data/sample/stocks/PEP-1d.csv", "Close"),
    "BTC": ("data/sample/crypto/BTCUSDT-1h.csv", "close"),
    "ETH": ("data/sample/crypto/ETHUSDT-1h.csv", "close"),
}


def num(v):
    """JSON-safe float: non-finite values become strings the C side parses."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def nums(a):
    return [num(v) for v in a]


def load(root, name):
    path, col = FILES[name]
    with open(os.path.join(root, path), newline="") as f:
        rows = list(csv.reader(f))
    head = [h.strip() for h in rows[0]]
    c = head.index(col)
    ts, vals = [], []
    for r in rows[1:]:
        if not r:
            continue
        ts.append(r[0].strip())
        vals.append(float(r[c]))
    return ts, np.array(vals)


class Data:
    def __init__(self, root):
        self.raw = {k: load(root, k) for k in FILES}

    def pair(self, y, x):
        """Inner join on the timestamp text, in y's order."""
        ty, vy = self.raw[y]
        tx, vx = self.raw[x]
        pos = {t: i for i, t in enumerate(tx)}
        iy = [i for i, t in enumerate(ty) if t in pos]
        ix = [pos[ty[i]] for i in iy]
        return vy[iy], vx[ix]

    def series(self, spec):
        """spec: {"base": name, "transform": level|log|ret|logret}, or a
        spread {"transform": "spread", "y": name, "x": name, "b": .., "a": ..}."""
        t = spec["transform"]
        if t == "spread":
            y, x = self.pair(spec["y"], spec["x"])
            return y - spec["b"] * x - spec["a"]
        v = self.raw[spec["base"]][1]
        if "with" in spec:  # restricted to the dates shared with another series
            v = self.pair(spec["base"], spec["with"])[0]
        if t == "level":
            return v
        if t == "log":
            return np.log(v)
        if t == "ret":
            return v[1:] / v[:-1] - 1.0
        if t == "logret":
            return np.log(v[1:] / v[:-1])
        raise ValueError(t)


def sample_idx(n, full, start=0, step=61):
    if full:
        return list(range(start, n))
    idx = list(range(start, n, step))
    for i in range(max(start, n - 3), n):
        if i not in idx:
            idx.append(i)
    return idx


# ---- Hurst: independent transcriptions of the published estimators ----

def expected_rs(n):
    """Anis-Lloyd expected R/S with Peters' correction, as nolds.expected_rs."""
    front = (n - 0.5) / n
    i = np.arange(1, n)
    back = np.sum(np.sqrt((n - i) / i))
    if n <= 340:
        middle = math.gamma((n - 1) * 0.5) / math.sqrt(math.pi) / math.gamma(n * 0.5)
    else:
        middle = 1.0 / math.sqrt(n * math.pi * 0.5)
    return front * middle * back


def hurst_rs(x, min_window=16, max_window=None):
    d = np.diff(x)
    m = len(d)
    if max_window is None:
        max_window = m // 4
    ws, j = [], 0
    while True:
        w = int(math.floor(min_window * 2 ** (j / 4)))
        if w > max_window:
            break
        if not ws or ws[-1] != w:
            ws.append(w)
        j += 1
    lx, ly = [], []
    for w in ws:
        c = m // w
        ch = d[: c * w].reshape(c, w)
        dev = ch - ch.mean(axis=1, keepdims=True)
        z = np.concatenate([np.zeros((c, 1)), np.cumsum(dev, axis=1)], axis=1)
        r = z.max(axis=1) - z.min(axis=1)
        s = ch.std(axis=1)
        ok = s > 0
        if not ok.any():
            continue
        lx.append(np.log(w))
        ly.append(np.log((r[ok] / s[ok]).mean()) - np.log(expected_rs(w)))
    slope, icpt = np.polyfit(lx, ly, 1)
    return 0.5 + slope, icpt, len(lx)


def hurst_var(ts, max_lag=None):
    if max_lag is None:
        max_lag = min(99, (len(ts) - 1) // 4)
    lags = range(2, max_lag + 1)
    tau = [np.sqrt(np.std(np.subtract(ts[lag:], ts[:-lag]))) for lag in lags]
    poly = np.polyfit(np.log(lags), np.log(tau), 1)
    return poly[0] * 2.0, poly[1] * 2.0, len(lags)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))
    ap.add_argument("--full", action="store_true", help="every rolling value and residual")
    a = ap.parse_args()
    D = Data(a.root)
    out = {
        "generated_by": " ".join([sys.executable] + sys.argv),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "files": {k: {"path": v[0], "column": v[1], "n": len(D.raw[k][1])} for k, v in FILES.items()},
    }

    # cointegrating regressions give the spreads used below
    spreads = {}
    for y, x in (("KO", "PEP"), ("BTC", "ETH")):
        vy, vx = D.pair(y, x)
        r = sm.OLS(vy, sm.add_constant(vx)).fit()
        spreads[y + "_" + x] = {"transform": "spread", "y": y, "x": x,
                                "b": float(r.params[1]), "a": float(r.params[0])}

    def S(base, t="level", **kw):
        d = {"base": base, "transform": t}
        d.update(kw)
        return d

    # ---- ADF ----
    adf_cases = []
    for name in ("KO", "PEP", "BTC", "ETH"):
        for reg in ("c", "ct"):
            adf_cases.append((S(name), reg, "AIC", None))
    adf_cases += [
        (S("KO", "log"), "c", "AIC", None),
        (S("BTC", "log"), "ct", "AIC", None),
        (spreads["KO_PEP"], "c", "AIC", None),
        (spreads["KO_PEP"], "n", "AIC", None),
        (spreads["KO_PEP"], "ctt", "AIC", None),
        (spreads["KO_PEP"], "c", "BIC", None),
        (spreads["KO_PEP"], "c", "t-stat", None),
        (spreads["KO_PEP"], "c", None, 3),
        (spreads["BTC_ETH"], "c", "AIC", None),
        (spreads["BTC_ETH"], "ct", "BIC", 30),
        (S("ETH"), "n", None, 5),
        (S("KO"), "ctt", "t-stat", 20),
        (S("BTC", "logret"), "c", "AIC", 4),
    ]
    out["adf"] = []
    for spec, reg, autolag, maxlag in adf_cases:
        x = D.series(spec)
        r = adfuller(x, maxlag=maxlag, regression=reg, autolag=autolag)
        case = {"series": spec, "regression": reg, "autolag": (autolag or "none").lower(),
                "maxlag": -1 if maxlag is None else maxlag,
                "stat": num(r[0]), "pvalue": num(r[1]), "usedlag": int(r[2]), "nobs": int(r[3]),
                "crit": [num(r[4]["1%"]), num(r[4]["5%"]), num(r[4]["10%"])],
                "icbest": num(r[5]) if autolag else "nan"}
        out["adf"].append(case)

    # ---- Engle-Granger ----
    out["coint"] = []
    for y, x, trend, maxlag, autolag in (("KO", "PEP", "c", None, "aic"), ("PEP", "KO", "c", None, "aic"),
                                         ("BTC", "ETH", "c", None, "aic"), ("ETH", "BTC", "c", None, "aic"),
                                         ("KO", "PEP", "ct", None, "aic"), ("BTC", "ETH", "ct", None, "bic"),
                                         ("KO", "PEP", "n", 10, "aic"), ("PEP", "KO", "ctt", None, None)):
        vy, vx = D.pair(y, x)
        stat, p, crit = coint(vy, vx, trend=trend, maxlag=maxlag, autolag=autolag)
        xx = vx[:, None] if trend == "n" else sm.tsa.add_trend(vx[:, None], trend=trend, prepend=False)
        reg = sm.OLS(vy, xx).fit()
        resid_adf = adfuller(reg.resid, maxlag=maxlag, regression="n", autolag=autolag)
        out["coint"].append({
            "y": y, "x": x, "n": len(vy), "trend": trend, "maxlag": -1 if maxlag is None else maxlag,
            "autolag": (autolag or "none").lower(),
            "stat": num(stat), "pvalue": num(p), "crit": nums(crit),
            "hedge_ratio": num(reg.params[0]),
            "intercept": num(reg.params[1]) if trend != "n" else "nan",
            "trend_coef": num(reg.params[2]) if trend in ("ct", "ctt") else "nan",
            "rsquared": num(reg.rsquared),
            "usedlag": int(resid_adf[2]), "adf_nobs": int(resid_adf[3])})

    # ---- OLS ----
    out["ols"] = []
    designs = [
        ("PEP_on_KO", S("PEP"), [["const"], ["series", S("KO")]]),
        ("ETH_on_BTC_trend", S("ETH", **{"with": "BTC"}), [["const"], ["series", S("BTC", **{"with": "ETH"})],
                                                          ["trend"]]),
        ("KOret_on_PEPret_noconst", S("KO", "logret"), [["series", S("PEP", "logret")]]),
    ]
    for name, yspec, cols in designs:
        y = D.series(yspec)
        X = []
        for c in cols:
            if c[0] == "const":
                X.append(np.ones(len(y)))
            elif c[0] == "trend":
                X.append(np.arange(1, len(y) + 1, dtype=float))
            else:
                X.append(D.series(c[1]))
        X = np.column_stack(X)
        r = sm.OLS(y, X).fit()
        idx = sample_idx(len(y), a.full)
        out["ols"].append({
            "name": name, "y": yspec, "columns": cols, "nobs": int(r.nobs),
            "params": nums(r.params), "bse": nums(r.bse), "tvalues": nums(r.tvalues), "pvalues": nums(r.pvalues),
            "rsquared": num(r.rsquared), "rsquared_adj": num(r.rsquared_adj), "ssr": num(r.ssr),
            "llf": num(r.llf), "aic": num(r.aic), "bic": num(r.bic), "df_resid": num(r.df_resid),
            "resid_index": idx, "resid": nums(r.resid[idx])})

    # ---- correlation and beta ----
    out["corr"] = []
    for xs, ys in ((S("KO"), S("PEP")), (S("KO", "logret"), S("PEP", "logret")),
                   (S("BTC", "logret", **{"with": "ETH"}), S("ETH", "logret", **{"with": "BTC"})),
                   (S("BTC", "log", **{"with": "ETH"}), S("ETH", "log", **{"with": "BTC"}))):
        x, y = D.series(xs), D.series(ys)
        pr = scipy.stats.pearsonr(x, y)
        sr = scipy.stats.spearmanr(x, y)
        out["corr"].append({"x": xs, "y": ys, "n": len(x),
                            "pearson": num(pr[0]), "pearson_p": num(pr[1]),
                            "spearman": num(sr[0]), "spearman_p": num(sr[1])})
    out["beta"] = []
    for ys, xs in ((S("KO"), S("PEP")), (S("ETH", **{"with": "BTC"}), S("BTC", **{"with": "ETH"}))):
        for on, t in (("returns", "ret"), ("logreturns", "logret"), ("levels", "level")):
            y = D.series(dict(ys, transform=t))
            x = D.series(dict(xs, transform=t))
            beta = np.cov(y, x)[0, 1] / np.var(x, ddof=1)
            out["beta"].append({"y": ys, "x": xs, "on": on, "n": len(x), "beta": num(beta),
                                "alpha": num(y.mean() - beta * x.mean()),
                                "r": num(np.corrcoef(x, y)[0, 1])})

    # ---- half-life ----
    out["halflife"] = []
    for spec in (spreads["KO_PEP"], spreads["BTC_ETH"], S("KO"), S("ETH", "log")):
        s = D.series(spec)
        r = sm.OLS(np.diff(s), sm.add_constant(s[:-1])).fit()
        lam = r.params[1]
        out["halflife"].append({"series": spec, "nobs": int(r.nobs), "lambda": num(lam),
                                "intercept": num(r.params[0]), "lambda_se": num(r.bse[1]),
                                "lambda_t": num(r.tvalues[1]), "lambda_p": num(r.pvalues[1]),
                                "halflife": num(-math.log(2) / lam) if lam < 0 else "inf"})

    # ---- Hurst ----
    out["hurst"] = []
    for spec in (S("BTC", "log"), S("KO", "log"), spreads["KO_PEP"], S("ETH", "log")):
        x = D.series(spec)
        h, icpt, npts = hurst_rs(x)
        out["hurst"].append({"series": spec, "method": "rs", "h": num(h), "intercept": num(icpt), "npoints": npts})
        h, icpt, npts = hurst_var(x)
        out["hurst"].append({"series": spec, "method": "var", "h": num(h), "npoints": npts})

    # ---- rolling mean / std / z ----
    out["rolling"] = []
    for spec, period, ddof in ((S("KO"), 20, 1), (S("KO"), 20, 0), (S("BTC"), 50, 1), (S("PEP", "logret"), 5, 1)):
        x = D.series(spec)
        w = np.lib.stride_tricks.sliding_window_view(x, period)
        mean = w.mean(axis=1)
        std = w.std(axis=1, ddof=ddof)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(std > 0, (x[period - 1:] - mean) / std, 0.0)
        idx = sample_idx(len(x), a.full, start=period - 1)
        j = [i - (period - 1) for i in idx]
        out["rolling"].append({"series": spec, "period": period, "ddof": ddof, "index": idx,
                               "mean": nums(mean[j]), "std": nums(std[j]), "z": nums(z[j])})

    # ---- MacKinnon surfaces on a grid ----
    out["mackinnonp"] = []
    for reg in ("n", "c", "ct", "ctt"):
        for N in range(1, 7):
            for k in range(-84, 17):
                stat = k * 0.25 + 0.03
                out["mackinnonp"].append([reg, N, stat, num(mackinnonp(stat, regression=reg, N=N))])
    out["mackinnoncrit"] = []
    for reg, maxn in (("n", 1), ("c", 12), ("ct", 12), ("ctt", 12)):
        for N in range(1, maxn + 1):
            for nobs in (25, 100, 1000, 29302, "inf"):
                c = mackinnoncrit(N=N, regression=reg, nobs=np.inf if nobs == "inf" else nobs)
                out["mackinnoncrit"].append([reg, N, nobs, nums(c)])

    with open(a.out, "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
