/* Part of ta.h: TA-Lib compatibility over the indicator table — TA-Lib's
 * names and its unstable-period setting as a per-call parameter.
 *
 * Names: every row marked TA-Lib (pr_ta_def.talib) is named after its
 * TA-Lib function, lower-cased ("ht_sine", "cdlmorningdojistar"), and
 * pr_ta_find is case-insensitive, so TA-Lib's own spelling ("HT_SINE")
 * finds it too.
 *
 * Unstable period: TA-Lib's TA_SetUnstablePeriod(func, N) for the functions
 * that have one in 0.6.4 (ADX, ADXR, ATR, CMO, DX, EMA, the HT_* family,
 * IMI, KAMA, MAMA, MFI, MINUS_DI, MINUS_DM, NATR, PLUS_DI, PLUS_DM, RSI,
 * STOCHRSI, T3), with TA-Lib's meaning, as an argument of the call instead of
 * a global: N bars are added to the lookback, computed and dropped. A call
 * over a whole series (start 0) therefore gives the N = 0 values with the
 * first output N bars later. A call asked to start at bar `start` beyond the
 * lookback computes from bar start − lookback − N (never before 0), as TA-Lib
 * does for startIdx, so its seed and first values differ from the
 * whole-series ones and converge to them (bit for bit after a few hundred
 * bars for EMA(30), RSI(14), ATR(14)). */
#ifndef PRORATIO_TA_TALIB_H
#define PRORATIO_TA_TALIB_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pr_ta_def;
struct pr_ta_input;
struct pr_ta_bar;

#define PR_TA_UNSTABLE_MAX 100000

/* TA-Lib's function name of a TA-Lib row ("HT_SINE"); PR_ENOTFOUND for a
 * row TA-Lib lacks, PR_EINVAL when buf is too small. */
int pr_ta_talib_name(const struct pr_ta_def *d, char *buf, size_t cap);
/* 1 when the row has TA-Lib's unstable period, else 0. */
int pr_ta_has_unstable(const struct pr_ta_def *d);
/* The lookback with an unstable period of `unstable` bars (0..
 * PR_TA_UNSTABLE_MAX; non-zero only where pr_ta_has_unstable). params are
 * complete (pr_ta_check_params). */
int pr_ta_lookback_unstable(const struct pr_ta_def *d, const double *params, int unstable, int *out);
/* TA-Lib's call with startIdx = start and the unstable period: out[k] (in->n
 * cells each) gets the values from bar max(start, lookback + unstable) on,
 * computed from bar start - lookback - unstable (or 0), and NaN before. */
int pr_ta_run_from(const struct pr_ta_def *d, const struct pr_ta_input *in, const double *params, int unstable,
                   size_t start, double *const *out);

/* Streaming with an unstable period (start 0): the row's stream with its
 * first lookback + unstable outputs written as NaN. */
typedef struct pr_ta_unstable_stream {
    const struct pr_ta_def *def;
    void *state;
    size_t count, first;
} pr_ta_unstable_stream;
int pr_ta_unstable_stream_new(const struct pr_ta_def *d, const double *params, int unstable,
                              pr_ta_unstable_stream *s);
int pr_ta_unstable_stream_update(pr_ta_unstable_stream *s, const struct pr_ta_bar *bar, double *out);
void pr_ta_unstable_stream_free(pr_ta_unstable_stream *s);

#ifdef __cplusplus
}
#endif
#endif
