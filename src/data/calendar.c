/* Trading calendars (24x7, forex, NYSE) and calendar-aware gap detection.
 * Each UTC day is described by the part of it during which bars are
 * required: forex closures and the NYSE session never split a UTC day into
 * more than one open interval, which keeps every check to one day lookup. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data_internal.h"
#include "proratio/data/calendar.h"

#define HOUR PR_MS_PER_HOUR
#define DAY PR_MS_PER_DAY

const char *pr_calendar_name(pr_calendar c) {
    switch (c) {
    case PR_CAL_AUTO: return "auto";
    case PR_CAL_24X7: return "24x7";
    case PR_CAL_FOREX: return "forex";
    case PR_CAL_US_STOCK: return "us-stock";
    default: return "?";
    }
}

int pr_calendar_parse(const char *s, pr_calendar *out) {
    static const struct { const char *n; pr_calendar c; } names[] = {
        {"auto", PR_CAL_AUTO},   {"24x7", PR_CAL_24X7},      {"crypto", PR_CAL_24X7},
        {"forex", PR_CAL_FOREX}, {"fx", PR_CAL_FOREX},        {"us-stock", PR_CAL_US_STOCK},
        {"stock", PR_CAL_US_STOCK}, {"stocks", PR_CAL_US_STOCK}, {"nyse", PR_CAL_US_STOCK},
    };
    if (!s || !out) return PR_EINVAL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].n) == 0) {
            *out = names[i].c;
            return PR_OK;
        }
    return PR_EINVAL;
}

pr_calendar pr_calendar_for_asset(pr_asset_class c) {
    switch (c) {
    case PR_ASSET_CRYPTO: return PR_CAL_24X7;
    case PR_ASSET_FUTURE: return PR_CAL_24X7;
    case PR_ASSET_FOREX: return PR_CAL_FOREX;
    case PR_ASSET_STOCK: return PR_CAL_US_STOCK;
    default: return PR_CAL_AUTO;
    }
}

void pr_calendar_weekend_counts(const int64_t *ts, size_t n, size_t *sat, size_t *sun) {
    size_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        int wd = dint_weekday(dint_floordiv(ts[i], DAY));
        a += wd == 5;
        b += wd == 6;
    }
    *sat = a;
    *sun = b;
}

pr_calendar pr_calendar_infer_counts(size_t n, int64_t lo, int64_t hi, size_t sat, size_t sun,
                                     pr_timeframe tf) {
    if (n < 2 || tf >= PR_TF_1W) return PR_CAL_24X7;
    if (hi - lo < 8 * DAY) return PR_CAL_24X7;
    /* Crypto has a seventh of its bars on Saturdays; a stray bar or two in a
     * forex or stock file must not turn it into 24x7. */
    if (sat * 50 > n) return PR_CAL_24X7;
    if (sun * 500 > n) return PR_CAL_FOREX;
    return PR_CAL_US_STOCK;
}

pr_calendar pr_calendar_infer(const int64_t *ts, size_t n, pr_timeframe tf) {
    if (!ts || n < 2 || tf >= PR_TF_1W) return PR_CAL_24X7;
    int64_t lo = ts[0], hi = ts[0];
    for (size_t i = 0; i < n; i++) {
        if (ts[i] < lo) lo = ts[i];
        if (ts[i] > hi) hi = ts[i];
    }
    size_t sat = 0, sun = 0;
    pr_calendar_weekend_counts(ts, n, &sat, &sun);
    return pr_calendar_infer_counts(n, lo, hi, sat, sun, tf);
}

/* ---- NYSE ------------------------------------------------------------------ */
void pr_easter_sunday(int year, int *month, int *day) {
    int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    *month = (h + l - 7 * m + 114) / 31;
    *day = ((h + l - 7 * m + 114) % 31) + 1;
}

/* Day of month of the n-th weekday wd (0 = Monday) of y-m; n = -1: the last. */
static int nth_weekday(int y, unsigned m, int wd, int n) {
    if (n > 0) {
        int first = dint_weekday(dint_days_from_civil(y, m, 1));
        return 1 + (wd - first + 7) % 7 + 7 * (n - 1);
    }
    int dim = dint_days_in_month(y, m);
    int last = dint_weekday(dint_days_from_civil(y, m, (unsigned)dim));
    return dim - (last - wd + 7) % 7;
}

