/* A paper session's process record and heartbeat (paper_run.h). The
 * snapshot is the durable state's JSON (paper_state.c: account,
 * positions, open orders with client ids, counts, the risk state) with
 * what a person asks of a running session added: P&L, marks, protections
 * fired and pauses, the last bar of each market, the last save. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "paper_run.h"
#include "paper_state.h"
#include "proratio/data/store_paper.h"

#define BEAT_MS 1000

void paper_proc_start(long long pid, char *buf, size_t cap) {
    buf[0] = '\0';
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    /* The name in parentheses may hold spaces: count fields after its ')'. */
    char *p = strrchr(line, ')');
    for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
    if (!p) return;
    p++;
    size_t k = strcspn(p, " \n");
    if (k >= cap) k = cap - 1;
    memcpy(buf, p, k);
    buf[k] = '\0';
}

static json_t *iso(int64_t ms) {
    if (ms == PR_TIME_NONE) return json_null();
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(ms, t, sizeof t);
    return json_string(t);
}

static json_t *protections(const pr_risk_stage *risk) {
    if (!risk) return json_null();
    const pr_risk_state *s = pr_risk_stage_state(risk);
    json_t *o = json_object(), *fired = json_object();
    for (int k = 0; k < PR_PROT_N; k++)
        if (s->trig[k].count)
            json_object_set_new(fired, pr_risk_protect_names[k],
                                json_pack("{s:I, s:o}", "count", (json_int_t)s->trig[k].count, "last",
                                          iso(s->trig[k].last)));
    json_object_set_new(o, "fired", fired);
    json_object_set_new(o, "paused_until", iso(s->pause_until));
    json_object_set_new(o, "paused_by",
                        s->pause_until != PR_TIME_NONE && s->pause_by >= 0 && s->pause_by < PR_PROT_N
                            ? json_string(pr_risk_protect_names[s->pause_by])
                            : json_null());
    json_object_set_new(o, "drawdown_tier", json_integer(s->dd_tier));
    json_object_set_new(o, "daily_loss_hit", json_boolean(s->daily_hit));
    json_object_set_new(o, "weekly_loss_hit", json_boolean(s->weekly_hit));
    return o;
}

int paper_status_json(const paper_status_src *src, char **out, pr_err *err) {
    *out = NULL;
    pr_runner_stats rs;
    pr_runner_get_stats(src->r, &rs);
    char *state = NULL;
    int rc = paper_state_json(src->r, src->symbols, src->n, src->risk, rs.last_close, &state, err);
    if (rc != PR_OK) return rc;
    json_error_t je;
    json_t *root = json_loads(state, 0, &je);
    free(state);
    if (!root) return pr_err_set(err, PR_EPARSE, "status: %s", je.text);
    pr_broker *b = pr_runner_broker(src->r);
    pr_account a;
    pr_position *pos = calloc(src->n ? src->n : 1, sizeof *pos);
    if (!pos || pr_paper_positions(b, &a, pos, src->n, err) != PR_OK) {
        free(pos);
        json_decref(root);
        return err && err->code ? err->code : pr_err_set(err, PR_ENOMEM, "status: out of memory");
    }
    json_t *marked = json_array(), *bars = json_array();
    for (size_t i = 0; i < src->n; i++) {
        if (pos[i].qty != 0)
            json_array_append_new(marked, json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:o}", "symbol", src->symbols[i],
                                                    "side", pos[i].qty > 0 ? "long" : "short", "qty", pos[i].qty,
                                                    "avg_price", pos[i].avg_price, "mark", pos[i].mark, "unrealized",
                                                    pos[i].unrealized, "entry", iso(pos[i].entry_ts)));
        int64_t t = pr_runner_last_bar(src->r, i);
        json_array_append_new(bars, json_pack("{s:s, s:s, s:o, s:o}", "symbol", src->symbols[i], "timeframe",
                                              pr_tf_name(src->tfs[i]), "open", iso(t),
                                              "close", iso(t == PR_TIME_NONE ? t : pr_tf_close(src->tfs[i], t))));
    }
    free(pos);
    json_object_set_new(root, "ccy", json_string(src->ccy));
    json_object_set_new(root, "start_cash", json_real(src->start_cash));
    json_object_set_new(root, "pnl", json_real(a.equity - src->start_cash));
    json_object_set_new(root, "last_close", iso(rs.last_close));
    json_object_set_new(root, "open_positions", marked);
    json_object_set_new(root, "last_bars", bars);
    json_object_set_new(root, "protections", protections(src->risk));
    json_object_set_new(root, "last_save", json_pack("{s:o, s:o}", "step", iso(src->saved_step), "at",
                                                     iso(src->saved_at)));
    *out = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(root);
    return *out ? PR_OK : pr_err_set(err, PR_ENOMEM, "status: out of memory (or a value that is not finite)");
}

