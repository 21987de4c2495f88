/* Part of ta.h: the typed signatures ("shapes") shared by indicators, as
 * declaration macros. Each row of proratio/ta/list.h names its shape; the
 * declarations of every listed indicator come from these macros, and
 * src/ta/table_internal.h holds the matching table adapters. A shape's name
 * reads inputs_params[_outputs]: R = one real series, RR = two, HL = high
 * and low, HLC = high, low and close, O = open, V = volume, T = the bar
 * times (int64 ms); P = an int parameter, R = a real one, 0 = none;
 * _2/_3/_4 = that many outputs (one when absent), _V = the outputs as one
 * array of output arrays. Three shapes are families of their own: CDL and
 * CDL_PEN (candlestick patterns run by one pattern engine: typed API
 * pr_ta_cdl_<name>, table name "cdl<name>", state of struct pr_ta_cdl_impl)
 * and HLC_CFG_4 (parameters passed as a struct pr_ta_<name>_cfg). */
#ifndef PRORATIO_TA_SHAPES_H
#define PRORATIO_TA_SHAPES_H
#include <stddef.h>
#include <stdint.h>

/* The streaming state of indicator `name`: an opaque pointer to `impl`. */
#define PR_TA_DECL_STATE_(name, impl) \
    typedef struct pr_ta_##name##_state { struct impl *p; } pr_ta_##name##_state; \
    void pr_ta_##name##_free(pr_ta_##name##_state *s);

#define PR_TA_DECL_R_P(name)                                                                 \
    int pr_ta_##name##_lookback(int period, int *out);                                       \
    int pr_ta_##name(size_t n, const double *in, int period, double *out);                   \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period);                            \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out);

#define PR_TA_DECL_R_PR(name)                                                                \
    int pr_ta_##name##_lookback(int period, double factor, int *out);                        \
    int pr_ta_##name(size_t n, const double *in, int period, double factor, double *out);    \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period, double factor);             \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out);

/* APO / PPO (one implementation, struct pr_ta_po_impl). */
#define PR_TA_DECL_PO(name)                                                                  \
    int pr_ta_##name##_lookback(int fast, int slow, int ma_type, int *out);                  \
    int pr_ta_##name(size_t n, const double *in, int fast, int slow, int ma_type, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_po_impl)                                                   \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int fast, int slow, int ma_type);       \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out);

#define PR_TA_DECL_RR_P(name)                                                                \
    int pr_ta_##name##_lookback(int period, int *out);                                       \
    int pr_ta_##name(size_t n, const double *x, const double *y, int period, double *out);   \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period);                            \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double y, double *out);

#define PR_TA_DECL_R_PPP_3(name)                                                             \
    int pr_ta_##name##_lookback(int p1, int p2, int p3, int *out);                           \
    int pr_ta_##name(size_t n, const double *in, int p1, int p2, int p3, double *out1,       \
                     double *out2, double *out3);                                            \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2, int p3);                \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out1, double *out2, \
                              double *out3);

#define PR_TA_DECL_R_PRR_3(name)                                                             \
    int pr_ta_##name##_lookback(int period, double r1, double r2, int *out);                 \
    int pr_ta_##name(size_t n, const double *in, int period, double r1, double r2,           \
                     double *out1, double *out2, double *out3);                              \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period, double r1, double r2);      \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out1, double *out2, \
                              double *out3);

#define PR_TA_DECL_HL_P(name)                                                                \
    int pr_ta_##name##_lookback(int period, int *out);                                       \
    int pr_ta_##name(size_t n, const double *high, const double *low, int period, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period);                            \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out);

#define PR_TA_DECL_R_0(name)                                                                 \
    int pr_ta_##name##_lookback(int *out);                                                   \
    int pr_ta_##name(size_t n, const double *in, double *out);                               \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl)                                             \
    int pr_ta_##name##_init(pr_ta_##name##_state *s);                                        \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out);

#define PR_TA_DECL_HLC_P(name) \
    int pr_ta_##name##_lookback(int period, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int period, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out);

#define PR_TA_DECL_HL_P_2(name) \
    int pr_ta_##name##_lookback(int period, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, int period, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out1, double *out2);

#define PR_TA_DECL_HLC_PPP_2(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int p3, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int p1, int p2, int p3, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2, int p3); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out1, double *out2);

#define PR_TA_DECL_HLC_PP_2(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int p1, int p2, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_stoch_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out1, double *out2);

#define PR_TA_DECL_R_PPP_2(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int p3, int *out); \
    int pr_ta_##name(size_t n, const double *in, int p1, int p2, int p3, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2, int p3); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out1, double *out2);

