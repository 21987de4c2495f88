/* `proratio status`: what a paper (later live) session is doing, read from
 * the store it runs against (the paper_run table its heartbeat writes,
 * paper_run.h): running or not, open positions, working orders, P&L,
 * protections, the last bar of each market and the last save. Read-only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "live_reconcile.h"
#include "paper_run.h"

static const char k_usage[] =
    "usage: proratio status [--db URL] [--session NAME] [--json]\n"
    "What a paper session running against the store at URL (default: the\n"
    "configuration's data.db as passed to 'proratio paper --db') is doing: whether\n"
    "its process is alive (its heartbeat, written about once a second, and on this\n"
    "host its pid), open positions, working orders, equity and P&L, protections\n"
    "fired and pauses, the last bar of each market and the last saved state. A\n"
    "stopped or finished session shows how it ended and its last state. Without\n"
    "--session: one line per session in the store. --json: the same as JSON.\n"
    "Exit code 0; 4 when the session (or any session) is not in the store.";

static const char *const k_state_names[] = {"running", "ended", "gone", "stale"};

static void ago(int64_t ms, char *buf, size_t cap) {
    if (ms < 0) ms = 0;
    if (ms < 120000) snprintf(buf, cap, "%.1f s ago", (double)ms / 1000.0);
    else if (ms < 7200000) snprintf(buf, cap, "%lld min ago", (long long)(ms / 60000));
    else snprintf(buf, cap, "%.1f h ago", (double)ms / 3600000.0);
}

/* One line saying whether it runs. */
static void state_line(const pr_paper_run *row, paper_liveness lv, int same_host, int64_t now, FILE *f) {
    char a[48], t[PR_TIME_STR_MAX];
    ago(now - row->heartbeat, a, sizeof a);
    switch (lv) {
    case PAPER_RUNNING:
        pr_time_format(row->started_at, t, sizeof t);
        fprintf(f, "running (pid %lld on %s, started %s UTC, heartbeat %s)%s\n", row->pid, row->host, t, a,
                row->stop_at ? "; a stop was asked" : "");
        break;
    case PAPER_ENDED:
        pr_time_format(row->ended_at, t, sizeof t);
        fprintf(f, "not running: %s at %s UTC\n", row->outcome, t);
        break;
    case PAPER_GONE:
        fprintf(f, "not running: its process (pid %lld) is gone without ending the session (killed or crashed); "
                   "last heartbeat %s. 'proratio paper' with the same configuration resumes it\n", row->pid, a);
        break;
    case PAPER_STALE:
        if (same_host)
            fprintf(f, "not responding: its process (pid %lld) is there but has not beaten since %s\n", row->pid, a);
        else
            fprintf(f, "not running or unreachable: no heartbeat since %s (pid %lld on host %s, which cannot be "
                       "checked from here)\n", a, row->pid, row->host);
        break;
    }
}

static double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }
static const char *str(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "-";
}

