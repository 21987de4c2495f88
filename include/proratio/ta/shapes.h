/* Part of ta.h: the typed signatures ("shapes") shared by indicators, as
 * declaration macros. Each row of proratio/ta/list.h names its shape; the
 * declarations of every listed indicator come from these macros, and
 * src/ta/table_internal.h holds the matching table adapters. A shape's name
 * reads inputs_params[_outputs]: R = one real series, RR = two, HL = high
 * and low, HLC = high, low and close; P = an int parameter, R = a real one,
 * 0 = none; _2/_3 = that many outputs (one when absent). */
#ifndef PRORATIO_TA_SHAPES_H
#define PRORATIO_TA_SHAPES_H
#include <stddef.h>

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

#endif