#define PR_TA_DECL_HLC_0(name) \
    int pr_ta_##name##_lookback(int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out);

#define PR_TA_DECL_HLC_PPP(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int p3, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int p1, int p2, int p3, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2, int p3); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out);

#define PR_TA_DECL_HL_RR(name) \
    int pr_ta_##name##_lookback(double r1, double r2, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, double r1, double r2, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, double r1, double r2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out);

#define PR_TA_DECL_OHLC_0(name) \
    int pr_ta_##name##_lookback(int *out); \
    int pr_ta_##name(size_t n, const double *open, const double *high, const double *low, const double *close, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double open, double high, double low, double close, double *out);

#define PR_TA_DECL_CV_0(name) \
    int pr_ta_##name##_lookback(int *out); \
    int pr_ta_##name(size_t n, const double *close, const double *volume, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double close, double volume, double *out);

#define PR_TA_DECL_HLCV_0(name) \
    int pr_ta_##name##_lookback(int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, const double *volume, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double volume, double *out);

#define PR_TA_DECL_HLCV_PP(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, const double *volume, int p1, int p2, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double volume, double *out);

#define PR_TA_DECL_HLCV_P(name) \
    int pr_ta_##name##_lookback(int period, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, const double *volume, int period, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double volume, double *out);

#define PR_TA_DECL_THLCV_P(name) \
    int pr_ta_##name##_lookback(int p1, int *out); \
    int pr_ta_##name(size_t n, const int64_t *ts, const double *high, const double *low, const double *close, const double *volume, int p1, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, int64_t ts, double high, double low, double close, double volume, double *out);

#define PR_TA_DECL_HLC_PPR_3(name) \
    int pr_ta_##name##_lookback(int p1, int p2, double r3, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int p1, int p2, double r3, double *out1, double *out2, double *out3); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2, double r3); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out1, double *out2, double *out3);

#define PR_TA_DECL_HL_P_3(name) \
    int pr_ta_##name##_lookback(int period, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, int period, double *out1, double *out2, double *out3); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out1, double *out2, double *out3);

#define PR_TA_DECL_HLC_PR_2(name) \
    int pr_ta_##name##_lookback(int period, double r, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close, int period, double r, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period, double r); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, double *out1, double *out2);

#define PR_TA_DECL_HL_PPP_4(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int p3, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, int p1, int p2, int p3, double *out1, double *out2, double *out3, double *out4); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2, int p3); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out1, double *out2, double *out3, double *out4);

#define PR_TA_DECL_OHLC_0_4(name) \
    int pr_ta_##name##_lookback(int *out); \
    int pr_ta_##name(size_t n, const double *open, const double *high, const double *low, const double *close, double *out1, double *out2, double *out3, double *out4); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double open, double high, double low, double close, double *out1, double *out2, double *out3, double *out4);

#define PR_TA_DECL_R_PP(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int *out); \
    int pr_ta_##name(size_t n, const double *in, int p1, int p2, double *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out);

#define PR_TA_DECL_HL_PP_2(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int *out); \
    int pr_ta_##name(size_t n, const double *high, const double *low, int p1, int p2, double *out1, double *out2); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out1, double *out2);

/* Outputs as an array of the row's n_outputs output arrays (batch) or one
 * array of n_outputs values (streaming). */
#define PR_TA_DECL_THLC_PP_V(name) \
    int pr_ta_##name##_lookback(int p1, int p2, int *out); \
    int pr_ta_##name(size_t n, const int64_t *ts, const double *high, const double *low, const double *close, int p1, int p2, double *const *out); \
    PR_TA_DECL_STATE_(name, pr_ta_##name##_impl) \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int p1, int p2); \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, int64_t ts, double high, double low, double close, double *out);

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

/* Shape tests for the lists: PR_TA_IF_CDL(shape)(tokens) keeps the tokens
 * for the candlestick shapes and drops them for every other shape, so the
 * pattern enum and the engine's per-pattern entry points come from the
 * same rows. */
#define PR_TA_SECOND_(...) PR_TA_SECOND_I_(__VA_ARGS__, )
#define PR_TA_SECOND_I_(a, b, ...) b
#define PR_TA_KEEP_(...) __VA_ARGS__
#define PR_TA_DROP_(...)
#define PR_TA_CDL_PROBE_CDL ~, PR_TA_KEEP_
#define PR_TA_CDL_PROBE_CDL_PEN ~, PR_TA_KEEP_
#define PR_TA_IF_CDL(shape) PR_TA_SECOND_(PR_TA_CDL_PROBE_##shape, PR_TA_DROP_)

#endif
