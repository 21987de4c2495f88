/* Trading calendars of the data module: when a market is expected to produce
 * bars, so that gap detection and resampling can tell a missing bar from a
 * closed market.
 *
 *   24x7      crypto: every bar is expected.
 *   forex     closed from Friday 20:00 to Sunday 23:00 UTC every week (this
 *             covers both the summer and the winter close/open, 21:00/22:00
 *             UTC, with an hour to spare), and around Dec 25 and Jan 1 from
 *             17:00 UTC the day before to 07:00 UTC the day after. A bar is
 *             expected when at least half of it lies outside those windows.
 *   us-stock  NYSE: weekends and exchange holidays (rules from 1990 on, see
 *             pr_nyse_holiday) are closed; intraday bars are expected only
 *             inside the 09:30-16:00 America/New_York session (US daylight
 *             saving time is handled), ending 13:00 on the usual early-close
 *             days (Jul 3, the day after Thanksgiving, Dec 24); a bar is
 *             expected when at least half of it lies inside the session.
 *             Daily and longer bars are expected when they contain at least
 *             one trading day.
 * Extra bars where the calendar expects none (forex Sunday bars, pre-market
 * stock bars) are never defects. */
#ifndef PRORATIO_DATA_CALENDAR_H
#define PRORATIO_DATA_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_calendar {
    PR_CAL_AUTO = 0,  /* choose from the asset class or the data        */
    PR_CAL_24X7,      /* crypto                                          */
    PR_CAL_FOREX,
    PR_CAL_US_STOCK,
    PR_CAL_COUNT
} pr_calendar;

/* "auto", "24x7", "forex", "us-stock". */
const char *pr_calendar_name(pr_calendar c);
/* Accepts the names above plus "crypto" (24x7), "stock"/"stocks"/"nyse". */
int pr_calendar_parse(const char *s, pr_calendar *out);
/* crypto and futures -> 24x7, forex -> forex, stock -> us-stock, unknown -> auto. */
pr_calendar pr_calendar_for_asset(pr_asset_class c);
/* Guesses the calendar from the weekday pattern of bar open times (any order):
 * bars on Saturdays -> 24x7; none on Saturdays but some on Sundays -> forex;
 * neither -> us-stock. Fewer than 8 days of data, or bars of a week or longer,
 * cannot tell and give 24x7. */
pr_calendar pr_calendar_infer(const int64_t *ts, size_t n, pr_timeframe tf);
/* The same guess from a summary of the data: n bars opening between lo and
 * hi (inclusive), sat of them on Saturdays and sun on Sundays (UTC), as
 * pr_calendar_weekend_counts gives; lets a store keep the guess up to date
 * without rereading every bar. */
pr_calendar pr_calendar_infer_counts(size_t n, int64_t lo, int64_t hi, size_t sat, size_t sun,
                                     pr_timeframe tf);
/* Bars of ts[0..n) (any order) opening on a Saturday / Sunday (UTC). */
void pr_calendar_weekend_counts(const int64_t *ts, size_t n, size_t *sat, size_t *sun);

/* Why a bar is not expected. */
typedef enum pr_closure {
    PR_OPEN = 0,
    PR_CLOSED_WEEKEND,
    PR_CLOSED_HOLIDAY,
    PR_CLOSED_SESSION   /* a trading day, but outside the session hours */
} pr_closure;

/* 1 when the bar opening at `open` (on tf's grid) is expected to exist, 0
 * when the market is closed for it (why, if not NULL, says why). */
int pr_calendar_bar_expected(pr_calendar cal, pr_timeframe tf, int64_t open, pr_closure *why);
/* Milliseconds of [t0, t1) during which the market is open. */
int64_t pr_calendar_open_ms(pr_calendar cal, int64_t t0, int64_t t1);

/* --- US equities ---------------------------------------------------------- */
/* Gregorian Easter Sunday (anonymous Gregorian computus). */
void pr_easter_sunday(int year, int *month, int *day);
/* America/New_York UTC offset at an instant: -240 (EDT) or -300 (EST).
 * DST rules: 2007+ second Sunday of March to first Sunday of November;
 * 1987-2006 first Sunday of April to last Sunday of October; earlier, last
 * Sunday of April to last Sunday of October; changes at 02:00 local time. */
int pr_us_eastern_offset_min(int64_t utc_ms);
/* Name of the NYSE full-day closure on that date, or NULL when the exchange
 * is not closed for a holiday (weekends return NULL too). Rules: New Year's
 * Day (Sunday -> Monday; a Saturday Jan 1 is not observed), Martin Luther King
 * Jr. Day (third Monday of January, from 1998), Washington's Birthday (third
 * Monday of February), Good Friday, Memorial Day (last Monday of May),
 * Juneteenth (from 2022), Independence Day, Labor Day (first Monday of
 * September), Thanksgiving (fourth Thursday of November), Christmas
 * (Saturday -> Friday, Sunday -> Monday), and the special closures
 * 1994-04-27, 2001-09-11..14, 2004-06-11, 2007-01-02, 2012-10-29..30,
 * 2018-12-05 and 2025-01-09. */
const char *pr_nyse_holiday(int year, int month, int day);
/* 1 on a weekday that is not a NYSE holiday. */
int pr_nyse_is_trading_day(int year, int month, int day);
/* 1 on a trading day that may close at 13:00 ET: Jul 3, the day after
 * Thanksgiving, Dec 24 (bars after 13:00 are then optional, not required). */
int pr_nyse_is_early_close(int year, int month, int day);

/* --- gaps ----------------------------------------------------------------- */
typedef enum pr_gap_kind {
    PR_GAP_MISSING = 0, /* at least one expected bar is missing: a defect    */
    PR_GAP_WEEKEND,     /* only closed bars: weekend                          */
    PR_GAP_HOLIDAY,     /* only closed bars, at least one of them a holiday   */
    PR_GAP_SESSION      /* only closed bars outside the session (overnight)   */
} pr_gap_kind;

const char *pr_gap_kind_name(pr_gap_kind k);

typedef struct pr_gap {
    int64_t from;        /* open time of the first absent bar              */
    int64_t to;          /* open time of the last absent bar               */
    size_t missing;      /* absent bars the calendar expected              */
    int64_t missing_from, missing_to; /* first/last of those (PR_TIME_NONE if none) */
    size_t closed_weekend, closed_holiday, closed_session; /* absent, not expected */
    pr_gap_kind kind;
    size_t index;        /* index in ts of the bar after the gap            */
} pr_gap;

/* Flags for pr_find_gaps. */
#define PR_GAPS_ALL 1u  /* also list absences the calendar expects (closures) */

/* Lists the runs of absent bars between consecutive timestamps. ts must be
 * non-decreasing (equal values are allowed and ignored); off-grid stamps are
 * floored onto tf's grid. By default only gaps with missing expected bars are
 * listed; PR_GAPS_ALL adds closures. At most `cap` gaps are written to `out`
 * (out may be NULL when cap is 0); *n_gaps receives the number found (which
 * may exceed cap) and *missing_bars the total of expected bars that are
 * missing; either may be NULL. PR_EINVAL for tf PR_TF_NONE, an unknown
 * calendar or unsorted input. PR_CAL_AUTO infers the calendar from ts. */
int pr_find_gaps(const int64_t *ts, size_t n, pr_timeframe tf, pr_calendar cal, unsigned flags,
                 pr_gap *out, size_t cap, size_t *n_gaps, size_t *missing_bars);

#ifdef __cplusplus
}
#endif
#endif
