/* Part of ta.h: the typed signatures ("shapes") shared by indicators. Each
 * row of proratio/ta/list.h names its shape, and the typed declarations of
 * every indicator come from it (PR_TA_DECL below); src/ta/table_internal.h
 * turns the same shape into the row's table adapters (PR_TA_ADAPT, PR_TA_IN).
 *
 * Most shapes are one descriptor line, PR_TA_SHAPE_<shape>:
 *   (inputs), (params), outputs
 *   inputs   of in_t (bar times, int64 ms), in_o in_h in_l in_c in_v (open
 *            ... volume), in_r (one real series: real0, close by default),
 *            in_rx in_ry (a pair: real0/real1, high/low by default)
 *   params   of p_int and p_dbl, in order; () for none
 *   outputs  1..4 output series, or vec: all outputs as one array of
 *            arrays (batch double *const *out, streaming double *out)
 * (prefixed tokens, so a user's macro such as complex.h's I cannot
 * capture them), giving pr_ta_<name>_lookback(params..., int *out),
 * pr_ta_<name>(n, inputs..., params..., outputs...), the opaque state
 * pr_ta_<name>_state
 * (struct pr_ta_<name>_impl) and its _init(s, params...) / _update(s,
 * one bar's inputs..., outputs...) / _free. A new signature is a new descriptor
 * line here, nothing else. The shape's name reads inputs_params[_outputs]
 * (R = one real series, RR = two, HL = high and low, HLC = high, low and
 * close; P = an int parameter, R = a real one, 0 = none; _2/_3/_4 = that
 * many outputs, _V = the output array).
 *
 * Hand-written shapes (marked PR_TA_HAND_<shape>) are those no descriptor
 * says: PO and STOCHF share one implementation between two indicators
 * (struct pr_ta_po_impl: APO/PPO; pr_ta_stoch_impl: STOCH/STOCHF), CDL and
 * CDL_PEN are candlestick patterns run by one pattern engine (typed API
 * pr_ta_cdl_<name>, table name "cdl<name>", state of struct
 * pr_ta_cdl_impl), HLC_CFG_4 passes its parameters as a struct
 * pr_ta_<name>_cfg. */
#ifndef PRORATIO_TA_SHAPES_H
#define PRORATIO_TA_SHAPES_H
#include <stddef.h>
#include <stdint.h>

