/* Internal to the ta module: TA-Lib's MA dispatcher as a streaming value
 * (one bar in, the MA's value out, NaN until its lookback), for MA, MACDEXT
 * and MAVP. Types are TA-Lib's TA_MAType: 0 SMA, 1 EMA, 2 WMA, 3 DEMA,
 * 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA (fastlimit 0.5, slowlimit 0.05; the period
 * is ignored), 8 T3 (vfactor 0.7); period 1 is the input itself, whatever
 * the type. SMA and EMA run in TA-Lib's own operation order here
 * (pr_ta_xsma, pr_ta_xema: the `sma`/`ema` rows reorder their sums for
 * speed), so every type gives TA-Lib's values bit for bit. */
#ifndef PR_TA_MA_INTERNAL_H
#define PR_TA_MA_INTERNAL_H
#include "overlap_internal.h"

#define PR_TA_MATYPE_MAX 8

typedef struct pr_ta_ma_any {
    int type, period;
    union {
        pr_ta_xsma sma;
        pr_ta_xema ema;
        pr_ta_wma_state wma;
        pr_ta_dema_state dema;
        pr_ta_tema_state tema;
        pr_ta_trima_state trima;
        pr_ta_kama_state kama;
        pr_ta_mama_state mama;
        pr_ta_t3_state t3;
    } u;
} pr_ta_ma_any;

/* 1 when (type, period) is a valid MA (period 1..100000, type 0..8). */
int pr_ta_ma_any_ok(int type, int period);
int pr_ta_ma_any_lookback(int type, int period, int *out);
/* bar0: the absolute index of the first bar that will be fed (MAMA's
 * Hilbert transform keys its state on the bar parity). */
int pr_ta_ma_any_init(pr_ta_ma_any *m, int type, int period, size_t bar0);
double pr_ta_ma_any_push(pr_ta_ma_any *m, double x);
void pr_ta_ma_any_free(pr_ta_ma_any *m);
/* The batch of one MA over in[0..n) whose first bar is absolute bar bar0;
 * the same values as pushing each bar. */
int pr_ta_ma_any_batch(size_t n, const double *in, int type, int period, size_t bar0, double *out);

/* mama.c: a MAMA state whose first bar is absolute bar bar0. */
int pr_ta_mama_init_at(pr_ta_mama_state *s, double fast, double slow, size_t bar0);
#endif
