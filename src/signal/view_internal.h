/* The market view's insides, shared by its files: view.c (building it,
 * declarations, the step), view_tf.c (higher timeframes aggregated as
 * decision bars close), view_ind.c (the indicator cache) and view_read.c
 * (what strategies, features and runners read). Nothing outside the view
 * includes this. */
#ifndef PR_SIGNAL_VIEW_INTERNAL_H
#define PR_SIGNAL_VIEW_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/signal.h"
#include "proratio/ta.h"

/* One series the view shows: an instrument's decision timeframe (borrowed)
 * or a higher timeframe built here from it. */
typedef struct vstream {
    int inst;
    pr_timeframe tf;
    const pr_series *base;   /* decision stream: borrowed series          */
    pr_series agg;           /* higher timeframe: closed bars only        */
    size_t len;              /* visible bars                               */
    int forming;             /* a bucket is being accumulated (invisible) */
    int64_t f_ts;
    double f_o, f_h, f_l, f_c, f_v;
} vstream;

/* One declared indicator output on one stream. */
typedef struct vind {
    const double *vals_ro;   /* == vals; read path                            */
    const size_t *lenp;      /* visible length of its stream                   */
    int stream;
    const pr_ta_def *def;
    double params[PR_TA_MAX_PARAMS];
    int output;
    int source, source2;     /* bar fields feeding real0 and real1          */
    int src_ind;             /* >= 0: real0 is this indicator's output       */
    int started;             /* streaming over src_ind: its first value seen  */
    int lookback;
    int batch;               /* values precomputed over the whole series  */
    double *vals;
    size_t cap;
    void *state;             /* streaming state                            */
} vind;

struct pr_market_view {
    size_t n;
    pr_instrument *inst;
    const pr_series **series;
    int precompute;
    int prepared;
    int64_t now;
    unsigned char *updated;
    size_t steps;            /* pr_view_step calls since pr_view_prepare      */
    vstream *streams;        /* [0, n) are the decision streams            */
    size_t n_streams, cap_streams;
    vind *inds;
    size_t n_inds, cap_inds;
    size_t warmup;
    size_t history;          /* bars before which the start no longer counts */
    const char *unbounded;   /* an indicator that never forgets its start     */
    pr_allocator alloc;      /* batch indicator values                         */
    pr_pool *own_pool;       /* behind alloc when the runner gave none          */
    int simple;              /* no higher timeframes, no streaming indicators */
    const pr_portfolio *portfolio;   /* the runner's, borrowed (NULL: flat)  */
    pr_view_events *funding;         /* n, copied (their arrays borrowed); NULL: none */
};

/* Stream of (inst, tf); -1 when not declared. */
static inline int view_find_stream(const pr_market_view *v, int inst, pr_timeframe tf) {
    if (inst < 0 || (size_t)inst >= v->n) return -1;
    if (tf == PR_TF_NONE || tf == v->streams[inst].tf) return inst;
    for (size_t k = v->n; k < v->n_streams; k++)
        if (v->streams[k].inst == inst && v->streams[k].tf == tf) return (int)k;
    return -1;
}

/* view_tf.c: a step with higher timeframes or streaming indicators (the
 * simple step stays in pr_view_step). */
int view_step_full(pr_market_view *v, int64_t now, const unsigned char *closed, pr_err *err);

/* view_ind.c: the indicator cache. */
/* Allocates the values of each declared indicator: batch over complete
 * decision series when precomputing, else streaming states. */
int view_inds_prepare(pr_market_view *v, pr_err *err);
/* Streaming update of the indicators on stream si for its newest visible bar. */
int view_inds_update(pr_market_view *v, int si, pr_err *err);
void view_inds_free(pr_market_view *v);

#endif
