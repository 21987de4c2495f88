/* Internal to the CLI: `proratio optimize`. Its settings (the configuration's
 * "optimize" section), the trial runner that evaluates a point of the space
 * on a window of the loaded markets — the backtest's strategy, sizing and
 * risk stage, built from a worker's own copy of the configuration with the
 * point's values set — and the parallel batches of trials. */
#ifndef PR_CLI_OPTIMIZE_H
#define PR_CLI_OPTIMIZE_H
#include <stdint.h>
#include "proratio/engine.h"
#include "backtest_config.h"

typedef struct opt_settings {
    pr_opt_space space;
    pr_sampler_config sampler;
    size_t trials;                 /* per search (per fold in walk-forward)      */
    pr_objective_config obj;
    int walk_forward;              /* 0: --in-sample-only                        */
    pr_wf_config wf;               /* bars or times; all 0: the default split    */
    int jobs;                      /* threads (0: the machine's cores)           */
    size_t top;                    /* result rows printed                        */
} opt_settings;

/* Reads "optimize" into o (flags applied after). One message per problem
 * into errs; returns their number. */
size_t opt_settings_read(const pr_config *cfg, opt_settings *o, bt_errors *errs);

/* A window of the loaded markets: bars of market 0 [from, to) by index,
 * the other markets up to the same time; bars before `from` only warm up. */
typedef struct opt_window {
    size_t from, to;
    double cash;                   /* > 0: the run's start cash (else the configured) */
} opt_window;

/* What a trial produced. */
typedef struct opt_trial {
    double x[PR_OPT_MAX_DIMS];
    double score;                  /* -INFINITY: invalid or failed              */
    double value[PR_OPT_MAX_OBJECTIVES];   /* each objective (its own sense)     */
    double sharpe, sortino, calmar, ret, cagr, max_dd, pf, expectancy, sqn;
    size_t trades;
    char why[PR_ERR_MSG_MAX];      /* invalid: the filter or the error            */
    int failed;                    /* 1: the run itself failed (why says why); 0:
                                      it ran (a filter may still reject it)       */
    int stored;                    /* 1: read back from the store (not run again) */
} opt_trial;

/* The MPI ranks of a `mpirun -n K proratio optimize` (optimize_mpi.c);
 * one rank (on 0, size 1) otherwise. */
typedef struct opt_mpi {
    int on, rank, size;
} opt_mpi;

/* Everything the trials share (read-only while they run). */
typedef struct opt_ctx {
    const opt_mpi *mpi;            /* NULL or one rank: threads only             */
    const char *config_text;       /* the configuration, flags applied           */
    const bt_settings *s;
    const opt_settings *o;
    const pr_bt_market *mk;        /* the loaded markets                         */
    size_t n_markets;
} opt_ctx;

typedef struct opt_worker opt_worker;

int opt_worker_new(const opt_ctx *ctx, opt_worker **out, pr_err *err);
void opt_worker_free(opt_worker *w);

/* What a caller keeps of a trial's run besides its figures. */
typedef struct opt_keep {
    int records;                   /* 1: hand over eq and tr (free() them)       */
    pr_equity_point *eq;
    size_t n_eq;
    pr_trade_record *tr;
    size_t n_tr;
    double *daily;                 /* non-NULL: the run's daily returns (equity
                                      at each UTC day's last point over the day
                                      before's; the first over the start cash) */
    size_t daily_stride;           /* between consecutive days in daily          */
    size_t daily_cap, n_daily;     /* in: room; out: days written                */
} opt_keep;

/* Runs point x on window w into t (t->x set from x). A run that cannot be
 * set up or fails is an invalid trial with the message in t->why, not an
 * error; PR_ENOMEM is. keep (may be NULL): what to hand back. */
int opt_run_trial(opt_worker *wk, const double *x, const opt_window *w, opt_trial *t, opt_keep *keep, pr_err *err);

/* The daily returns of trials [0, cols) of a search, row-major (days x
 * cols: returns[day * cols + trial]), for the overfitting statistics. */
typedef struct opt_returns {
    double *m;
    size_t rows, cols;
} opt_returns;

/* Daily returns of a curve (see opt_keep.daily) into out[k * stride], at
 * most cap days; returns the count. */
size_t opt_daily_returns(const pr_equity_point *eq, size_t n, double start, double *out, size_t stride, size_t cap);

/* The UTC days the markets trade in window w (the rows of its returns). */
size_t opt_window_days(const opt_ctx *ctx, const opt_window *w);

/* Trials [0, n) of a search on window w into t[0..n): points from the
 * sampler (seed as given), run on `jobs` workers in batches that keep them
 * deterministic. *n may shrink (a grid with fewer points). ret (may be
 * NULL): the daily returns of the first ret->cols trials. Trials marked
 * stored (read back from the store) are not run again. on_batch (may be
 * NULL): called after each batch [lo, hi) with the total; an error from it
 * stops the search. */
typedef int (*opt_batch_fn)(void *user, size_t lo, size_t hi, size_t total, pr_err *err);
int opt_search(opt_worker **workers, int jobs, const opt_ctx *ctx, const pr_sampler_config *sc, const opt_window *w,
               opt_trial *t, size_t *n, opt_returns *ret, opt_batch_fn on_batch, void *user, pr_err *err);

/* ---- OpenMPI (optimize_mpi.c) ------------------------------------------------ */
/* Starts MPI when the process runs under mpirun (else one rank). */
int opt_mpi_init(opt_mpi *m, int *argc, char ***argv);
void opt_mpi_finalize(opt_mpi *m);
/* Stops every rank (an error on one that the others would wait for). */
void opt_mpi_abort(const opt_mpi *m, int code);

/* One batch of a search as every rank sees it. */
typedef struct opt_mpi_batch {
    opt_worker *w;
    const opt_ctx *ctx;
    const pr_sampler_config *sc;
    const opt_window *win;
    opt_trial *t;
    const pr_opt_done *done;
    size_t known, lo, hi;
    opt_returns *ret;
} opt_mpi_batch;

/* Runs trials [lo, hi) over the ranks (rank 0 hands them out one at a
 * time and runs some itself); afterwards every rank holds all of them and
 * their returns; *past is where a grid ended (hi when it did not). */
int opt_mpi_run_batch(const opt_mpi *m, const opt_mpi_batch *b, size_t *past, pr_err *err);
/* Rank 0's trials t[0..n) and returns (read back from the store) to every rank. */
void opt_mpi_share(const opt_mpi *m, opt_trial *t, size_t n, opt_returns *ret);

#endif
