/* Instruments: default trading rules per asset class and rounding of prices
 * and quantities to the venue grid. The defaults are placeholders that keep a
 * backtest honest; real tick sizes, lot steps and minimums come from the
 * venue's exchange info (e.g. Binance /api/v3/exchangeInfo filters PRICE_FILTER,
 * LOT_SIZE, NOTIONAL; OANDA instrument details) and should replace them. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "proratio/core.h"

static const char *const k_class_names[] = {"unknown", "crypto", "forex", "stock", "future"};

const char *pr_asset_class_name(pr_asset_class c) {
    return (c >= PR_ASSET_UNKNOWN && c <= PR_ASSET_FUTURE) ? k_class_names[c] : "unknown";
}

int pr_asset_class_parse(const char *s, pr_asset_class *out) {
    if (!s || !out) return PR_EINVAL;
    static const struct { const char *name; pr_asset_class c; } k[] = {
        {"crypto", PR_ASSET_CRYPTO}, {"forex", PR_ASSET_FOREX}, {"fx", PR_ASSET_FOREX},
        {"stock", PR_ASSET_STOCK},   {"stocks", PR_ASSET_STOCK}, {"equity", PR_ASSET_STOCK},
        {"future", PR_ASSET_FUTURE}, {"futures", PR_ASSET_FUTURE}, {"unknown", PR_ASSET_UNKNOWN}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        if (strcasecmp(s, k[i].name) == 0) {
            *out = k[i].c;
            return PR_OK;
        }
    }
    return PR_EINVAL;
}

/* Quote assets recognised at the end of a crypto symbol, longest first so
 * "BTCUSDT" is BTC/USDT rather than BTCU/SDT... or BTC/USD + "T". */
static const char *const k_crypto_quotes[] = {
    "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDP", "BIDR", "IDRT", "DAI", "USD", "BTC", "ETH",
    "BNB", "EUR", "TRY", "GBP", "BRL", "AUD", "JPY", "RUB", "UAH", "ZAR", "PLN", "RON", "ARS",
    "MXN", "COP", "CZK", NULL};

/* ISO 4217 codes that make a 6-letter symbol look like a currency pair. */
static const char *const k_fiat[] = {"EUR", "USD", "JPY", "GBP", "CHF", "AUD", "NZD", "CAD", "SEK", "NOK",
                                     "DKK", "PLN", "HUF", "CZK", "TRY", "ZAR", "MXN", "SGD", "HKD", "CNH",
                                     "XAU", "XAG", NULL};

static int in_list(const char *s, const char *const *list) {
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0) return 1;
    return 0;
}

/* Upper-cased symbol without separators ("btc/usdt" -> "BTCUSDT"); *split
 * gets the separator's position (or -1). */
static int normalise(const char *sym, char *buf, size_t cap, int *split) {
    size_t k = 0;
    *split = -1;
    for (const char *p = sym; *p; p++) {
        if (*p == '/' || *p == '_' || *p == '-' || *p == ':') {
            if (*split < 0 && k > 0) *split = (int)k;
            continue;
        }
        if (k + 1 >= cap) return PR_EINVAL;
        buf[k++] = (char)toupper((unsigned char)*p);
    }
    buf[k] = '\0';
    return k ? PR_OK : PR_EINVAL;
}

static void set_pair(pr_instrument *out, const char *norm, size_t base_len) {
    if (base_len >= sizeof out->base) base_len = sizeof out->base - 1;
    memcpy(out->base, norm, base_len);
    out->base[base_len] = '\0';
    pr_strlcpy(out->quote, norm + base_len, sizeof out->quote);
}