static int64_t sunday_of(int y, unsigned m, int n) { /* day number */
    return dint_days_from_civil(y, m, (unsigned)nth_weekday(y, m, 6, n));
}

int pr_us_eastern_offset_min(int64_t utc_ms) {
    int y;
    unsigned m, d;
    dint_civil_from_days(dint_floordiv(utc_ms, DAY), &y, &m, &d);
    int64_t start, end;
    if (y >= 2007) {
        start = sunday_of(y, 3, 2);
        end = sunday_of(y, 11, 1);
    } else if (y >= 1987) {
        start = sunday_of(y, 4, 1);
        end = sunday_of(y, 10, -1);
    } else {
        start = sunday_of(y, 4, -1);
        end = sunday_of(y, 10, -1);
    }
    /* 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC. */
    int64_t s_ms = start * DAY + 7 * HOUR, e_ms = end * DAY + 6 * HOUR;
    return (utc_ms >= s_ms && utc_ms < e_ms) ? -240 : -300;
}

typedef struct { int y, m, d; const char *name; } special_day;
static const special_day nyse_special[] = {
    {1994, 4, 27, "Nixon national day of mourning"},
    {2001, 9, 11, "September 11"}, {2001, 9, 12, "September 11"},
    {2001, 9, 13, "September 11"}, {2001, 9, 14, "September 11"},
    {2004, 6, 11, "Reagan national day of mourning"},
    {2007, 1, 2, "Ford national day of mourning"},
    {2012, 10, 29, "Hurricane Sandy"}, {2012, 10, 30, "Hurricane Sandy"},
    {2018, 12, 5, "G. H. W. Bush national day of mourning"},
    {2025, 1, 9, "Carter national day of mourning"},
};

const char *pr_nyse_holiday(int y, int m, int d) {
    if (m < 1 || m > 12 || d < 1 || d > dint_days_in_month(y, (unsigned)m)) return NULL;
    int wd = dint_weekday(dint_days_from_civil(y, (unsigned)m, (unsigned)d));
    if (wd >= 5) return NULL;
    for (size_t i = 0; i < sizeof nyse_special / sizeof nyse_special[0]; i++)
        if (nyse_special[i].y == y && nyse_special[i].m == m && nyse_special[i].d == d)
            return nyse_special[i].name;
    switch (m) {
    case 1:
        if (d == 1) return "New Year's Day";
        if (d == 2 && wd == 0) return "New Year's Day (observed)";
        if (y >= 1998 && d == nth_weekday(y, 1, 0, 3)) return "Martin Luther King Jr. Day";
        break;
    case 2:
        if (d == nth_weekday(y, 2, 0, 3)) return "Washington's Birthday";
        break;
    case 5:
        if (d == nth_weekday(y, 5, 0, -1)) return "Memorial Day";
        break;
    case 6:
        if (y >= 2022 && (d == 19 || (d == 18 && wd == 4) || (d == 20 && wd == 0)))
            return "Juneteenth";
        break;
    case 7:
        if (d == 4 || (d == 3 && wd == 4) || (d == 5 && wd == 0)) return "Independence Day";
        break;
    case 9:
        if (d == nth_weekday(y, 9, 0, 1)) return "Labor Day";
        break;
    case 11:
        if (d == nth_weekday(y, 11, 3, 4)) return "Thanksgiving Day";
        break;
    case 12:
        if (d == 25 || (d == 24 && wd == 4) || (d == 26 && wd == 0)) return "Christmas Day";
        break;
    default: break;
    }
    if (m == 3 || m == 4) {
        int em, ed;
        pr_easter_sunday(y, &em, &ed);
        int64_t gf = dint_days_from_civil(y, (unsigned)em, (unsigned)ed) - 2;
        if (gf == dint_days_from_civil(y, (unsigned)m, (unsigned)d)) return "Good Friday";
    }
    return NULL;
}

int pr_nyse_is_trading_day(int y, int m, int d) {
    if (m < 1 || m > 12 || d < 1 || d > dint_days_in_month(y, (unsigned)m)) return 0;
    int wd = dint_weekday(dint_days_from_civil(y, (unsigned)m, (unsigned)d));
    return wd < 5 && pr_nyse_holiday(y, m, d) == NULL;
}

