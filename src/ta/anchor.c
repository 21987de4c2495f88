/* Period anchors shared by session VWAP and pivot points: UTC day, week and
 * month boundaries and the US equity session (09:30 New York time, with the
 * US daylight-saving rules), all computed from UTC milliseconds. */
#include "extra_internal.h"

/* Day number (days since 1970-01-01) of the nth Sunday of month m of year y;
 * nth == -1 selects the last Sunday. */
static int64_t nth_sunday(int y, unsigned m, int nth) {
    if (nth > 0) {
        int64_t first = pr_days_from_civil(y, m, 1);
        int64_t wd = ((first + 3) % 7 + 7) % 7; /* 0 = Monday .. 6 = Sunday */
        int64_t to_sun = (6 - wd + 7) % 7;
        return first + to_sun + 7 * (int64_t)(nth - 1);
    }
    int64_t last = pr_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
    int64_t wd = ((last + 3) % 7 + 7) % 7;
    return last - (wd + 1) % 7;
}

int64_t pr_ta_us_eastern_offset_ms(int64_t ts) {
    int y;
    unsigned m, d;
    pr_civil_from_days(pr_ta_floordiv(ts, PR_MS_PER_DAY), &y, &m, &d);
    int64_t start_day, end_day;
    if (y >= 2007) {
        start_day = nth_sunday(y, 3, 2);
        end_day = nth_sunday(y, 11, 1);
    } else {
        start_day = nth_sunday(y, 4, 1);
        end_day = nth_sunday(y, 10, -1);
    }
    /* 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC. */
    int64_t start = start_day * PR_MS_PER_DAY + 7 * PR_MS_PER_HOUR;
    int64_t end = end_day * PR_MS_PER_DAY + 6 * PR_MS_PER_HOUR;
    return (ts >= start && ts < end) ? -4 * PR_MS_PER_HOUR : -5 * PR_MS_PER_HOUR;
}

int pr_ta_anchor_boundary(int anchor, int64_t ts, int64_t *out) {
    if (!out) return PR_EINVAL;
    int64_t day = pr_ta_floordiv(ts, PR_MS_PER_DAY);
    switch (anchor) {
    case PR_TA_ANCHOR_DAY:
        *out = day * PR_MS_PER_DAY;
        return PR_OK;
    case PR_TA_ANCHOR_WEEK: {
        int64_t wd = ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
        *out = (day - wd) * PR_MS_PER_DAY;
        return PR_OK;
    }
    case PR_TA_ANCHOR_MONTH: {
        int y;
        unsigned m, d;
        pr_civil_from_days(day, &y, &m, &d);
        *out = pr_days_from_civil(y, m, 1) * PR_MS_PER_DAY;
        return PR_OK;
    }
    case PR_TA_ANCHOR_US_SESSION: {
        const int64_t open = 9 * PR_MS_PER_HOUR + 30 * PR_MS_PER_MIN;
        /* New York calendar date of ts; DST changes at 02:00 local, so the
         * offset read at ts gives the right date. */
        int64_t local = ts + pr_ta_us_eastern_offset_ms(ts);
        int64_t open_local = pr_ta_floordiv(local, PR_MS_PER_DAY) * PR_MS_PER_DAY + open;
        /* The offset in force at that day's 09:30 (read as EST, far from 02:00). */
        *out = open_local - pr_ta_us_eastern_offset_ms(open_local + 5 * PR_MS_PER_HOUR);
        return PR_OK;
    }
    default:
        return PR_EINVAL;
    }
}

int pr_ta_anchor_new_period(int anchor, int64_t prev, int64_t ts, int *out) {
    int64_t b;
    if (!out) return PR_EINVAL;
    int rc = pr_ta_anchor_boundary(anchor, ts, &b);
    if (rc != PR_OK) return rc;
    /* Time going backwards (bad data) also starts afresh. */
    *out = prev == PR_TIME_NONE || ts < prev || (prev < b && b <= ts);
    return PR_OK;
}