/* ---- descriptors ---- */
#define PR_TA_SHAPE_R_0 (in_r), (), 1
#define PR_TA_SHAPE_R_P (in_r), (p_int), 1
#define PR_TA_SHAPE_R_PP (in_r), (p_int, p_int), 1
#define PR_TA_SHAPE_R_PR (in_r), (p_int, p_dbl), 1
#define PR_TA_SHAPE_R_PPP_2 (in_r), (p_int, p_int, p_int), 2
#define PR_TA_SHAPE_R_PPP_3 (in_r), (p_int, p_int, p_int), 3
#define PR_TA_SHAPE_R_PRR_3 (in_r), (p_int, p_dbl, p_dbl), 3
#define PR_TA_SHAPE_RR_P (in_rx, in_ry), (p_int), 1
#define PR_TA_SHAPE_HL_P (in_h, in_l), (p_int), 1
#define PR_TA_SHAPE_HL_RR (in_h, in_l), (p_dbl, p_dbl), 1
#define PR_TA_SHAPE_HL_P_2 (in_h, in_l), (p_int), 2
#define PR_TA_SHAPE_HL_PP_2 (in_h, in_l), (p_int, p_int), 2
#define PR_TA_SHAPE_HL_P_3 (in_h, in_l), (p_int), 3
#define PR_TA_SHAPE_HL_PPP_4 (in_h, in_l), (p_int, p_int, p_int), 4
#define PR_TA_SHAPE_HLC_0 (in_h, in_l, in_c), (), 1
#define PR_TA_SHAPE_HLC_P (in_h, in_l, in_c), (p_int), 1
#define PR_TA_SHAPE_HLC_PPP (in_h, in_l, in_c), (p_int, p_int, p_int), 1
#define PR_TA_SHAPE_HLC_PR_2 (in_h, in_l, in_c), (p_int, p_dbl), 2
#define PR_TA_SHAPE_HLC_PPP_2 (in_h, in_l, in_c), (p_int, p_int, p_int), 2
#define PR_TA_SHAPE_HLC_PPR_3 (in_h, in_l, in_c), (p_int, p_int, p_dbl), 3
#define PR_TA_SHAPE_OHLC_0 (in_o, in_h, in_l, in_c), (), 1
#define PR_TA_SHAPE_OHLC_0_4 (in_o, in_h, in_l, in_c), (), 4
#define PR_TA_SHAPE_CV_0 (in_c, in_v), (), 1
#define PR_TA_SHAPE_HLCV_0 (in_h, in_l, in_c, in_v), (), 1
#define PR_TA_SHAPE_HLCV_P (in_h, in_l, in_c, in_v), (p_int), 1
#define PR_TA_SHAPE_HLCV_PP (in_h, in_l, in_c, in_v), (p_int, p_int), 1
#define PR_TA_SHAPE_THLCV_P (in_t, in_h, in_l, in_c, in_v), (p_int), 1
#define PR_TA_SHAPE_THLC_PP_V (in_t, in_h, in_l, in_c), (p_int, p_int), vec
#define PR_TA_SHAPE_R_P_2 (in_r), (p_int), 2
#define PR_TA_SHAPE_R_P_3 (in_r), (p_int), 3
#define PR_TA_SHAPE_R_0_2 (in_r), (), 2
#define PR_TA_SHAPE_R_RR_2 (in_r), (p_dbl, p_dbl), 2
#define PR_TA_SHAPE_R_PPPPPP_3 (in_r), (p_int, p_int, p_int, p_int, p_int, p_int), 3
#define PR_TA_SHAPE_RR_0 (in_rx, in_ry), (), 1
#define PR_TA_SHAPE_RR_PPP (in_rx, in_ry), (p_int, p_int, p_int), 1
#define PR_TA_SHAPE_HL_0 (in_h, in_l), (), 1
#define PR_TA_SHAPE_HL_RRRRRRRR (in_h, in_l), (p_dbl, p_dbl, p_dbl, p_dbl, p_dbl, p_dbl, p_dbl, p_dbl), 1
#define PR_TA_SHAPE_HLC_P_3 (in_h, in_l, in_c), (p_int), 3
#define PR_TA_SHAPE_OC_P (in_o, in_c), (p_int), 1

/* ---- the preprocessor tools the lists and shapes use ---- */
#define PR_TA_CAT_(a, b) PR_TA_CAT_I_(a, b)
#define PR_TA_CAT_I_(a, b) a##b
#define PR_TA_UNPAREN_(...) __VA_ARGS__
#define PR_TA_SECOND_(...) PR_TA_SECOND_I_(__VA_ARGS__, )
#define PR_TA_SECOND_I_(a, b, ...) b
#define PR_TA_KEEP_(...) __VA_ARGS__
#define PR_TA_DROP_(...)
/* Number of arguments (1..8; an empty list counts 1). */
#define PR_TA_NARG_(...) PR_TA_NARG_I_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, )
#define PR_TA_NARG_I_(a1, a2, a3, a4, a5, a6, a7, a8, n, ...) n
/* m(x, k) for each argument x and its index k (an empty list: m(, 0)). */
#define PR_TA_EACH_(m, ...) PR_TA_CAT_(PR_TA_EACH_, PR_TA_NARG_(__VA_ARGS__))(m, __VA_ARGS__)
#define PR_TA_EACH_1(m, a) m(a, 0)
#define PR_TA_EACH_2(m, a, b) m(a, 0) m(b, 1)
#define PR_TA_EACH_3(m, a, b, c) m(a, 0) m(b, 1) m(c, 2)
#define PR_TA_EACH_4(m, a, b, c, d) m(a, 0) m(b, 1) m(c, 2) m(d, 3)
#define PR_TA_EACH_5(m, a, b, c, d, e) PR_TA_EACH_4(m, a, b, c, d) m(e, 4)
#define PR_TA_EACH_6(m, a, b, c, d, e, f) PR_TA_EACH_5(m, a, b, c, d, e) m(f, 5)
#define PR_TA_EACH_7(m, a, b, c, d, e, f, g) PR_TA_EACH_6(m, a, b, c, d, e, f) m(g, 6)
#define PR_TA_EACH_8(m, a, b, c, d, e, f, g, h) PR_TA_EACH_7(m, a, b, c, d, e, f, g) m(h, 7)
#define PR_TA_EACH_TUPLE_(m, tuple) PR_TA_EACH_(m, PR_TA_UNPAREN_ tuple)