int pr_nyse_is_early_close(int y, int m, int d) {
    if (!pr_nyse_is_trading_day(y, m, d)) return 0;
    if ((m == 7 && d == 3) || (m == 12 && d == 24)) return 1;
    return m == 11 && d == nth_weekday(y, 11, 3, 4) + 1;
}

/* ---- day descriptions ------------------------------------------------------- */
void dint_day_fill(pr_calendar cal, int64_t day, dint_day *o) {
    o->day = day;
    o->open0 = 0;
    o->open1 = DAY;
    o->wk_p = 0;
    o->wk_s = DAY;
    o->why = PR_OPEN;
    o->trading = 1;
    if (cal == PR_CAL_FOREX) {
        int y;
        unsigned m, d;
        dint_civil_from_days(day, &y, &m, &d);
        int wd = dint_weekday(day);
        if (wd == 4) o->wk_s = 20 * HOUR;
        if (wd == 5) o->wk_p = DAY;
        if (wd == 6) o->wk_p = 23 * HOUR;
        int64_t hp = 0, hs = DAY;
        if (m == 12 && (d == 24 || d == 31)) hs = 17 * HOUR;
        if ((m == 12 && d == 25) || (m == 1 && d == 1)) hp = DAY;
        if ((m == 12 && d == 26) || (m == 1 && d == 2)) hp = 7 * HOUR;
        o->open0 = o->wk_p > hp ? o->wk_p : hp;
        o->open1 = o->wk_s < hs ? o->wk_s : hs;
        if (o->open0 >= o->open1) {
            o->open0 = o->open1 = 0;
            o->why = (o->wk_p == DAY) ? PR_CLOSED_WEEKEND : PR_CLOSED_HOLIDAY;
        }
        o->trading = o->open0 < o->open1;
    } else if (cal == PR_CAL_US_STOCK) {
        int y;
        unsigned m, d;
        dint_civil_from_days(day, &y, &m, &d);
        int wd = dint_weekday(day);
        o->wk_p = wd >= 5 ? DAY : 0;
        if (wd >= 5 || pr_nyse_holiday(y, (int)m, (int)d)) {
            o->open0 = o->open1 = 0;
            o->trading = 0;
            o->why = wd >= 5 ? PR_CLOSED_WEEKEND : PR_CLOSED_HOLIDAY;
            return;
        }
        /* The session lies within the UTC day: 13:30-21:00 UTC at most. */
        int64_t off = (int64_t)pr_us_eastern_offset_min(day * DAY + 17 * HOUR) * PR_MS_PER_MIN;
        o->open0 = 9 * HOUR + 30 * PR_MS_PER_MIN - off;
        o->open1 = (pr_nyse_is_early_close(y, (int)m, (int)d) ? 13 : 16) * HOUR - off;
    }
}

