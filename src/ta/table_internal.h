/* Internal to the ta module: the adapters that turn a typed indicator into
 * a pr_ta_def entry's generic lookback / run / stream functions, one set per
 * shape, used by table_list.c (one entry per row of proratio/ta/list.h). */
#ifndef PR_TA_TABLE_INTERNAL_H
#define PR_TA_TABLE_INTERNAL_H
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include "ta_internal.h"

/* Converts a checked parameter to int; anything not a whole number in int
 * range becomes INT_MIN, which every typed function rejects (PR_EINVAL). */
static inline int ip(double v) {
    if (!(v >= (double)INT_MIN && v <= (double)INT_MAX) || v != floor(v)) return INT_MIN;
    return (int)v;
}

/* The generic real input: real0 when a tool supplied it, else the close. */
static inline const double *real0(const pr_ta_input *in) { return in->real0 ? in->real0 : in->close; }

/* Allocates a typed streaming state and runs its init expression. */
#define NEW_STATE(type, init_call)   \
    type *s = calloc(1, sizeof *s);  \
    if (!s) return PR_ENOMEM;        \
    int rc = (init_call);            \
    if (rc != PR_OK) {               \
        free(s);                     \
        return rc;                   \
    }                                \
    *state = s;                      \
    return PR_OK;

/* The generic stream_free of indicator `name`. */
#define FREE_STATE(name)                \
    static void free_##name(void *st) { \
        if (!st) return;                \
        pr_ta_##name##_free(st);        \
        free(st);                       \
    }

/* The table adapters of each shape of proratio/ta/shapes.h: lb_/run_/new_/
 * upd_/free_<name> turn the typed functions into a pr_ta_def's generic
 * lookback / run / stream functions, and PR_TA_IN_<shape> is the entry's
 * input count and names. Single-series shapes read "real0" (tools fill it
 * with close by default; the batch adapter falls back to close when real0
 * is NULL); RR reads real0/real1, falling back to high/low in batch. */
static inline const double *real1x(const pr_ta_input *in) { return in->real0 ? in->real0 : in->high; }
static inline const double *real1y(const pr_ta_input *in) { return in->real1 ? in->real1 : in->low; }

/* The stream adapters every shape shares: new_ runs _init on a new state
 * with the variadic arguments (each written with a leading comma), free_
 * releases the state. */
#define PR_TA_ADAPT_STREAM_(name, ...)                                                      \
    static int new_##name(const double *p, void **state) {                                   \
        (void)p;                                                                             \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s __VA_ARGS__))                  \
    }                                                                                        \
    FREE_STATE(name)

#define PR_TA_IN_R_P 1, {"real0"}
#define PR_TA_ADAPT_R_P(name)                                                                \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), out[0]);                            \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_R_PR PR_TA_IN_R_P
#define PR_TA_ADAPT_R_PR(name)                                                               \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), p[1], out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), p[1], out[0]);                      \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), p[1])

#define PR_TA_IN_PO PR_TA_IN_R_P
#define PR_TA_ADAPT_PO(name)                                                                 \
    static int lb_##name(const double *p, int *out) {                                        \
        return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out);                   \
    }                                                                                        \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), ip(p[1]), ip(p[2]), out[0]);        \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_RR_P 2, {"real0", "real1"}
#define PR_TA_ADAPT_RR_P(name)                                                               \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real1x(in), real1y(in), ip(p[0]), out[0]);               \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, b->real1, out);                           \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_R_PPP_3 PR_TA_IN_R_P
#define PR_TA_ADAPT_R_PPP_3(name)                                                            \
    static int lb_##name(const double *p, int *out) {                                        \
        return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out);                   \
    }                                                                                        \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), ip(p[1]), ip(p[2]), out[0], out[1], out[2]); \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, &out[0], &out[1], &out[2]);               \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_R_PRR_3 PR_TA_IN_R_P
#define PR_TA_ADAPT_R_PRR_3(name)                                                            \
    static int lb_##name(const double *p, int *out) {                                        \
        return pr_ta_##name##_lookback(ip(p[0]), p[1], p[2], out);                           \
    }                                                                                        \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), p[1], p[2], out[0], out[1], out[2]); \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, &out[0], &out[1], &out[2]);               \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), p[1], p[2])