int paper_run_refuse_twice(pr_store *st, const char *session, pr_err *err) {
    pr_paper_run row;
    pr_err e;
    if (pr_store_run_get(st, session, &row, &e) != PR_OK) return PR_OK;
    int same = 0;
    paper_liveness lv = paper_run_liveness(&row, pr_time_now_ms(), &same);
    int rc = PR_OK;
    if (lv == PAPER_RUNNING)
        rc = pr_err_set(err, PR_ESTATE, "paper session '%s' is already running (pid %lld on %s): one process per "
                        "session; 'proratio stop --session NAME' stops it, --session gives this one another name",
                        session, row.pid, row.host);
    pr_store_run_free(&row);
    return rc;
}

int paper_run_start(paper_run *pr, pr_store *st, const char *session, pr_err *err) {
    memset(pr, 0, sizeof *pr);
    char host[256] = "", start[32];
    gethostname(host, sizeof host - 1);
    long long pid = (long long)getpid();
    paper_proc_start(pid, start, sizeof start);
    int rc = pr_store_run_start(st, session, pid, host, start, pr_time_now_ms(), err);
    if (rc != PR_OK) return rc;
    pr->st = st;
    pr_strlcpy(pr->session, session, sizeof pr->session);
    pr->last_beat = pr_time_now_ms();
    return PR_OK;
}

static void warn_once(paper_run *pr, const pr_err *e) {
    if (pr->warned) return;
    pr->warned = 1;
    fprintf(stderr, "warning      the session's heartbeat could not be written (%s): 'proratio status' may call it "
                    "not running; trading goes on\n", e->msg);
}

void paper_run_tick(paper_run *pr, const paper_status_src *src, volatile sig_atomic_t *stop) {
    if (!pr->st) return;
    int64_t now = pr_time_now_ms();
    if (now - pr->last_beat < BEAT_MS) return;
    pr->last_beat = now;
    char *js = NULL;
    int64_t stop_at = 0;
    pr_err e;
    pr_err_clear(&e);
    int rc = paper_status_json(src, &js, &e);
    if (rc == PR_OK) rc = pr_store_run_beat(pr->st, pr->session, now, js, &stop_at, &e);
    free(js);
    if (rc != PR_OK) warn_once(pr, &e);
    if (stop_at) {
        pr->stop_asked = 1;
        *stop = 1;
    }
}

int paper_run_stop_requested(paper_run *pr) {
    if (!pr->st || pr->stop_asked) return pr->stop_asked;
    pr_paper_run row;
    pr_err e;
    if (pr_store_run_get(pr->st, pr->session, &row, &e) == PR_OK) {
        pr->stop_asked = row.stop_at != 0;
        pr_store_run_free(&row);
    }
    return pr->stop_asked;
}

void paper_run_end(paper_run *pr, const paper_status_src *src, const char *outcome) {
    if (!pr->st) return;
    char *js = NULL;
    pr_err e;
    pr_err_clear(&e);
    /* A snapshot that cannot be made leaves "{}": the end is written anyway. */
    if (paper_status_json(src, &js, &e) != PR_OK) js = NULL;
    pr_err_clear(&e);
    int rc = pr_store_run_end(pr->st, pr->session, pr_time_now_ms(), outcome, js ? js : "{}", &e);
    free(js);
    if (rc != PR_OK) {
        pr->warned = 0;
        warn_once(pr, &e);
    }
    pr->st = NULL;
}

paper_liveness paper_run_liveness(const pr_paper_run *row, int64_t now, int *same_host) {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    *same_host = strcmp(host, row->host) == 0;
    if (row->ended_at) return PAPER_ENDED;
    int fresh = now - row->heartbeat <= PAPER_STALE_MS;
    if (!*same_host) return fresh ? PAPER_RUNNING : PAPER_STALE;
    /* The pid names the session's process only while the start time agrees. */
    char start[32];
    paper_proc_start(row->pid, start, sizeof start);
    int alive = start[0] && (!row->proc_start[0] || strcmp(start, row->proc_start) == 0);
    if (!alive) return PAPER_GONE;
    return fresh ? PAPER_RUNNING : PAPER_STALE;
}

int paper_open_runs(const char *cmd, const char *db, int read_only, pr_store **out) {
    pr_store_options o;
    pr_cli_store_options(read_only, 0, &o);
    pr_err e;
    pr_err_clear(&e);
    *out = NULL;
    if (pr_store_open_with(db, &o, out, &e) != PR_OK) return pr_cli_fail(&e);
    int v = 0;
    if (pr_store_schema_version(*out, &v, &e) != PR_OK) {
        pr_store_close(*out);
        *out = NULL;
        return pr_cli_fail(&e);
    }
    if (v < 7) {
        fprintf(stderr, "proratio %s: no paper or live session has run against %s (its schema, version %d, "
                        "predates session records)\n", cmd, db, v);
        pr_store_close(*out);
        *out = NULL;
        return PR_EXIT_NOTFOUND;
    }
    return PR_EXIT_OK;
}

