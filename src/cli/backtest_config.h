/* Internal to the CLI: the JSON configuration of `proratio backtest` (schema
 * in README "Backtesting"), read and validated into bt_settings, and the
 * market specs built from it once the data is loaded. Every bad value is
 * reported with its dotted path; unknown keys are rejected. */
#ifndef PR_BACKTEST_CONFIG_H
#define PR_BACKTEST_CONFIG_H
#include "proratio/engine.h"
#include "proratio/risk.h"
#include "backtest_data.h"

#define BT_MAX_MARKETS 32
#define BT_MAX_ERRORS 24
#define BT_N_COSTS 11

/* Validation messages, collected so that one run reports them all. */
typedef struct bt_errors {
    size_t n, dropped;
    char msg[BT_MAX_ERRORS][PR_ERR_MSG_MAX];
} bt_errors;

void bt_errors_add(bt_errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A number the configuration may leave unset. */
typedef struct bt_num {
    int set;
    double v;
} bt_num;

typedef struct bt_costs_ov {
    bt_num v[BT_N_COSTS];          /* in the order of bt_cost_keys             */
    int schedule_set;              /* fee_schedule given (and valid)           */
    pr_fee_schedule schedule;      /* the market specs borrow it               */
} bt_costs_ov;

typedef struct bt_margin_ov {
    bt_num leverage, maintenance, liquidation_fee;
    int allow_short;               /* -1 unset, 0, 1                           */
} bt_margin_ov;

/* One instrument of the run: its bars and the instruments.<symbol> keys. */
typedef struct bt_market {
    bt_source src;
    pr_asset_class cls;            /* UNKNOWN: from the data                   */
    char base[16], quote[16];      /* "" : defaults                            */
    bt_num tick_size, lot_step, min_qty, min_notional, pip_size, contract_multiplier, fx_rate;
    bt_costs_ov costs;
    bt_margin_ov margin;
    int has_fine;
    bt_source fine;
    char funding[BT_PATH_MAX];     /* "" none, "store", a name or a CSV path   */
    bt_num funding_rate;           /* per 8 hours, when no rates are loaded     */
    int perpetual;                 /* -1 unset                                  */
} bt_market;

/* funding.missing: what funding times without a rate are charged. */
enum { BT_FUNDING_ERROR = 0, BT_FUNDING_ZERO, BT_FUNDING_RATE };

typedef struct bt_settings {
    char description[256];
    char db[BT_PATH_MAX];
    int64_t from, to;              /* PR_TIME_NONE: unbounded                   */
    long warmup;                   /* bars loaded before `from`; -1: "auto"     */
    size_t n_markets;
    bt_market markets[BT_MAX_MARKETS];
    char strategy[64];
    pr_sizing sizing;
    bt_errors warnings;            /* keys read but not used (printed, no error) */
    int has_risk;                  /* 1: a "risk" section: the risk stage sizes */
    pr_risk_config risk;
    bt_costs_ov class_costs[PR_ASSET_FUTURE + 1];
    bt_margin_ov margin;
    char ccy[16];                  /* "" : quote currency of the first market    */
    double cash;
    int funding_missing;           /* BT_FUNDING_*                              */
    bt_num funding_rate;           /* funding.rate, for BT_FUNDING_RATE         */
    double risk_free, periods_per_year, bench_fee;
    int benchmark;
    char out_dir[BT_PATH_MAX];
    char report[BT_PATH_MAX];      /* "" : no report                            */
    char title[256];
    long trade_rows, chart_points;
} bt_settings;

/* Names of the pr_costs fields as configuration keys, and their offsets. */
extern const char *const bt_cost_keys[BT_N_COSTS + 1];
extern const size_t bt_cost_off[BT_N_COSTS];
/* 1 for the costs keys that set the commission (taker/maker fee, per 100k,
 * per share, minimum): a fee schedule other than flat replaces them. */
int bt_cost_is_commission(int k);

/* Reads everything except the strategy's own parameters (the strategy
 * checks those when it is created from "strategy.params"). Appends one
 * message per problem to errs; returns the number of messages. */
size_t bt_settings_read(const pr_config *cfg, bt_settings *s, bt_errors *errs);

/* The simulated broker's view of market i once its data is loaded: the
 * store's instrument record or the class defaults, the instrument
 * overrides, costs (class defaults, then costs.<class>, then the
 * instrument's costs), margin and funding (ld's rates are borrowed).
 * PR_EINVAL naming the key when the asset class cannot be told. */
/* "taker_fee=0.001 slippage=0.002" (the non-zero costs) or "none". */
size_t bt_costs_describe(const pr_costs *c, char *buf, size_t cap);
/* "fixed_risk 0.01 (fraction 0.1 without a stop)" etc. */
size_t bt_sizing_describe(const pr_sizing *z, char *buf, size_t cap);

/* The strategy named in the configuration: a built-in one from signal's
 * registry, or risk's composite "portfolio" (README "Portfolio, regimes
 * and correlation"), its parameters at `path`. */
int bt_strategy_create(const char *name, const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err);

int bt_market_spec(const bt_settings *s, size_t i, const bt_loaded *ld, pr_market_spec *out, pr_err *err);

/* Funding times of market i's run without a loaded rate, handled as
 * funding.missing says: "error" refuses the run (PR_ENOTFOUND naming the
 * spans), "zero" charges nothing there, "rate" charges the configured rate
 * there (ld's rates are replaced by the completed series, out's funding
 * points at them); both warn on stderr with the spans. */
int bt_funding_coverage(const bt_settings *s, size_t i, bt_loaded *ld, pr_market_spec *out, pr_err *err);

/* Loads every market of s (bars with up to `warmup` before data.from, finer
 * bars, funding) into ld[0..s->n_markets) and their run settings into mk
 * (specs, bars borrowed from ld, checked once); *n_ld counts the loaded
 * ones (free them with bt_loaded_free even on failure). Rows skipped as
 * invalid are reported on stderr under the command's name (NULL: quiet). */
int bt_load_markets(bt_data *data, const bt_settings *s, size_t warmup, const char *cmd, bt_loaded *ld,
                    size_t *n_ld, pr_bt_market *mk, pr_err *err);

#endif
