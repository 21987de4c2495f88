/* Shared by the look-ahead and warm-up checks (check_*.c): a strategy
 * wrapper that records, at every step, what the wrapped strategy saw and
 * did (the declared indicators' latest values, the visible bars, the
 * signals), and one recorded run over a set of markets. */
#ifndef PR_ENGINE_CHECK_INTERNAL_H
#define PR_ENGINE_CHECK_INTERNAL_H
#include "proratio/engine.h"

/* The numbers of a signal that are compared, and their names. */
#define CHK_SIG_FIELDS 13
extern const char *const chk_sig_field[CHK_SIG_FIELDS];

typedef struct chk_sig {
    int kind, inst;
    double f[CHK_SIG_FIELDS];
    char tag[PR_SIGNAL_TAG_MAX];
} chk_sig;

typedef struct chk_rec {
    size_t n_ind, n_inst;
    char (*ind_what)[PR_CHECK_WHAT_MAX];   /* n_ind descriptions            */
    pr_view_ind_info *info;                /* n_ind                          */
    char (*sym)[PR_SYMBOL_MAX];            /* n_inst                         */
    size_t steps, cap;
    int64_t *now;                          /* steps                          */
    double *vals;                          /* steps x n_ind                  */
    size_t *lens;                          /* steps x n_inst: visible bars   */
    size_t *sig0;                          /* steps + 1: first signal of a step */
    chk_sig *sigs;
    size_t n_sigs, cap_sigs;
} chk_rec;

/* Runs r's strategy over cfg, recording into rec (overwritten). */
int chk_run(const pr_backtest_config *cfg, const pr_check_runner *r, chk_rec *rec, pr_err *err);
void chk_rec_free(chk_rec *rec);

#endif
