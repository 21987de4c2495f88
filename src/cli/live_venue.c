/* `proratio live`'s venue: configuration, keys, the real-money refusals
 * and the startup lines (see live_venue.h). Keys are read from the
 * environment and never printed. */
#include <stdlib.h>
#include <string.h>

#include "live_venue.h"

size_t live_venue_read(live_venue *lv, const pr_config *cfg, bt_errors *errs) {
    static const char *const keys[] = {"name", "rest", "ws", "user_data", "mainnet", "leverage", "margin", "account",
                                       "user_stream", "keepalive_s", "stream_wait_s", "brackets",
                                       "stop_limit_offset", NULL};
    static const char *const brackets[] = {"paper", "venue", NULL};
    static const char *const margins[] = {"venue", "cross", "isolated", NULL};
    size_t n0 = errs->n + errs->dropped;
    pr_err e;
    pr_err_clear(&e);
    if (pr_config_check_keys(cfg, "live.venue", keys, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    if (pr_config_string(cfg, "live.venue.name", "binance_spot", lv->name, sizeof lv->name, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    else if (!pr_venue_find(lv->name)) {
        char known[256] = "";
        size_t n;
        const pr_venue_ops *const *all = pr_venue_list(&n);
        for (size_t i = 0; i < n; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "", all[i]->name);
        bt_errors_add(errs, "live.venue.name: unknown venue \"%s\" (known: %s)", lv->name, known);
    }
    if (pr_config_string(cfg, "live.venue.account", "", lv->account, sizeof lv->account, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (pr_config_string(cfg, "live.venue.rest", "", lv->urls.rest, sizeof lv->urls.rest, &e) != PR_OK ||
        pr_config_string(cfg, "live.venue.ws", "", lv->urls.ws, sizeof lv->urls.ws, &e) != PR_OK ||
        pr_config_string(cfg, "live.venue.user_data", "", lv->urls.user_data, sizeof lv->urls.user_data, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (pr_config_bool(cfg, "live.venue.mainnet", 0, &lv->mainnet, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    if (pr_config_int(cfg, "live.venue.leverage", 0, 0, 125, &lv->leverage, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    int m = 0;
    if (pr_config_enum(cfg, "live.venue.margin", "venue", margins, &m, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    lv->margin = m - 1;
    const pr_venue_ops *ops = pr_venue_find(lv->name);
    if (pr_config_bool(cfg, "live.venue.user_stream", ops && ops->listen_key, &lv->user_stream, &e) != PR_OK ||
        pr_config_number(cfg, "live.venue.keepalive_s", 1800, 0, 3600, 1, &lv->keepalive_s, &e) != PR_OK ||
        pr_config_number(cfg, "live.venue.stream_wait_s", 5, 0, 600, 1, &lv->stream_wait_s, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (pr_config_enum(cfg, "live.venue.brackets", "paper", brackets, &lv->protect, &e) != PR_OK ||
        pr_config_number(cfg, "live.venue.stop_limit_offset", 0.005, 0.0001, 0.2, 0, &lv->stop_offset, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (lv->protect && ops && ops->protect == PR_VPROTECT_NONE)
        bt_errors_add(errs, "live.venue.brackets: \"venue\" (stop-loss and take-profit resting at the venue) is "
                      "not available on %s: set it to \"paper\" (the paper broker's stops and targets, sent at "
                      "market when they fire)", lv->name);
    /* A stop-loss on fill is the entry's and stays where it was placed: a
     * stop that moves by configuration would leave the venue at its first
     * move, so that is refused before anything is sent. */
    char trail[16] = "off";
    double be = 0;
    if (lv->protect && ops && ops->protect == PR_VPROTECT_ON_FILL &&
        pr_config_string(cfg, "risk.stops.trail", "off", trail, sizeof trail, &e) == PR_OK &&
        pr_config_number(cfg, "risk.stops.breakeven", 0, 0, 10, 0, &be, &e) == PR_OK && (strcmp(trail, "off") != 0 || be > 0))
        bt_errors_add(errs, "live.venue.brackets: \"venue\" on %s attaches the stop-loss to the entry "
                      "(stopLossOnFill), which cannot follow risk.stops.%s: set brackets to \"paper\", or %s",
                      lv->name, be > 0 ? "breakeven" : "trail", be > 0 ? "breakeven to 0" : "trail to \"off\"");
    if (lv->user_stream && ops && !ops->listen_key)
        bt_errors_add(errs, "live.venue.user_stream: %s has no user-data stream (set it to false)", lv->name);
    if (pr_config_bool(cfg, "live.i_understand_this_is_real_money", 0, &lv->real_money, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    if (lv->url_flag) pr_strlcpy(lv->urls.rest, lv->url_flag, sizeof lv->urls.rest);
    /* --venue-url http[s]://host:port: the user-data stream at the same
     * server (ws[s]://host:port) unless live.venue.user_data says where */
    if (lv->url_flag && !lv->urls.user_data[0] && strncmp(lv->url_flag, "http", 4) == 0)
        snprintf(lv->urls.user_data, sizeof lv->urls.user_data, "ws%s", lv->url_flag + 4);
    return errs->n + errs->dropped - n0;
}

/* What the account holds at start (assets with a balance), so the
 * operator sees the venue's side of the session before it trades. */
static void print_balances(live_venue *lv, FILE *f) {
    pr_venue_balance b[64];
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_balances(&lv->v, b, 64, &n, &e) != PR_OK) {
        fprintf(f, "balances     unavailable: %s\n", e.msg);
        return;
    }
    fprintf(f, "balances    ");
    size_t shown = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (b[i].free != 0 || b[i].locked != 0)
            fprintf(f, "%s %s %.10g free, %.10g locked", shown++ ? "," : "", b[i].asset, b[i].free, b[i].locked);
    fprintf(f, "%s\n", shown ? "" : " none");
}

int live_venue_open(live_venue *lv, const char *const *symbols, size_t n, FILE *f, pr_err *err) {
    const pr_venue_ops *ops = pr_venue_find(lv->name);
    if (lv->mainnet && !lv->real_money)
        return pr_err_set(err, PR_EINVAL, "live.venue.mainnet is true: %s's mainnet trades real money; refusing unless "
                          "the live section says \"i_understand_this_is_real_money\": true (nothing was sent)",
                          lv->name);
    if (lv->account[0] && !ops->account_env)
        return pr_err_set(err, PR_EINVAL, "live.venue.account: %s has no account id to set (nothing was sent)",
                          lv->name);
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_env_load(".env", &e);
    if (rc != PR_OK && rc != PR_ENOTFOUND) fprintf(stderr, "proratio: warning: .env: %s\n", e.msg);
    const char *key = getenv(ops->key_env), *secret = ops->secret_env ? getenv(ops->secret_env) : "";
    if (!ops->secret_env && (!key || !*key))
        return pr_err_set(err, PR_EINVAL, "%s needs an API token: set %s in the environment or ./.env", lv->name,
                          ops->key_env);
    if (ops->secret_env && (!key || !*key || !secret || !*secret))
        return pr_err_set(err, PR_EINVAL, "%s needs an API key and secret: set %s and %s in the environment or ./.env",
                          lv->name, ops->key_env, ops->secret_env);
    const char *account = lv->account[0] ? lv->account : ops->account_env ? getenv(ops->account_env) : NULL;
    if (ops->account_env && (!account || !*account))
        return pr_err_set(err, PR_EINVAL, "%s needs an account id: set live.venue.account or %s in the environment "
                          "or ./.env", lv->name, ops->account_env);
    pr_venue_config vc;
    memset(&vc, 0, sizeof vc);
    vc.urls = lv->urls;
    vc.mainnet = lv->mainnet;
    vc.key = key;
    vc.secret = secret;
    vc.account = account;
    if ((rc = pr_venue_open(lv->name, &vc, &lv->v, err)) != PR_OK) return rc;
    lv->open = 1;
    if (lv->mainnet) {
        int on = 1;
        if ((rc = pr_venue_withdrawals_enabled(&lv->v, &on, &e)) != PR_OK)
            return pr_err_set(err, rc, "mainnet: cannot confirm that the API key has no withdrawal permission (%.300s): "
                              "refusing to trade real money", e.msg);
        if (on)
            return pr_err_set(err, PR_EINVAL, "mainnet: the API key may withdraw (apiRestrictions enableWithdrawals "
                              "is true): refusing to trade real money with it; use a key without withdrawal "
                              "permission");
    }
    int64_t t;
    if ((rc = pr_venue_server_time(&lv->v, &t, err)) != PR_OK) return rc;
    int derivatives = ops->positions != NULL;
    if (!ops->set_leverage && (lv->leverage || lv->margin >= 0))
        return pr_err_set(err, PR_EINVAL, "live.venue.leverage / margin: %s has no leverage or margin type to set",
                          lv->name);
    if (ops->set_position_mode && (rc = pr_venue_set_position_mode(&lv->v, 0, &e)) != PR_OK)
        return pr_err_set(err, rc, "one-way position mode: %.400s", e.msg);
    for (size_t i = 0; i < n; i++) {
        pr_venue_rules r;
        if ((rc = pr_venue_rules_of(&lv->v, symbols[i], &r, &e)) != PR_OK ||
            (lv->margin >= 0 && (rc = pr_venue_set_margin_type(&lv->v, symbols[i], lv->margin, &e)) != PR_OK) ||
            (lv->leverage && (rc = pr_venue_set_leverage(&lv->v, symbols[i], (int)lv->leverage, &e)) != PR_OK))
            return pr_err_set(err, rc, "market %s: %.400s", symbols[i], e.msg);
    }
    char shown[PR_VENUE_URL_MAX];
    pr_strlcpy(shown, lv->urls.rest[0] ? lv->urls.rest : lv->mainnet ? ops->rest_mainnet : ops->rest_testnet,
               sizeof shown);
    fprintf(f, "mode         %s on %s (%s)\n", lv->mainnet ? "LIVE" : "TESTNET", lv->name,
            lv->mainnet ? "mainnet: REAL MONEY" : "testnet: no real money");
    if (account) fprintf(f, "account      %s\n", account);
    fprintf(f, "venue        %s at %s; each paper fill is sent there as a market order%s\n", lv->name, shown,
            derivatives ? " (exits reduce-only)" : "");
    if (lv->protect && ops->protect == PR_VPROTECT_ON_FILL)
        fprintf(f, "brackets     rest at the venue: the entry opening a position carries stopLossOnFill / "
                "takeProfitOnFill (the trade's own orders)\n");
    else if (lv->protect && derivatives)
        fprintf(f, "brackets     rest at the venue: a reduce-only STOP_MARKET at the stop and TAKE_PROFIT_MARKET at "
                "the target, for the position\n");
    else if (lv->protect)
        fprintf(f, "brackets     rest at the venue: an OCO list (LIMIT_MAKER take-profit, STOP_LOSS_LIMIT stop with "
                "its limit %g%% beyond the stop), or a lone STOP_LOSS_LIMIT or TAKE_PROFIT_LIMIT\n",
                lv->stop_offset * 100);
    else
        fprintf(f, "brackets     simulated by the paper broker: a stop or target is sent at market when it fires\n");
    print_balances(lv, f);
    if (derivatives && (lv->leverage || lv->margin >= 0)) {
        char lev[32] = "as set at the venue";
        if (lv->leverage) snprintf(lev, sizeof lev, "%ldx", lv->leverage);
        fprintf(f, "margin       leverage %s, %s margin, one-way positions\n", lev,
                lv->margin < 0 ? "the venue's" : lv->margin ? "isolated" : "cross");
    }
    fflush(f);
    return PR_OK;
}

void live_venue_close(live_venue *lv) {
    pr_venue_mirror_free(lv->mirror);
    lv->mirror = NULL;
    pr_venue_stream_close(lv->stream); /* deletes the listen key */
    lv->stream = NULL;
    if (lv->open) pr_venue_close(&lv->v);
    lv->open = 0;
}

void live_venue_positions(live_venue *lv, FILE *f) {
    if (!lv->open || !lv->v.ops->positions) return;
    pr_venue_position p[16];
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_positions(&lv->v, p, 16, &n, &e) != PR_OK) {
        fprintf(f, "venue        positions unavailable: %s\n", e.msg);
        return;
    }
    if (n == 0) fprintf(f, "venue        no open position\n");
    for (size_t i = 0; i < n && i < 16; i++)
        if (lv->v.ops->set_leverage)
            fprintf(f, "venue        position %s %.10g at %.10g, mark %.10g, liquidation %.10g, %dx %s, unrealised "
                    "%.2f\n", p[i].symbol, p[i].qty, p[i].entry_price, p[i].mark_price, p[i].liquidation_price,
                    p[i].leverage, p[i].isolated ? "isolated" : "cross", p[i].unrealized_pnl);
        else
            fprintf(f, "venue        position %s %.10g at %.10g, unrealised %.2f\n", p[i].symbol, p[i].qty,
                    p[i].entry_price, p[i].unrealized_pnl);
}

void live_venue_use_stream(live_venue *lv, FILE *f) {
    if (!lv->user_stream) {
        if (lv->v.ops->listen_key) pr_strlcpy(lv->stream_why, "live.venue.user_stream is false", sizeof lv->stream_why);
        else snprintf(lv->stream_why, sizeof lv->stream_why, "%s has no user-data stream", lv->name);
        fprintf(f, "fills        learned by polling the venue (%s)\n", lv->stream_why);
        return;
    }
    pr_venue_stream_options o;
    memset(&o, 0, sizeof o);
    o.url = lv->urls.user_data;
    o.mainnet = lv->mainnet;
    o.keepalive_ms = (int64_t)(lv->keepalive_s * 1000);
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_stream_open(&lv->v, &o, &lv->stream, &e) != PR_OK) {
        pr_strlcpy(lv->stream_why, e.msg, sizeof lv->stream_why);
        fprintf(f, "fills        learned by polling the venue: no user-data stream (%s)\n", e.msg);
    } else {
        fprintf(f, "fills        learned from the venue's user-data stream (%s), polled when it is down; listen "
                "key kept alive every %g s\n", lv->urls.user_data[0] ? lv->urls.user_data : "the venue's", lv->keepalive_s);
    }
    pr_venue_mirror_use_stream(lv->mirror, lv->stream, (int64_t)(lv->stream_wait_s * 1000));
}

int live_venue_settle(live_venue *lv, pr_err *err) {
    return lv->mirror ? pr_venue_mirror_settle(lv->mirror, (int64_t)(lv->stream_wait_s * 1000), err) : PR_OK;
}

void live_venue_fills_line(const live_venue *lv, const pr_venue_mirror_stats *st, FILE *f) {
    fprintf(f, "fills        %zu orders' fills learned from the user-data stream, %zu by polling (%zu and %zu "
            "trades)%s", st->orders_streamed, st->orders_polled, st->fills_streamed, st->fills_polled,
            st->unsettled ? "" : "\n");
    if (st->unsettled) fprintf(f, "; %zu orders still open or unknown at the venue\n", st->unsettled);
    if (lv->stream) {
        pr_venue_stream_stats ss;
        pr_venue_stream_get_stats(lv->stream, &ss);
        fprintf(f, "user stream  %zu connections, %zu drops, %zu listen keys, %zu keep-alives%s%s\n", ss.connects,
                ss.drops, ss.keys, ss.keepalives, pr_venue_stream_live(lv->stream) ? "" : "; down at the end: ",
                pr_venue_stream_live(lv->stream) ? "" : pr_venue_stream_why(lv->stream));
    }
}