/* Shape tests: PR_TA_IF_CDL(shape)(tokens) keeps the tokens for the
 * candlestick shapes and drops them for every other shape (so the pattern
 * enum and the engine's per-pattern entry points come from the same rows);
 * PR_TA_IS_HAND_(shape) is 1 for a hand-written shape, else 0. */
#define PR_TA_CDL_PROBE_CDL ~, PR_TA_KEEP_
#define PR_TA_CDL_PROBE_CDL_PEN ~, PR_TA_KEEP_
#define PR_TA_IF_CDL(shape) PR_TA_SECOND_(PR_TA_CDL_PROBE_##shape, PR_TA_DROP_)
#define PR_TA_HAND_PO ~, 1
#define PR_TA_HAND_STOCHF ~, 1
#define PR_TA_HAND_HLC_CFG_4 ~, 1
#define PR_TA_HAND_CDL ~, 1
#define PR_TA_HAND_CDL_PEN ~, 1
#define PR_TA_IS_HAND_(shape) PR_TA_SECOND_(PR_TA_HAND_##shape, 0)

/* ---- declarations ---- */
/* The typed declarations of row `name` of shape `shape`. */
#define PR_TA_DECL(shape, name) PR_TA_CAT_(PR_TA_DECL_BY_, PR_TA_IS_HAND_(shape))(shape, name)
#define PR_TA_DECL_BY_1(shape, name) PR_TA_DECL_##shape(name)
#define PR_TA_DECL_BY_0(shape, name) PR_TA_DECL_GEN_(name, PR_TA_SHAPE_##shape)
#define PR_TA_DECL_GEN_(name, ...) PR_TA_DECL_GEN_I_(name, __VA_ARGS__)
#define PR_TA_DECL_GEN_I_(name, ins, prms, nout)                                                  \
    int pr_ta_##name##_lookback(PR_TA_EACH_TUPLE_(PR_TA_PDE_, prms) int *out);                     \
    int pr_ta_##name(size_t n, PR_TA_EACH_TUPLE_(PR_TA_INDE_, ins) PR_TA_EACH_TUPLE_(PR_TA_PDE_, prms) \
                     PR_TA_OUTD_##nout);                                                          \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                                  \
    int pr_ta_##name##_init(pr_ta_##name##_state *s PR_TA_EACH_TUPLE_(PR_TA_PDLE_, prms));         \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, PR_TA_EACH_TUPLE_(PR_TA_INSE_, ins)         \
                              PR_TA_OUTS_##nout);

/* Parameters: declarations with a trailing comma (PD) or a leading one (PDL). */
#define PR_TA_PDE_(t, k) PR_TA_PD_##t(k)
#define PR_TA_PD_(k)
#define PR_TA_PD_p_int(k) int p##k,
#define PR_TA_PD_p_dbl(k) double r##k,
#define PR_TA_PDLE_(t, k) PR_TA_PDL_##t(k)
#define PR_TA_PDL_(k)
#define PR_TA_PDL_p_int(k) , int p##k
#define PR_TA_PDL_p_dbl(k) , double r##k
/* Inputs: batch arrays (IND) and one bar's values (INS), trailing comma. */
#define PR_TA_INDE_(t, k) PR_TA_IND_##t
#define PR_TA_IND_in_t const int64_t *ts,
#define PR_TA_IND_in_o const double *open,
#define PR_TA_IND_in_h const double *high,
#define PR_TA_IND_in_l const double *low,
#define PR_TA_IND_in_c const double *close,
#define PR_TA_IND_in_v const double *volume,
#define PR_TA_IND_in_r const double *in,
#define PR_TA_IND_in_rx const double *x,
#define PR_TA_IND_in_ry const double *y,
#define PR_TA_INSE_(t, k) PR_TA_INS_##t
#define PR_TA_INS_in_t int64_t ts,
#define PR_TA_INS_in_o double open,
#define PR_TA_INS_in_h double high,
#define PR_TA_INS_in_l double low,
#define PR_TA_INS_in_c double close,
#define PR_TA_INS_in_v double volume,
#define PR_TA_INS_in_r double x,
#define PR_TA_INS_in_rx double x,
#define PR_TA_INS_in_ry double y,
/* Outputs: batch arrays (OUTD) and one bar's values (OUTS). */
#define PR_TA_OUTD_1 double *out
#define PR_TA_OUTD_2 double *out1, double *out2
#define PR_TA_OUTD_3 double *out1, double *out2, double *out3
#define PR_TA_OUTD_4 double *out1, double *out2, double *out3, double *out4
#define PR_TA_OUTD_vec double *const *out
#define PR_TA_OUTS_1 double *out
#define PR_TA_OUTS_2 PR_TA_OUTD_2
#define PR_TA_OUTS_3 PR_TA_OUTD_3
#define PR_TA_OUTS_4 PR_TA_OUTD_4
#define PR_TA_OUTS_vec double *out