int pr_instrument_default(const char *symbol, pr_asset_class cls, pr_instrument *out, pr_err *err) {
    if (!symbol || !out) return pr_err_set(err, PR_EINVAL, "pr_instrument_default: NULL argument");
    if (strlen(symbol) >= PR_SYMBOL_MAX)
        return pr_err_set(err, PR_EINVAL, "symbol \"%.40s...\" is longer than %d characters", symbol,
                          PR_SYMBOL_MAX - 1);
    char norm[PR_SYMBOL_MAX];
    int split;
    if (normalise(symbol, norm, sizeof norm, &split) != PR_OK)
        return pr_err_set(err, PR_EINVAL, "empty symbol \"%s\"", symbol);
    size_t n = strlen(norm);

    /* Class not given (a heuristic; pass the class when it is known): a pair
     * of currency codes is forex, a known crypto quote after a base of two or
     * more letters is crypto ("ABNB" stays a stock), else a stock ticker. */
    if (cls == PR_ASSET_UNKNOWN) {
        char a[4] = {0}, b[4] = {0};
        if (n == 6) {
            memcpy(a, norm, 3);
            memcpy(b, norm + 3, 3);
        }
        if (n == 6 && in_list(a, k_fiat) && in_list(b, k_fiat)) cls = PR_ASSET_FOREX;
        else {
            cls = PR_ASSET_STOCK;
            for (size_t i = 0; k_crypto_quotes[i]; i++) {
                size_t q = strlen(k_crypto_quotes[i]);
                if (n >= q + 2 && strcmp(norm + n - q, k_crypto_quotes[i]) == 0) {
                    cls = PR_ASSET_CRYPTO;
                    break;
                }
            }
        }
    }

    memset(out, 0, sizeof *out);
    pr_strlcpy(out->symbol, symbol, sizeof out->symbol);
    out->asset_class = cls;
    out->contract_multiplier = 1.0;

    switch (cls) {
    case PR_ASSET_CRYPTO: {
        if (split > 0) {
            set_pair(out, norm, (size_t)split);
        } else {
            size_t q = 0;
            for (size_t i = 0; k_crypto_quotes[i] && !q; i++) {
                size_t ql = strlen(k_crypto_quotes[i]);
                if (n > ql && strcmp(norm + n - ql, k_crypto_quotes[i]) == 0) q = ql;
            }
            if (!q)
                return pr_err_set(err, PR_EINVAL,
                                  "cannot split crypto symbol \"%s\" into base and quote (unknown quote asset; "
                                  "write it as BASE/QUOTE)", symbol);
            set_pair(out, norm, n - q);
        }
        /* Binance-like spot defaults for fiat/stablecoin quotes. Pairs quoted in
         * a coin (ETHBTC) trade at small prices, so use a finer grid there. */
        if (strcmp(out->quote, "BTC") == 0 || strcmp(out->quote, "ETH") == 0 || strcmp(out->quote, "BNB") == 0) {
            out->tick_size = 0.000001;
            out->min_notional = strcmp(out->quote, "BTC") == 0 ? 0.0001 : (strcmp(out->quote, "ETH") == 0 ? 0.001 : 0.01);
        } else {
            out->tick_size = 0.01;
            out->min_notional = 5.0;
        }
        out->lot_step = 0.00001;
        out->min_qty = 0.00001;
        break;
    }
    case PR_ASSET_FOREX:
        if (n != 6)
            return pr_err_set(err, PR_EINVAL, "forex symbol \"%s\" must be 6 letters like EURUSD", symbol);
        for (size_t i = 0; i < n; i++)
            if (!isalpha((unsigned char)norm[i]))
                return pr_err_set(err, PR_EINVAL, "forex symbol \"%s\" must be 6 letters like EURUSD", symbol);
        set_pair(out, norm, 3);
        /* Pips are the 4th decimal, or the 2nd for yen quotes; brokers quote
         * one more digit (a fractional pip). Units trade in steps of 1. */
        if (strcmp(out->quote, "JPY") == 0) {
            out->pip_size = 0.01;
            out->tick_size = 0.001;
        } else {
            out->pip_size = 0.0001;
            out->tick_size = 0.00001;
        }
        out->lot_step = 1.0;
        out->min_qty = 1.0;
        out->min_notional = 0.0;
        break;
    case PR_ASSET_STOCK:
    case PR_ASSET_FUTURE:
        /* US listings: cent ticks, whole shares/contracts. */
        pr_strlcpy(out->base, norm, sizeof out->base);
        pr_strlcpy(out->quote, "USD", sizeof out->quote);
        out->tick_size = 0.01;
        out->lot_step = 1.0;
        out->min_qty = 1.0;
        out->min_notional = 0.0;
        break;
    default:
        return pr_err_set(err, PR_EINVAL, "unknown asset class for \"%s\"", symbol);
    }
    return PR_OK;
}

