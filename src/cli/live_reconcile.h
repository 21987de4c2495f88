/* Internal to the CLI: a live session's reconciliation with its venue at
 * start (live.reconcile): open orders the session does not expect
 * (cancelled, adopted or left), fills since the last venue trade id seen
 * (the session's own counted, those of adopted orders booked), and each
 * market's venue position or base balance against what the session
 * expects; a mismatch pauses the market's entries until
 * `proratio live confirm`. What it keeps between runs is one JSON row of
 * the store's risk_state table, named "live-reconcile:<session>". */
#ifndef PR_CLI_LIVE_RECONCILE_H
#define PR_CLI_LIVE_RECONCILE_H
#include <stdio.h>

#include "backtest_config.h"
#include "live_venue.h"
#include "proratio/data/store.h"

#define RECON_MAX_ADOPTED 32
#define RECON_MAX_PAUSES 16
#define RECON_MAX_SENT 64

typedef enum { RECON_CANCEL = 0, RECON_ADOPT, RECON_LEAVE } recon_action;

typedef struct recon_adopted {
    int64_t venue_id;
    char client_id[PR_VENUE_CLIENT_ID_MAX];
} recon_adopted;

/* Entries refused for decision times in [from, to); to PR_TIME_NONE: open. */
typedef struct recon_pause {
    int64_t from, to;
} recon_pause;

typedef struct recon_market {
    char symbol[PR_VENUE_SYMBOL_MAX];
    int has_base;            /* base: the venue's quantity when the session began */
    double base;
    double net;              /* executed by the session's orders since then   */
    int64_t cursor;          /* last venue trade id seen (-1: none)             */
    size_t n_adopted, n_pauses;
    recon_adopted adopted[RECON_MAX_ADOPTED];
    recon_pause pauses[RECON_MAX_PAUSES];
    int64_t confirmed;       /* `live confirm` time, until the next start uses it */
    /* Client ids sent since the session's state was last saved (the
     * write-ahead record), and at start the venue ids of those the venue
     * has: the orders of a killed run's last step, the session's own. */
    size_t n_sent, n_tail;
    char sent[RECON_MAX_SENT][PR_VENUE_CLIENT_ID_MAX];
    int64_t tail[RECON_MAX_SENT];
    double venue, expected;  /* at the last mismatch                            */
} recon_market;

typedef struct live_recon {
    recon_action unknown;    /* live.reconcile.unknown_orders                    */
    int cancel_foreign;      /* live.reconcile.cancel_foreign                    */
    int pause;               /* live.reconcile.on_mismatch "pause" (1) / "continue" */
    char name[128];          /* the store row (PR_RISK_STATE_NAME_MAX)          */
    char session[128];
    size_t n;
    recon_market mk[BT_MAX_MARKETS];
    size_t cancelled, adopted, left, booked, foreign_fills, resent, mismatches;
    char *log;               /* JSON lines for executions.jsonl (malloc'd)       */
    pr_store *st;            /* borrowed: where note_send writes                 */
    const pr_venue_mirror *mirror; /* borrowed: the orders it already knows       */
    size_t log_len;
} live_recon;

/* live.reconcile into rc; one message per problem into errs. */
size_t live_recon_read(live_recon *rc, const pr_config *cfg, bt_errors *errs);
/* The stored reconciliation of `session` (none or fresh: a new one). */
int live_recon_load(live_recon *rc, pr_store *st, const char *session, const char *const *symbols, size_t n,
                    int fresh, pr_err *err);
/* A pr_paper_gate_fn: entries of a paused market refused. */
int live_recon_gate(void *user, int instrument, int64_t now);
/* Reconciles at start: first_new is the first decision time after the
 * resumed state (PR_TIME_NONE: a new session); resent the orders the
 * resume replay sent because the venue lacked them. Lines to f; the
 * state saved in st. */
int live_recon_run(live_recon *rc, pr_store *st, live_venue *lv, int64_t first_new, size_t resent, FILE *f,
                   pr_err *err);
/* A pr_venue_mirror_send_fn (user: the live_recon; the store set by
 * live_recon_attach): the client id recorded in the store before the send. */
int live_recon_note_send(void *user, size_t market, const char *client_id, pr_err *err);
void live_recon_attach(live_recon *rc, pr_store *st, const pr_venue_mirror *mirror);
/* The session's state was saved: the sends so far are replayed from it. */
int live_recon_saved(live_recon *rc, pr_err *err);
/* Appends the reconciliation's log lines to dir/executions.jsonl. */
void live_recon_write_log(const live_recon *rc, const char *dir);
void live_recon_free(live_recon *rc);
/* `proratio live confirm --db URL --session S --market SYMBOL`. */
int live_recon_confirm_cmd(int argc, char **argv);
/* `proratio status`: the paused markets of session, one line each. */
void live_recon_status(pr_store *st, const char *session, FILE *f);
#endif