#define PR_TA_IN_HL_P 2, {"high", "low"}
#define PR_TA_ADAPT_HL_P(name)                                                               \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, in->high, in->low, ip(p[0]), out[0]);                    \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->high, b->low, out);                              \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_R_0 PR_TA_IN_R_P
#define PR_TA_ADAPT_R_0(name)                                                                \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_##name##_lookback(out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        (void)p;                                                                             \
        return pr_ta_##name(in->n, real0(in), out[0]);                                       \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    PR_TA_ADAPT_STREAM_(name, )

#define PR_TA_IN_HLC_P 3, {"high", "low", "close"}
#define PR_TA_ADAPT_HLC_P(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_HL_P_2 2, {"high", "low"}
#define PR_TA_ADAPT_HL_P_2(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, ip(p[0]), out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_HLC_PPP_2 3, {"high", "low", "close"}
#define PR_TA_ADAPT_HLC_PPP_2(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), ip(p[2]), out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_HLC_PP_2 3, {"high", "low", "close"}
#define PR_TA_ADAPT_HLC_PP_2(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]))

#define PR_TA_IN_R_PPP_2 1, {"real0"}
#define PR_TA_ADAPT_R_PPP_2(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), ip(p[1]), ip(p[2]), out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->real0, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_HLC_0 3, {"high", "low", "close"}
#define PR_TA_ADAPT_HLC_0(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_##name##_lookback(out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_##name(in->n, in->high, in->low, in->close, out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, )

#define PR_TA_IN_HLC_PPP 3, {"high", "low", "close"}
#define PR_TA_ADAPT_HLC_PPP(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), ip(p[2]), out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_HL_RR 2, {"high", "low"}
#define PR_TA_ADAPT_HL_RR(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(p[0], p[1], out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, p[0], p[1], out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , p[0], p[1])

#define PR_TA_IN_OHLC_0 4, {"open", "high", "low", "close"}
#define PR_TA_ADAPT_OHLC_0(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_##name##_lookback(out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_##name(in->n, in->open, in->high, in->low, in->close, out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->open, b->high, b->low, b->close, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, )

#define PR_TA_IN_CV_0 2, {"close", "volume"}
#define PR_TA_ADAPT_CV_0(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_##name##_lookback(out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_##name(in->n, in->close, in->volume, out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->close, b->volume, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, )

#define PR_TA_IN_HLCV_0 4, {"high", "low", "close", "volume"}
#define PR_TA_ADAPT_HLCV_0(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_##name##_lookback(out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_##name(in->n, in->high, in->low, in->close, in->volume, out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, b->volume, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, )

#define PR_TA_IN_HLCV_PP 4, {"high", "low", "close", "volume"}
#define PR_TA_ADAPT_HLCV_PP(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, in->volume, ip(p[0]), ip(p[1]), out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, b->volume, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]))

#define PR_TA_IN_HLCV_P 4, {"high", "low", "close", "volume"}
#define PR_TA_ADAPT_HLCV_P(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, in->volume, ip(p[0]), out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, b->volume, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_THLCV_P 5, {"time", "high", "low", "close", "volume"}
#define PR_TA_ADAPT_THLCV_P(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->ts, in->high, in->low, in->close, in->volume, ip(p[0]), out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->ts, b->high, b->low, b->close, b->volume, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_HLC_PPR_3 PR_TA_IN_HLC_P
#define PR_TA_ADAPT_HLC_PPR_3(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), p[2], out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), p[2], out[0], out[1], out[2]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, &out[0], &out[1], &out[2]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), p[2])

#define PR_TA_IN_HL_P_3 PR_TA_IN_HL_P
#define PR_TA_ADAPT_HL_P_3(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, ip(p[0]), out[0], out[1], out[2]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, &out[0], &out[1], &out[2]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]))

#define PR_TA_IN_HLC_PR_2 PR_TA_IN_HLC_P
#define PR_TA_ADAPT_HLC_PR_2(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), p[1], out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), p[1], out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), p[1])