static const dint_day *day_get(pr_calendar cal, int64_t day, dint_day *cache) {
    if (cache->day != day) dint_day_fill(cal, day, cache);
    return cache;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

static int64_t open_ms_cached(pr_calendar cal, int64_t t0, int64_t t1, dint_day *cache) {
    if (t1 <= t0) return 0;
    if (cal == PR_CAL_24X7 || cal == PR_CAL_AUTO) return t1 - t0;
    int64_t sum = 0;
    for (int64_t day = dint_floordiv(t0, DAY); day * DAY < t1; day++) {
        const dint_day *dd = day_get(cal, day, cache);
        sum += overlap(t0, t1, day * DAY + dd->open0, day * DAY + dd->open1);
    }
    return sum;
}

int64_t pr_calendar_open_ms(pr_calendar cal, int64_t t0, int64_t t1) {
    dint_day cache = {.day = INT64_MIN};
    return open_ms_cached(cal, t0, t1, &cache);
}

static int64_t bar_next(pr_timeframe tf, int64_t tf_ms, int64_t open) {
    return tf_ms ? open + tf_ms : pr_tf_next(tf, open);
}

int dint_bar_expected(pr_calendar cal, pr_timeframe tf, int64_t tf_ms, int64_t open, dint_day *cache,
                      pr_closure *why) {
    if (why) *why = PR_OPEN;
    if (cal == PR_CAL_24X7 || cal == PR_CAL_AUTO) return 1;
    int64_t end = bar_next(tf, tf_ms, open);
    int64_t day0 = dint_floordiv(open, DAY);
    if (tf_ms && tf_ms < DAY) {
        const dint_day *dd = day_get(cal, day0, cache);
        int64_t b0 = open - day0 * DAY, b1 = end - day0 * DAY;
        if (2 * overlap(b0, b1, dd->open0, dd->open1) >= tf_ms) return 1;
        if (why) {
            if (dd->open0 >= dd->open1)
                *why = dd->why;
            else if (cal == PR_CAL_FOREX)
                *why = (b0 < dd->wk_p || b1 > dd->wk_s) ? PR_CLOSED_WEEKEND : PR_CLOSED_HOLIDAY;
            else
                *why = PR_CLOSED_SESSION;
        }
        return 0;
    }
    if (cal == PR_CAL_US_STOCK) {
        for (int64_t day = day0; day * DAY < end; day++)
            if (day_get(cal, day, cache)->trading) return 1;
    } else if (2 * open_ms_cached(cal, open, end, cache) >= end - open) {
        return 1;
    }
    if (why) {
        const dint_day *dd = day_get(cal, day0, cache);
        if (dd->why != PR_OPEN)
            *why = dd->why;
        else if (cal == PR_CAL_FOREX)
            *why = (dd->wk_p > 0 || dd->wk_s < DAY) ? PR_CLOSED_WEEKEND : PR_CLOSED_HOLIDAY;
        else
            *why = PR_CLOSED_WEEKEND;
    }
    return 0;
}

int pr_calendar_bar_expected(pr_calendar cal, pr_timeframe tf, int64_t open, pr_closure *why) {
    dint_day cache = {.day = INT64_MIN};
    if (tf <= PR_TF_NONE || tf >= PR_TF_COUNT) {
        if (why) *why = PR_OPEN;
        return 1;
    }
    return dint_bar_expected(cal, tf, dint_tf_fixed_ms(tf), open, &cache, why);
}

/* ---- gaps ------------------------------------------------------------------- */
const char *pr_gap_kind_name(pr_gap_kind k) {
    switch (k) {
    case PR_GAP_MISSING: return "missing";
    case PR_GAP_WEEKEND: return "weekend";
    case PR_GAP_HOLIDAY: return "holiday";
    case PR_GAP_SESSION: return "session";
    default: return "?";
    }
}

/* What the intraday bars of one whole day add to a gap. A bar's fate
 * depends only on its offset in the day and the day's record (open window,
 * weekend bounds, closure reason), so days with equal records share it. */
typedef struct day_sum {
    dint_day rec;                  /* .day unused                              */
    size_t bars, missing, holiday, session, weekend;
    int64_t first_off, last_off;   /* offsets of the first and last missing bar */
} day_sum;

typedef struct day_memo {
    day_sum sum[16];
    size_t n, next;
} day_memo;

static int same_day_rec(const dint_day *a, const dint_day *b) {
    return a->open0 == b->open0 && a->open1 == b->open1 && a->wk_p == b->wk_p && a->wk_s == b->wk_s &&
           a->why == b->why && a->trading == b->trading;
}

static const day_sum *day_summary(pr_calendar cal, pr_timeframe tf, int64_t tf_ms, int64_t day, dint_day *cache,
                                  day_memo *m) {
    const dint_day *dd = day_get(cal, day, cache);
    for (size_t i = 0; i < m->n; i++)
        if (same_day_rec(&m->sum[i].rec, dd)) return &m->sum[i];
    day_sum *d = &m->sum[m->next];
    m->next = (m->next + 1) % (sizeof m->sum / sizeof m->sum[0]);
    if (m->n < sizeof m->sum / sizeof m->sum[0]) m->n++;
    memset(d, 0, sizeof *d);
    d->rec = *dd;
    for (int64_t off = 0; off < DAY; off += tf_ms) {
        pr_closure why;
        d->bars++;
        if (dint_bar_expected(cal, tf, tf_ms, day * DAY + off, cache, &why)) {
            if (!d->missing++) d->first_off = off;
            d->last_off = off;
        } else if (why == PR_CLOSED_HOLIDAY)
            d->holiday++;
        else if (why == PR_CLOSED_SESSION)
            d->session++;
        else
            d->weekend++;
    }
    return d;
}

size_t dint_scan_gap(pr_calendar cal, pr_timeframe tf, int64_t fa, int64_t fb, pr_gap *g) {
    int64_t tf_ms = dint_tf_fixed_ms(tf);
    int64_t first = bar_next(tf, tf_ms, fa);
    g->from = first;
    g->to = first;
    g->missing = g->closed_weekend = g->closed_holiday = g->closed_session = 0;
    g->missing_from = g->missing_to = PR_TIME_NONE;
    g->kind = PR_GAP_MISSING;
    if (first >= fb) return 0;
    size_t absent = 0;
    if ((cal == PR_CAL_24X7 || cal == PR_CAL_AUTO) && tf_ms) {
        absent = (size_t)((fb - first) / tf_ms);
        g->missing = absent;
        g->to = first + (int64_t)(absent - 1) * tf_ms;
        g->missing_from = g->from;
        g->missing_to = g->to;
        return absent;
    }
    dint_day cache = {.day = INT64_MIN};
    day_memo memo = {0};
    /* Intraday bars tile each day: whole days are counted from a summary of
     * days alike, so a gap of centuries in 1m bars (a typo'd year) costs
     * one calendar lookup per day, not per bar. */
    int by_day = tf_ms && tf_ms < DAY && DAY % tf_ms == 0;
    for (int64_t t = first; t < fb; t = bar_next(tf, tf_ms, t)) {
        if (by_day && dint_floordiv(t, DAY) * DAY == t && fb - t >= DAY) {
            const day_sum *d = day_summary(cal, tf, tf_ms, t / DAY, &cache, &memo);
            absent += d->bars;
            if (d->missing) {
                if (!g->missing) g->missing_from = t + d->first_off;
                g->missing_to = t + d->last_off;
                g->missing += d->missing;
            }
            g->closed_holiday += d->holiday;
            g->closed_session += d->session;
            g->closed_weekend += d->weekend;
            g->to = t + DAY - tf_ms;
            t += DAY - tf_ms; /* the loop adds the last tf_ms */
            continue;
        }
        pr_closure why;
        absent++;
        g->to = t;
        if (dint_bar_expected(cal, tf, tf_ms, t, &cache, &why)) {
            if (!g->missing++) g->missing_from = t;
            g->missing_to = t;
        }
        else if (why == PR_CLOSED_HOLIDAY)
            g->closed_holiday++;
        else if (why == PR_CLOSED_SESSION)
            g->closed_session++;
        else
            g->closed_weekend++;
    }
    if (g->missing)
        g->kind = PR_GAP_MISSING;
    else if (g->closed_holiday)
        g->kind = PR_GAP_HOLIDAY;
    else if (g->closed_weekend)
        g->kind = PR_GAP_WEEKEND;
    else
        g->kind = PR_GAP_SESSION;
    return absent;
}

int pr_find_gaps(const int64_t *ts, size_t n, pr_timeframe tf, pr_calendar cal, unsigned flags,
                 pr_gap *out, size_t cap, size_t *n_gaps, size_t *missing_bars) {
    if (n_gaps) *n_gaps = 0;
    if (missing_bars) *missing_bars = 0;
    if ((n && !ts) || (cap && !out) || tf <= PR_TF_NONE || tf >= PR_TF_COUNT || cal < PR_CAL_AUTO ||
        cal >= PR_CAL_COUNT)
        return PR_EINVAL;
    for (size_t i = 1; i < n; i++)
        if (ts[i] < ts[i - 1]) return PR_EINVAL;
    if (cal == PR_CAL_AUTO) cal = pr_calendar_infer(ts, n, tf);
    size_t found = 0, missing = 0;
    for (size_t i = 1; i < n; i++) {
        if (ts[i] == ts[i - 1]) continue;
        int64_t fa = pr_tf_floor(tf, ts[i - 1]), fb = pr_tf_floor(tf, ts[i]);
        if (fb <= fa) continue;
        pr_gap g;
        if (!dint_scan_gap(cal, tf, fa, fb, &g)) continue;
        g.index = i;
        if (g.missing == 0 && !(flags & PR_GAPS_ALL)) continue;
        missing += g.missing;
        if (found < cap) out[found] = g;
        found++;
    }
    if (n_gaps) *n_gaps = found;
    if (missing_bars) *missing_bars = missing;
    return PR_OK;
}
