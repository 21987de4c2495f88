/* Resampling bars to a higher timeframe.
 *
 * Buckets are aligned with pr_tf_floor (days at 00:00 UTC, weeks on Monday,
 * months on the 1st). open = first open, high = max, low = min, close = last
 * close, volume = sum; a bucket exists only when it has at least one source
 * bar (gaps are never filled). The last bucket is complete when as_of is at
 * or after its close, or when no bar the calendar expects is still to come in
 * it (for 24x7 data: the last source bar closes at the bucket's close);
 * otherwise out->last_incomplete = 1. Buckets with fewer source bars than the
 * calendar expects are listed in the report (and left out with
 * complete_only). */
#ifndef PRORATIO_DATA_RESAMPLE_H
#define PRORATIO_DATA_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/calendar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_resample_bucket {
    int64_t ts;        /* bucket open time                              */
    size_t have;       /* source bars in the bucket                     */
    size_t expected;   /* source bars the calendar expects in it        */
} pr_resample_bucket;

/* Zero-initialising is valid (list cap PR_RESAMPLE_DEFAULT_CAP). */
#define PR_RESAMPLE_DEFAULT_CAP 1000
typedef struct pr_resample_report {
    size_t source_bars;
    size_t buckets;            /* output bars                                */
    size_t short_buckets;      /* buckets with fewer bars than expected      */
    size_t dropped;            /* of those, left out (complete_only)         */
    size_t missing_bars;       /* expected source bars absent, all buckets   */
    int last_incomplete;       /* copy of out->last_incomplete               */
    pr_calendar calendar;      /* calendar used                              */
    pr_resample_bucket *list;  /* first list_cap short buckets (owned)       */
    size_t n_list, list_cap;
    size_t alloc_;             /* internal                                   */
} pr_resample_report;

void pr_resample_report_free(pr_resample_report *r);

typedef struct pr_resample_options {
    pr_timeframe to;
    int64_t as_of;          /* PR_TIME_NONE: unknown                        */
    pr_calendar calendar;   /* PR_CAL_AUTO: inferred from the weekday pattern */
    int complete_only;      /* 1: buckets with fewer source bars than the
                               calendar expects are left out of `out` (still
                               counted and listed as short, and in dropped);
                               what is stored is then never a partial bar */
} pr_resample_options;

/* in: bars strictly increasing in time with in->tf set (PR_TF_NONE: inferred
 * from the stamps). `to` must be a multiple of in->tf on the same grid
 * (1m -> 5m/1h/4h/1d, 1h -> 4h/1d/1w, 1d -> 1w/1M; 1w -> 1M is refused).
 * out (initialised or zeroed) is replaced; out->tf = to, symbol copied.
 * rep may be NULL. PR_EINVAL for unsorted input or an incompatible
 * timeframe. */
int pr_resample_ex(const pr_series *in, const pr_resample_options *o, pr_series *out,
                   pr_resample_report *rep, pr_err *err);
/* pr_resample_ex with the calendar inferred. */
int pr_resample(const pr_series *in, pr_timeframe to, int64_t as_of, pr_series *out,
                pr_resample_report *rep, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
