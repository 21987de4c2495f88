/* The strategy plugin ABI: a user's strategy written in C, built as a
 * shared object outside Proratio and loaded at run time with
 * `"strategy": {"plugin": "path/to/mystrat.so", "params": {...}}`.
 *
 * A plugin is written exactly as a built-in strategy is (see
 * src/signal/vol_breakout.c): a parameter struct, its pr_param_def table
 * (which validates `strategy.params`, documents it for `proratio strategy
 * show` and gives an optimiser its space), a pr_strategy_vt whose on_bar
 * reads the market view (pr_view_*: closed bars, indicators from the ta
 * table, higher timeframes, what it holds) and appends signals
 * (pr_signal_list_add, pr_signal_why, pr_signal_tag), and a
 * pr_strategy_info row. It then exports that row once:
 *
 *     PR_PLUGIN_EXPORT(my_info);
 *
 * and is built against these headers:
 *
 *     cc -std=c17 -O2 -fPIC -shared -I<proratio>/include mystrat.c -o mystrat.so
 *
 * (`proratio strategy new NAME` writes a commented template and prints
 * that command). The program provides every pr_* function the plugin
 * calls; a plugin links against nothing else of Proratio.
 *
 * The ABI version below changes whenever a structure or function a plugin
 * uses changes shape; a plugin built for another version is refused when
 * loaded, with both versions in the message, rather than run on a layout
 * it does not know. Signals a plugin returns are checked (instrument,
 * kind, prices, fractions): garbage is an error naming the plugin. */
#ifndef PRORATIO_SIGNAL_PLUGIN_H
#define PRORATIO_SIGNAL_PLUGIN_H
#include "proratio/signal.h"

#ifndef PR_PLUGIN_ABI
#define PR_PLUGIN_ABI 2
#endif

/* What a plugin exports (as the symbol pr_plugin_entry). */
typedef struct pr_plugin {
    int abi;                          /* PR_PLUGIN_ABI when it was built   */
    const pr_strategy_info *strategy; /* its registry row                  */
} pr_plugin;

#define PR_PLUGIN_EXPORT(info)                                                                                   \
    __attribute__((visibility("default"))) const pr_plugin pr_plugin_entry = {PR_PLUGIN_ABI, &(info)}

/* Loader side (the program). */
typedef struct pr_plugin_handle pr_plugin_handle;

/* Loads the plugin at `path` (dlopen, then pr_plugin_entry): PR_ENOTFOUND
 * when the file cannot be loaded (the loader's reason in err), PR_EINVAL
 * when it exports no entry, another ABI version or an incomplete row. */
int pr_plugin_open(const char *path, pr_plugin_handle **out, pr_err *err);
const pr_strategy_info *pr_plugin_strategy_info(const pr_plugin_handle *h);
/* The plugin's name: its row's name (or the file's when it has none). */
const char *pr_plugin_name(const pr_plugin_handle *h);
/* Creates the plugin's strategy with parameters from the JSON object at
 * `path` of cfg (validated by its table). The strategy owns the handle from
 * then on (closed when the strategy is freed): pass ownership, do not close
 * h yourself after a successful call. Its signals are checked after every
 * on_bar. */
int pr_plugin_strategy_create(pr_plugin_handle *h, const pr_config *cfg, const char *path, pr_strategy **out,
                              pr_err *err);
void pr_plugin_close(pr_plugin_handle *h);
/* The plugin whose code runs on this thread right now (on_bar, init, ...),
 * or NULL: for a crash handler to name it. */
const char *pr_plugin_running(void);

#endif
