/* Part of risk.h: exposure limits on a new entry, given the book (open
 * positions and the entries already sized at the same step, as signed
 * notionals in the account currency) and the equity: concurrent positions,
 * caps per asset class (allocations), a cash floor, per-position
 * leverage per asset class, net exposure per currency (a forex position is
 * long its base and short its quote), per sector, per group of correlated
 * instruments, and the margin safety ratio. The caps resize the entry down
 * to the room left; a full book refuses it. Pure: the stage supplies the
 * book and the correlations (risk/watch.h). */
#ifndef PRORATIO_RISK_EXPOSURE_H
#define PRORATIO_RISK_EXPOSURE_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/risk/var.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_SECTORS_MAX 64       /* instruments with a configured sector      */
#define PR_RISK_SECTOR_NAME 32
#define PR_RISK_CLASSES 5            /* pr_asset_class values                     */

typedef enum pr_risk_alloc {
    PR_ALLOC_NONE = 0, PR_ALLOC_CONSERVATIVE, PR_ALLOC_DIVERSIFIED, PR_ALLOC_AGGRESSIVE
} pr_risk_alloc;
extern const char *const pr_risk_alloc_names[];   /* "none" "conservative" "diversified" "aggressive" */

/* `risk.exposure` (0 turns a limit off; all off by default) and the
 * instrument -> sector map of `risk.sectors`. */
typedef struct pr_risk_exposure {
    int allocation;          /* pr_risk_alloc: fills the class caps and min_cash left at 0 */
    int max_positions;       /* open positions (entries beyond it are refused)   */
    double cap_crypto, cap_forex, cap_stock, cap_future;  /* class gross notional,
                                                            fraction of equity    */
    double min_cash;         /* all positions' gross notional <= (1 - min_cash) * equity */
    double lev_crypto, lev_forex, lev_stock, lev_future;  /* one position's notional,
                                                            multiple of equity     */
    double currency_cap;     /* |net exposure| per currency other than the account's */
    double sector_cap;       /* gross notional per sector                         */
    double corr_threshold;   /* instruments correlated above this share corr_cap (0.7) */
    double corr_cap;         /* gross notional of such a group                    */
    int corr_window;         /* steps of returns of the correlation (50)          */
    double margin_ratio;     /* (margin used + the entry's) / equity at most this  */
    int n_sectors;
    char sector_symbol[PR_RISK_SECTORS_MAX][PR_SYMBOL_MAX];
    char sector_name[PR_RISK_SECTORS_MAX][PR_RISK_SECTOR_NAME];
} pr_risk_exposure;

extern const pr_strategy_info pr_risk_exposure_info;

/* Fills the class caps and min_cash left at 0 from the allocation. */
void pr_risk_exposure_apply_allocation(pr_risk_exposure *c);
/* Reads `path` (risk.sectors): {"SYMBOL": "sector", ...}. */
int pr_risk_sectors_read(const pr_config *cfg, const char *path, pr_risk_exposure *c, pr_err *err);
/* Reads risk.exposure, risk.sectors and risk.var of the `path` section
 * (defaults first) and applies the allocation. */
int pr_risk_exposure_read(const pr_config *cfg, const char *path, pr_risk_exposure *ex, pr_risk_var *var,
                          pr_err *err);
/* The sector of a symbol, NULL when none is configured. */
const char *pr_risk_sector_of(const pr_risk_exposure *c, const char *symbol);
/* 1 when any limit is on. */
int pr_risk_exposure_on(const pr_risk_exposure *c);

/* One position of the book, or the entry. */
typedef struct pr_risk_pos {
    int index;               /* instrument index (the view's)                     */
    const pr_instrument *inst;
    double notional;         /* signed, account currency (> 0 long)               */
} pr_risk_pos;

typedef struct pr_risk_book {
    double equity;
    double margin_used;      /* initial margin of the open positions              */
    double gross;            /* their gross notional (the account's)               */
    const char *ccy;         /* the account currency                              */
    const pr_risk_pos *pos;
    size_t n;
} pr_risk_book;

/* Rolling correlation of the returns of two instruments (NaN: unknown). */
typedef double (*pr_risk_corr_fn)(void *ctx, int a, int b);

/* The largest notional (<= |entry->notional|) the limits let the entry
 * have, in *allowed; *reason names the limit that bound it (static text),
 * NULL when none did. 0 means refused. */
void pr_risk_exposure_check(const pr_risk_exposure *c, const pr_risk_book *b, const pr_risk_pos *entry,
                            pr_risk_corr_fn corr, void *ctx, double *allowed, const char **reason);

/* Pearson correlation (risk/correl.h's pr_corr_window) of the returns of
 * instruments a and b over the latest n rows of a ring of `cap` rows of
 * n_inst returns each, whose next row to write is `head` (a plain matrix of
 * n rows: cap = head = n); scratch holds 2n doubles. NaN for n < 3 or a
 * constant series. */
double pr_risk_corr(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, int a, int b,
                    double *scratch);

#ifdef __cplusplus
}
#endif
#endif
