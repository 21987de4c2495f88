/* A running paper session as `proratio status` and `proratio stop` see it
 * (the paper_run table, data/store_paper.h): the session registers its
 * process (pid, host, the process's start time), beats a heartbeat with a
 * status snapshot at most once a second (account, P&L, positions, working
 * orders, protections, last bar per market, last save) and polls the stop
 * request there; at its end it records how it ended and its last status. */
#ifndef PR_CLI_PAPER_RUN_H
#define PR_CLI_PAPER_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "proratio/data/store.h"
#include "proratio/data/store_paper.h"
#include "proratio/live.h"
#include "proratio/risk.h"

/* What the status snapshot is made of. */
typedef struct paper_status_src {
    pr_runner *r;
    const char *const *symbols;
    const pr_timeframe *tfs;
    size_t n;
    const pr_risk_stage *risk;
    double start_cash;
    const char *ccy;
    int64_t saved_step;      /* close of the last state saved (PR_TIME_NONE)  */
    int64_t saved_at;        /* wall clock of that save                       */
} paper_status_src;

typedef struct paper_run {
    pr_store *st;            /* NULL: not registered (every call a no-op)     */
    char session[256];
    int64_t last_beat;       /* wall ms                                       */
    int stop_asked;          /* `proratio stop` asked                         */
    int warned;              /* a heartbeat failed and was reported           */
} paper_run;

/* The status snapshot as JSON text (malloc'd). */
int paper_status_json(const paper_status_src *src, char **out, pr_err *err);
/* The start time of process pid as the kernel counts it (field 22 of
 * /proc/PID/stat), "" when unknown: with the pid it names one process. */
void paper_proc_start(long long pid, char *buf, size_t cap);

/* PR_ESTATE, naming its pid and host, when `session` is running now. */
int paper_run_refuse_twice(pr_store *st, const char *session, pr_err *err);
int paper_run_start(paper_run *pr, pr_store *st, const char *session, pr_err *err);
/* The heartbeat (at most once a second); a stop request sets *stop. A
 * failed heartbeat is reported once on stderr and trading goes on. */
void paper_run_tick(paper_run *pr, const paper_status_src *src, volatile sig_atomic_t *stop);
/* 1 when `proratio stop` asked this session to stop (the store is read
 * once more: its SIGTERM may have come before the heartbeat saw the flag). */
int paper_run_stop_requested(paper_run *pr);
/* The end: how it ended (written as is) and the last status. */
void paper_run_end(paper_run *pr, const paper_status_src *src, const char *outcome);


/* What a stored session is now. */
typedef enum paper_liveness {
    PAPER_RUNNING,           /* its process is there and beats              */
    PAPER_ENDED,             /* it recorded its end                          */
    PAPER_GONE,              /* its process is gone without a word (killed)  */
    PAPER_STALE              /* no heartbeat for a while (another host, or hung) */
} paper_liveness;

/* A heartbeat older than this says the session is not beating. */
#define PAPER_STALE_MS 15000

/* Classifies row at wall time now; *same_host 1 when its process could be
 * checked here (pid and start time). */
paper_liveness paper_run_liveness(const pr_paper_run *row, int64_t now, int *same_host);

/* Opens the store at db for `status` / `stop` (cmd names the command in
 * messages): an exit code, PR_EXIT_NOTFOUND with a message when the store
 * predates session records (schema < 7: nothing has run against it). */
int paper_open_runs(const char *cmd, const char *db, int read_only, pr_store **out);

#endif