/* Number of decimals of a step such as 0.00001 (at most 12), or -1 when the
 * step is not a short decimal (e.g. 0.25 has 2, 1/3 has none). */
static int step_decimals(double step) {
    double scaled = step;
    for (int d = 0; d <= 12; d++) {
        if (fabs(scaled - nearbyint(scaled)) <= 1e-9 * fmax(1.0, fabs(scaled))) return d;
        scaled *= 10.0;
    }
    return -1;
}

/* n * step, computed as an integer count of 10^-d units divided by 10^d so
 * 3 * 0.1 gives the double nearest 0.3 instead of 0.30000000000000004. */
PR_HOT static double grid_value(double n, double step) {
    int d = step_decimals(step);
    if (d < 0) return n * step;
    double p = 1.0;
    for (int i = 0; i < d; i++) p *= 10.0;
    double units = nearbyint(step * p);
    double v = n * units;
    if (fabs(v) >= 9007199254740992.0) return n * step;
    return v / p;
}

double pr_instrument_round_price(const pr_instrument *in, double price) {
    if (!in || !(in->tick_size > 0) || !isfinite(price)) return price;
    return grid_value(round(price / in->tick_size), in->tick_size);
}

PR_HOT double pr_instrument_round_qty(const pr_instrument *in, double qty) {
    if (!in || !(in->lot_step > 0) || !isfinite(qty)) return qty;
    /* Down in magnitude, but a quotient a hair under an integer (0.3/0.1 =
     * 2.9999999999999996) is that integer. */
    double q = fabs(qty) / in->lot_step;
    double n = floor(q + 1e-9 * fmax(1.0, q));
    double v = grid_value(n, in->lot_step);
    return qty < 0 ? -v : v;
}

PR_HOT int pr_instrument_check_order(const pr_instrument *in, double price, double qty, pr_err *err) {
    if (!in) return pr_err_set(err, PR_EINVAL, "pr_instrument_check_order: NULL instrument");
    if (!isfinite(price) || price <= 0)
        return pr_err_set(err, PR_EINVAL, "%s: price %.10g must be a positive number", in->symbol, price);
    if (!isfinite(qty) || qty <= 0)
        return pr_err_set(err, PR_EINVAL, "%s: quantity %.10g must be a positive number", in->symbol, qty);
    double p = pr_instrument_round_price(in, price);
    double q = pr_instrument_round_qty(in, qty);
    if (q <= 0 || q < in->min_qty * (1 - 1e-9))
        return pr_err_set(err, PR_ERANGE,
                          "%s: quantity %.10g rounds to %.10g (lot step %.10g), below the minimum quantity %.10g",
                          in->symbol, qty, q, in->lot_step, in->min_qty);
    double notional = p * q * (in->contract_multiplier > 0 ? in->contract_multiplier : 1.0);
    if (notional < in->min_notional * (1 - 1e-9))
        return pr_err_set(err, PR_ERANGE,
                          "%s: order value %.10g (price %.10g x quantity %.10g) is below the minimum notional "
                          "%.10g %s",
                          in->symbol, notional, p, q, in->min_notional, in->quote);
    return PR_OK;
}
