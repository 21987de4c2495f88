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

/* The generic stream_free of indicator `name`, whose typed API is
 * pr_ta_<typed>_... (typed = name, or cdl_<name> for a candlestick). */
#define FREE_STATE(name, typed)         \
    static void free_##name(void *st) { \
        if (!st) return;                \
        pr_ta_##typed##_free(st);       \
        free(st);                       \
    }

/* The table adapters of each shape of proratio/ta/shapes.h: lb_/run_/new_/
 * upd_/free_<name> turn the typed functions into a pr_ta_def's generic
 * lookback / run / stream functions, and PR_TA_IN(shape) is the entry's
 * input count and names. Single-series shapes read "real0" (tools fill it
 * with close by default; the batch adapter falls back to close when real0
 * is NULL); RR reads real0/real1, falling back to high/low in batch. */
static inline const double *real1x(const pr_ta_input *in) { return in->real0 ? in->real0 : in->high; }
static inline const double *real1y(const pr_ta_input *in) { return in->real1 ? in->real1 : in->low; }

/* The stream adapters every shape shares: new_ runs pr_ta_<typed>_init on
 * a new state with the variadic arguments (each written with a leading
 * comma), free_ releases the state. */
#define PR_TA_ADAPT_STREAM_(name, typed, ...)                                               \
    static int new_##name(const double *p, void **state) {                                   \
        (void)p;                                                                             \
        NEW_STATE(pr_ta_##typed##_state, pr_ta_##typed##_init(s __VA_ARGS__))                \
    }                                                                                        \
    FREE_STATE(name, typed)

/* The adapters and inputs of row `name` of shape `shape`: from its
 * descriptor (PR_TA_SHAPE_<shape>), or PR_TA_ADAPT_<shape> / PR_TA_IN_<shape>
 * below for a hand-written shape. */
#define PR_TA_ADAPT(shape, name) PR_TA_CAT_(PR_TA_ADAPT_BY_, PR_TA_IS_HAND_(shape))(shape, name)
#define PR_TA_ADAPT_BY_1(shape, name) PR_TA_ADAPT_##shape(name)
#define PR_TA_ADAPT_BY_0(shape, name) PR_TA_ADAPT_GEN_(name, PR_TA_SHAPE_##shape)
#define PR_TA_IN(shape) PR_TA_CAT_(PR_TA_IN_BY_, PR_TA_IS_HAND_(shape))(shape)
#define PR_TA_IN_BY_1(shape) PR_TA_IN_##shape
#define PR_TA_IN_BY_0(shape) PR_TA_IN_GEN_(PR_TA_SHAPE_##shape)
#define PR_TA_IN_GEN_(...) PR_TA_IN_GEN_I_(__VA_ARGS__)
#define PR_TA_IN_GEN_I_(ins, prms, nout) \
    PR_TA_NARG_(PR_TA_UNPAREN_ ins), {PR_TA_EACH_TUPLE_(PR_TA_INNE_, ins)}
#define PR_TA_ADAPT_GEN_(name, ...) PR_TA_ADAPT_GEN_I_(name, __VA_ARGS__)
#define PR_TA_ADAPT_GEN_I_(name, ins, prms, nout)                                             \
    static int lb_##name(const double *p, int *out) {                                         \
        (void)p;                                                                              \
        return pr_ta_##name##_lookback(PR_TA_EACH_TUPLE_(PR_TA_PAE_, prms) out);               \
    }                                                                                         \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {      \
        (void)p;                                                                              \
        return pr_ta_##name(in->n, PR_TA_EACH_TUPLE_(PR_TA_INAE_, ins)                         \
                            PR_TA_EACH_TUPLE_(PR_TA_PAE_, prms) PR_TA_OUTA_##nout);            \
    }                                                                                         \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                        \
        return pr_ta_##name##_update(st, PR_TA_EACH_TUPLE_(PR_TA_INUE_, ins) PR_TA_OUTU_##nout); \
    }                                                                                         \
    PR_TA_ADAPT_STREAM_(name, name, PR_TA_EACH_TUPLE_(PR_TA_PALE_, prms))