/* The streaming state of indicator `name`: an opaque pointer to `impl`. */
#define PR_TA_DECL_STATE_(name, impl) \
    typedef struct pr_ta_##name##_state { struct impl *p; } pr_ta_##name##_state; \
    void pr_ta_##name##_free(pr_ta_##name##_state *s);

/* APO / PPO (one implementation, struct pr_ta_po_impl). */
#define PR_TA_DECL_PO(name)                                                                  \
    int pr_ta_##name##_lookback(int fast, int slow, int ma_type, int *out);                  \
    int pr_ta_##name(size_t n, const double *in, int fast, int slow, int ma_type, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_po_impl)                                                   \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int fast, int slow, int ma_type);       \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out);

#define PR_TA_DECL_STOCHF(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int p1, int p2, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_stoch_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out1, double *out2);

/* Parameters as a struct pr_ta_<name>_cfg (defined by the family header);
 * pr_ta_<name>_cfg_of builds one from the row's parameters, in row order.
 * Streaming reads the bar times too. */
#define PR_TA_DECL_HLC_CFG_4(name) \
    struct pr_ta_##name##_cfg; \
    void pr_ta_##name##_cfg_of(const double *params, struct pr_ta_##name##_cfg *out); \
    int pr_ta_##name##_lookback(const struct pr_ta_##name##_cfg *cfg, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, const struct pr_ta_##name##_cfg *cfg, double *out1, double *out2, double *out3, double *out4); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, const struct pr_ta_##name##_cfg *cfg); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, int64_t ts, double high, double low, double close, double *out);

/* Candlestick patterns: the generic pattern engine (pr_ta_cdl, momentum.h)
 * behind per-pattern entry points; outputs 0, +-80, +-100. */
#define PR_TA_DECL_CDL(name) \
    int pr_ta_cdl_##name##_lookback(int *out); \
    int pr_ta_cdl_##name(size_t n, const double *open, const double *high, const double *low, const double *close, double *out); \
    PR_TA_DECL_STATE_(cdl_##name, pr_ta_cdl_impl) \
    int pr_ta_cdl_##name##_init(pr_ta_cdl_##name##_state *s); \
    int pr_ta_cdl_##name##_update(pr_ta_cdl_##name##_state *s, double open, double high, double low, double close, double *out);

/* A pattern with a penetration (>= 0; the row gives its default). */
#define PR_TA_DECL_CDL_PEN(name) \
    int pr_ta_cdl_##name##_lookback(double penetration, int *out); \
    int pr_ta_cdl_##name(size_t n, const double *open, const double *high, const double *low, const double *close, double penetration, double *out); \
    PR_TA_DECL_STATE_(cdl_##name, pr_ta_cdl_impl) \
    int pr_ta_cdl_##name##_init(pr_ta_cdl_##name##_state *s, double penetration); \
    int pr_ta_cdl_##name##_update(pr_ta_cdl_##name##_state *s, double open, double high, double low, double close, double *out);

#endif