#define PR_TA_IN_HL_PPP_4 PR_TA_IN_HL_P
#define PR_TA_ADAPT_HL_PPP_4(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, ip(p[0]), ip(p[1]), ip(p[2]), out[0], out[1], out[2], out[3]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, &out[0], &out[1], &out[2], &out[3]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_OHLC_0_4 PR_TA_IN_OHLC_0
#define PR_TA_ADAPT_OHLC_0_4(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_##name##_lookback(out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_##name(in->n, in->open, in->high, in->low, in->close, out[0], out[1], out[2], out[3]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->open, b->high, b->low, b->close, &out[0], &out[1], &out[2], &out[3]); \
    } \
    PR_TA_ADAPT_STREAM_(name, )

#define PR_TA_IN_R_PP PR_TA_IN_R_P
#define PR_TA_ADAPT_R_PP(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), ip(p[1]), out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->real0, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]))

#define PR_TA_IN_HL_PP_2 PR_TA_IN_HL_P
#define PR_TA_ADAPT_HL_PP_2(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, ip(p[0]), ip(p[1]), out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]))

#define PR_TA_IN_THLC_PP_V 4, {"time", "high", "low", "close"}
#define PR_TA_ADAPT_THLC_PP_V(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->ts, in->high, in->low, in->close, ip(p[0]), ip(p[1]), out); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->ts, b->high, b->low, b->close, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, , ip(p[0]), ip(p[1]))

#define PR_TA_IN_HLC_CFG_4 PR_TA_IN_HLC_P
#define PR_TA_ADAPT_HLC_CFG_4(name) \
    static int lb_##name(const double *p, int *out) { \
        struct pr_ta_##name##_cfg c; \
        pr_ta_##name##_cfg_of(p, &c); \
        return pr_ta_##name##_lookback(&c, out); \
    } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        struct pr_ta_##name##_cfg c; \
        pr_ta_##name##_cfg_of(p, &c); \
        return pr_ta_##name(in->n, in->high, in->low, in->close, &c, out[0], out[1], out[2], out[3]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->ts, b->high, b->low, b->close, out); \
    } \
    static int new_##name(const double *p, void **state) { \
        struct pr_ta_##name##_cfg c; \
        pr_ta_##name##_cfg_of(p, &c); \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, &c)) \
    } \
    FREE_STATE(name)

/* Candlestick patterns (typed API pr_ta_cdl_<name>, see shapes.h). */
#define PR_TA_IN_CDL PR_TA_IN_OHLC_0
#define PR_TA_ADAPT_CDL_(name, pen_args, ...) \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_cdl_##name(in->n, in->open, in->high, in->low, in->close pen_args, out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_cdl_##name##_update(st, b->open, b->high, b->low, b->close, out); \
    } \
    static int new_##name(const double *p, void **state) { \
        (void)p; NEW_STATE(pr_ta_cdl_##name##_state, pr_ta_cdl_##name##_init(s __VA_ARGS__)) \
    } \
    static void free_##name(void *st) { \
        if (!st) return; \
        pr_ta_cdl_##name##_free(st); \
        free(st); \
    }
#define PR_TA_ADAPT_CDL(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_cdl_##name##_lookback(out); } \
    PR_TA_ADAPT_CDL_(name, , )
#define PR_TA_IN_CDL_PEN PR_TA_IN_OHLC_0
#define PR_TA_ADAPT_CDL_PEN(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_cdl_##name##_lookback(p[0], out); } \
    PR_TA_ADAPT_CDL_(name, PR_TA_COMMA_ p[0], , p[0])
#define PR_TA_COMMA_ ,

/* The table name of a row: the name, "cdl"-prefixed for candlestick
 * patterns (TA-Lib's CDL<NAME>). */
#define PR_TA_TABLE_NAME(shape, name) PR_TA_IF_CDL(shape)("cdl") #name

/* Parameter descriptors of list.h rows (pr_ta_param). */
#define PR_TA_P_PERIOD(def, lo) {"period", def, lo, PR_TA_PERIOD_MAX, 1}
#define PR_TA_P_INT(name, def, lo) {name, def, lo, PR_TA_PERIOD_MAX, 1}
#define PR_TA_P_REAL(name, def, lo, hi) {name, def, lo, hi, 0}
#define PR_TA_UNPAREN(...) __VA_ARGS__
#define PR_TA_FNS(name) lb_##name, run_##name, new_##name, upd_##name, free_##name
#endif