static void print_status(const json_t *st, FILE *f) {
    if (!json_object_get(st, "account")) {
        fprintf(f, "state        no step decided yet\n");
        return;
    }
    const json_t *acc = json_object_get(st, "account");
    const char *ccy = str(st, "ccy");
    fprintf(f, "account      equity %.2f %s, P&L %+.2f %s (start %.2f), balance %.2f, cash %.2f\n", num(acc, "equity"),
            ccy, num(st, "pnl"), ccy, num(st, "start_cash"), num(acc, "balance"), num(acc, "cash"));
    fprintf(f, "steps        %lld decided, last at the close of %s; %lld trades closed, %lld fills\n",
            (long long)json_integer_value(json_object_get(st, "steps")), str(st, "last_close"),
            (long long)json_integer_value(json_object_get(st, "trades")),
            (long long)json_integer_value(json_object_get(st, "fills")));
    const json_t *pos = json_object_get(st, "open_positions"), *v;
    size_t i;
    if (json_array_size(pos) == 0) fprintf(f, "positions    none\n");
    json_array_foreach(pos, i, v)
        fprintf(f, "position     %s %s %.10g at %.10g, marked %.10g, open P&L %+.2f %s (since %s)\n", str(v, "symbol"),
                str(v, "side"), fabs(num(v, "qty")), num(v, "avg_price"), num(v, "mark"), num(v, "unrealized"), ccy,
                str(v, "entry"));
    const json_t *ord = json_object_get(st, "open_orders");
    if (json_array_size(ord) == 0) fprintf(f, "orders       none working\n");
    json_array_foreach(ord, i, v) {
        int type = (int)json_integer_value(json_object_get(v, "type"));
        int role = (int)json_integer_value(json_object_get(v, "role"));
        fprintf(f, "order        %s %s %s %s %.10g", str(v, "client_id"), str(v, "symbol"),
                json_integer_value(json_object_get(v, "side")) > 0 ? "buy" : "sell",
                pr_order_type_name((pr_order_type)type), num(v, "qty"));
        if (num(v, "limit_price") != 0) fprintf(f, " limit %.10g", num(v, "limit_price"));
        if (num(v, "stop_price") != 0) fprintf(f, " stop %.10g", num(v, "stop_price"));
        fprintf(f, " (%s)\n", pr_order_role_name((pr_order_role)role));
    }
    const json_t *pr = json_object_get(st, "protections");
    if (json_is_object(pr)) {
        const json_t *fired = json_object_get(pr, "fired");
        const char *k;
        if (json_object_size(fired) == 0) fprintf(f, "protections  none fired\n");
        json_object_foreach((json_t *)fired, k, v)
            fprintf(f, "protection   %s: fired %lld time%s, last at %s\n", k,
                    (long long)json_integer_value(json_object_get(v, "count")),
                    json_integer_value(json_object_get(v, "count")) == 1 ? "" : "s", str(v, "last"));
        if (json_is_string(json_object_get(pr, "paused_until")))
            fprintf(f, "paused       no new entries until %s (%s)\n", str(pr, "paused_until"), str(pr, "paused_by"));
    } else {
        fprintf(f, "protections  none (no risk stage)\n");
    }
    json_array_foreach(json_object_get(st, "last_bars"), i, v)
        fprintf(f, "last bar     %s %s opened %s, closed %s\n", str(v, "symbol"), str(v, "timeframe"), str(v, "open"),
                str(v, "close"));
    const json_t *ls = json_object_get(st, "last_save");
    if (json_is_string(json_object_get(ls, "step")))
        fprintf(f, "last save    the state at the close of %s, written %s\n", str(ls, "step"), str(ls, "at"));
    else
        fprintf(f, "last save    none yet\n");
}

static json_t *row_json(const pr_paper_run *row, paper_liveness lv, int64_t now) {
    char t[PR_TIME_STR_MAX];
    json_t *o = json_object();
    json_object_set_new(o, "session", json_string(row->session));
    json_object_set_new(o, "state", json_string(k_state_names[lv]));
    json_object_set_new(o, "running", json_boolean(lv == PAPER_RUNNING));
    json_object_set_new(o, "pid", json_integer(row->pid));
    json_object_set_new(o, "host", json_string(row->host));
    pr_time_format_iso(row->started_at, t, sizeof t);
    json_object_set_new(o, "started_at", json_string(t));
    pr_time_format_iso(row->heartbeat, t, sizeof t);
    json_object_set_new(o, "heartbeat", json_string(t));
    json_object_set_new(o, "heartbeat_age_s", json_real((double)(now - row->heartbeat) / 1000.0));
    json_object_set_new(o, "stop_requested", json_boolean(row->stop_at != 0));
    if (row->ended_at) pr_time_format_iso(row->ended_at, t, sizeof t);
    json_object_set_new(o, "ended_at", row->ended_at ? json_string(t) : json_null());
    json_object_set_new(o, "outcome", row->outcome[0] ? json_string(row->outcome) : json_null());
    json_t *st = json_loads(row->status ? row->status : "{}", 0, NULL);
    json_object_set_new(o, "status", st ? st : json_object());
    return o;
}