/* Parameter k as the typed argument, trailing comma (PA) or leading (PAL). */
#define PR_TA_PAE_(t, k) PR_TA_PA_##t(k)
#define PR_TA_PA_(k)
#define PR_TA_PA_p_int(k) ip(p[k]),
#define PR_TA_PA_p_dbl(k) p[k],
#define PR_TA_PALE_(t, k) PR_TA_PAL_##t(k)
#define PR_TA_PAL_(k)
#define PR_TA_PAL_p_int(k) , ip(p[k])
#define PR_TA_PAL_p_dbl(k) , p[k]
/* Inputs: the batch array (INA), the bar's value (INU), the name (INN). */
#define PR_TA_INAE_(t, k) PR_TA_INA_##t,
#define PR_TA_INA_in_t in->ts
#define PR_TA_INA_in_o in->open
#define PR_TA_INA_in_h in->high
#define PR_TA_INA_in_l in->low
#define PR_TA_INA_in_c in->close
#define PR_TA_INA_in_v in->volume
#define PR_TA_INA_in_r real0(in)
#define PR_TA_INA_in_rx real1x(in)
#define PR_TA_INA_in_ry real1y(in)
#define PR_TA_INUE_(t, k) PR_TA_INU_##t,
#define PR_TA_INU_in_t b->ts
#define PR_TA_INU_in_o b->open
#define PR_TA_INU_in_h b->high
#define PR_TA_INU_in_l b->low
#define PR_TA_INU_in_c b->close
#define PR_TA_INU_in_v b->volume
#define PR_TA_INU_in_r b->real0
#define PR_TA_INU_in_rx b->real0
#define PR_TA_INU_in_ry b->real1
#define PR_TA_INNE_(t, k) PR_TA_INN_##t,
#define PR_TA_INN_in_t "time"
#define PR_TA_INN_in_o "open"
#define PR_TA_INN_in_h "high"
#define PR_TA_INN_in_l "low"
#define PR_TA_INN_in_c "close"
#define PR_TA_INN_in_v "volume"
#define PR_TA_INN_in_r "real0"
#define PR_TA_INN_in_rx "real0"
#define PR_TA_INN_in_ry "real1"
/* Outputs: the batch arrays (OUTA) and the bar's cells (OUTU). */
#define PR_TA_OUTA_1 out[0]
#define PR_TA_OUTA_2 out[0], out[1]
#define PR_TA_OUTA_3 out[0], out[1], out[2]
#define PR_TA_OUTA_4 out[0], out[1], out[2], out[3]
#define PR_TA_OUTA_vec out
#define PR_TA_OUTU_1 out
#define PR_TA_OUTU_2 &out[0], &out[1]
#define PR_TA_OUTU_3 &out[0], &out[1], &out[2]
#define PR_TA_OUTU_4 &out[0], &out[1], &out[2], &out[3]
#define PR_TA_OUTU_vec out

/* ---- the hand-written shapes (see shapes.h) ---- */
#define PR_TA_IN_PO 1, {"real0"}
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
    PR_TA_ADAPT_STREAM_(name, name, , ip(p[0]), ip(p[1]), ip(p[2]))

#define PR_TA_IN_STOCHF 3, {"high", "low", "close"}
#define PR_TA_ADAPT_STOCHF(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), out[0], out[1]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, &out[0], &out[1]); \
    } \
    PR_TA_ADAPT_STREAM_(name, name, , ip(p[0]), ip(p[1]))

#define PR_TA_IN_HLC_CFG_4 3, {"high", "low", "close"}
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
    FREE_STATE(name, name)

/* Candlestick patterns (typed API pr_ta_cdl_<name>, see shapes.h); the
 * variadic arguments are the penetration with a leading comma, or none. */
#define PR_TA_IN_CDL 4, {"open", "high", "low", "close"}
#define PR_TA_ADAPT_CDL_(name, ...) \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) { \
        (void)p; return pr_ta_cdl_##name(in->n, in->open, in->high, in->low, in->close __VA_ARGS__, out[0]); \
    } \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) { \
        return pr_ta_cdl_##name##_update(st, b->open, b->high, b->low, b->close, out); \
    } \
    PR_TA_ADAPT_STREAM_(name, cdl_##name, __VA_ARGS__)
#define PR_TA_ADAPT_CDL(name) \
    static int lb_##name(const double *p, int *out) { (void)p; return pr_ta_cdl_##name##_lookback(out); } \
    PR_TA_ADAPT_CDL_(name, )
#define PR_TA_IN_CDL_PEN PR_TA_IN_CDL
#define PR_TA_ADAPT_CDL_PEN(name) \
    static int lb_##name(const double *p, int *out) { return pr_ta_cdl_##name##_lookback(p[0], out); } \
    PR_TA_ADAPT_CDL_(name, , p[0])

/* The table name of a row: the name, "cdl"-prefixed for candlestick
 * patterns (TA-Lib's CDL<NAME>). */
#define PR_TA_TABLE_NAME(shape, name) PR_TA_IF_CDL(shape)("cdl") #name

/* Parameter descriptors of list.h rows (pr_ta_param). */
#define PR_TA_P_PERIOD(def, lo) {"period", def, lo, PR_TA_PERIOD_MAX, 1}
#define PR_TA_P_INT(name, def, lo) {name, def, lo, PR_TA_PERIOD_MAX, 1}
#define PR_TA_P_REAL(name, def, lo, hi) {name, def, lo, hi, 0}
#define PR_TA_FNS(name) lb_##name, run_##name, new_##name, upd_##name, free_##name
#endif