static int show_one(pr_store *st, const char *db, const char *session, int as_json) {
    pr_paper_run row;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_store_run_get(st, session, &row, &e);
    if (rc == PR_ENOTFOUND) {
        char **names = NULL;
        size_t n = 0;
        pr_err e2;
        fprintf(stderr, "proratio status: no session '");
        pr_cli_print_safe(stderr, session);
        fprintf(stderr, "' in %s", db);
        if (pr_store_run_list(st, &names, &n, &e2) == PR_OK && n) {
            fprintf(stderr, "; the sessions there: ");
            for (size_t i = 0; i < n; i++) {
                fprintf(stderr, "%s'", i ? ", " : "");
                pr_cli_print_safe(stderr, names[i]);
                fprintf(stderr, "'");
            }
        } else {
            fprintf(stderr, " (no session has run against it)");
        }
        fprintf(stderr, "\n");
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        return PR_EXIT_NOTFOUND;
    }
    if (rc != PR_OK) return pr_cli_fail(&e);
    int64_t now = pr_time_now_ms();
    int same = 0;
    paper_liveness lv = paper_run_liveness(&row, now, &same);
    if (as_json) {
        json_t *o = row_json(&row, lv, now);
        char *txt = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        if (txt) puts(txt);
        free(txt);
        json_decref(o);
    } else {
        printf("session      ");
        pr_cli_print_safe(stdout, row.session);
        printf("\nstate        ");
        state_line(&row, lv, same, now, stdout);
        json_t *js = json_loads(row.status ? row.status : "{}", 0, NULL);
        print_status(js, stdout);
        json_decref(js);
        live_recon_status(st, row.session, stdout);
    }
    pr_store_run_free(&row);
    return PR_EXIT_OK;
}

static int show_all(pr_store *st, const char *db, int as_json) {
    char **names = NULL;
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_store_run_list(st, &names, &n, &e) != PR_OK) return pr_cli_fail(&e);
    int rc = PR_EXIT_OK;
    json_t *arr = as_json ? json_array() : NULL;
    if (n == 0 && !as_json) {
        fprintf(stderr, "proratio status: no paper or live session has run against %s\n", db);
        rc = PR_EXIT_NOTFOUND;
    }
    int64_t now = pr_time_now_ms();
    for (size_t i = 0; i < n; i++) {
        pr_paper_run row;
        if (pr_store_run_get(st, names[i], &row, &e) != PR_OK) {
            rc = pr_cli_fail(&e);
            break;
        }
        int same = 0;
        paper_liveness lv = paper_run_liveness(&row, now, &same);
        if (arr) {
            json_array_append_new(arr, row_json(&row, lv, now));
        } else {
            pr_cli_print_safe(stdout, row.session);
            printf(": ");
            state_line(&row, lv, same, now, stdout);
        }
        pr_store_run_free(&row);
    }
    if (arr) {
        char *txt = json_dumps(arr, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        if (txt) puts(txt);
        free(txt);
        json_decref(arr);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int pr_cli_status(int argc, char **argv) {
    const char *db = NULL, *session = NULL;
    int as_json = 0;
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            puts(k_usage);
            return PR_EXIT_OK;
        }
        int r = pr_cli_opt(argc, argv, &i, "--db", &db);
        if (r < 0) return pr_cli_usage_error("status", "--db needs a URL");
        if (r > 0) continue;
        r = pr_cli_opt(argc, argv, &i, "--session", &session);
        if (r < 0) return pr_cli_usage_error("status", "--session needs a NAME");
        if (r > 0) continue;
        if (strcmp(argv[i], "--json") == 0) {
            as_json = 1;
            continue;
        }
        return pr_cli_usage_error("status", "unknown argument '%s'", argv[i]);
    }
    if (!db) db = PR_CLI_DEFAULT_DB;
    pr_store *st = NULL;
    int rc = paper_open_runs("status", db, 1, &st);
    if (rc != PR_EXIT_OK) return rc;
    rc = session ? show_one(st, db, session, as_json) : show_all(st, db, as_json);
    pr_store_close(st);
    return rc;
}
