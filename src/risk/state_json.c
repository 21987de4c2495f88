/* pr_risk_state as versioned JSON (jansson) so the paper/live runner can
 * store it and resume; reals are written with 17 significant digits, which
 * read back to the same doubles. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/risk/protect.h"
#include "proratio/risk/state.h"
#include "risk/trigger_times.h"
#include "risk/breakers_json.h"

int pr_risk_state_to_json(const pr_risk_state *st, char **out, pr_err *err) {
    *out = NULL;
    json_t *root = json_object(), *rets = json_array(), *open = json_array(), *counts = json_array();
    for (int k = 0; k < st->n_returns; k++) json_array_append_new(rets, json_real(st->returns[k]));
    for (int i = 0; i < PR_RISK_MAX_INSTRUMENTS; i++) {
        const pr_risk_open *o = &st->open[i];
        if (o->qty == 0 && o->cost == 0 && o->realized == 0) continue;
        json_array_append_new(open, json_pack("{s:i, s:f, s:f, s:f, s:f}", "instrument", i, "qty", o->qty, "avg",
                                              o->avg, "cost", o->cost, "realized", o->realized));
    }
    for (int k = 0; k < st->n_counts; k++)
        json_array_append_new(counts, json_pack("{s:s, s:I, s:I}", "reason", st->counts[k].reason, "resized",
                                                (json_int_t)st->counts[k].resized, "rejected",
                                                (json_int_t)st->counts[k].rejected));
    json_object_set_new(root, "version", json_integer(st->version));
    json_object_set_new(root, "closed", json_integer((json_int_t)st->closed));
    json_object_set_new(root, "head", json_integer(st->head));
    json_object_set_new(root, "returns", rets);
    json_object_set_new(root, "open", open);
    json_object_set_new(root, "entries", json_integer((json_int_t)st->entries));
    json_object_set_new(root, "resized", json_integer((json_int_t)st->resized));
    json_object_set_new(root, "rejected", json_integer((json_int_t)st->rejected));
    json_object_set_new(root, "counts", counts);
    json_t *trig = json_array();
    for (int k = 0; k < PR_PROT_N; k++)
        json_array_append_new(trig, json_pack("{s:s, s:I, s:I}", "protection", pr_risk_protect_names[k], "count",
                                              (json_int_t)st->trig[k].count, "last", (json_int_t)st->trig[k].last));
    json_object_set_new(root, "triggers", trig);
    json_object_set_new(root, "trigger_times", pr_risk_trigger_times_json(st));
    json_object_set_new(root, "day", json_integer(st->day));
    json_object_set_new(root, "day_equity", json_real(st->day_equity));
    json_object_set_new(root, "day_entries", json_integer(st->day_entries));
    json_object_set_new(root, "daily_hit", json_integer(st->daily_hit));
    json_object_set_new(root, "week", json_integer(st->week));
    json_object_set_new(root, "week_equity", json_real(st->week_equity));
    json_object_set_new(root, "weekly_hit", json_integer(st->weekly_hit));
    json_object_set_new(root, "peak", json_real(st->peak));
    json_object_set_new(root, "dd_tier", json_integer(st->dd_tier));
    json_object_set_new(root, "consecutive", json_integer(st->consecutive));
    json_object_set_new(root, "pause_until", json_integer(st->pause_until));
    json_object_set_new(root, "pause_by", json_integer(st->pause_by));
    int rc = pr_risk_breakers_to_json(st, root, err);
    if (rc != PR_OK) {
        json_decref(root);
        return rc;
    }
    *out = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(root);
    return *out ? PR_OK : pr_err_set(err, PR_ENOMEM, "risk state: out of memory");
}

static int get_int(json_t *o, const char *key, json_int_t lo, json_int_t hi, json_int_t *v, pr_err *err) {
    json_t *x = json_object_get(o, key);
    if (!json_is_integer(x) || json_integer_value(x) < lo || json_integer_value(x) > hi)
        return pr_err_set(err, PR_EPARSE, "risk state: \"%s\" must be an integer in [%lld, %lld]", key,
                          (long long)lo, (long long)hi);
    *v = json_integer_value(x);
    return PR_OK;
}

static int get_num(json_t *o, const char *key, double *v, pr_err *err) {
    json_t *x = json_object_get(o, key);
    if (!json_is_number(x)) return pr_err_set(err, PR_EPARSE, "risk state: \"%s\" must be a number", key);
    *v = json_number_value(x);
    return PR_OK;
}

static int read_protect(json_t *root, pr_risk_state *st, pr_err *err) {
    json_int_t v, lo = INT64_MIN, hi = INT64_MAX;
    int rc;
    json_t *trig = json_object_get(root, "triggers"), *x;
    if (!json_is_array(trig) || json_array_size(trig) != PR_PROT_N)
        return pr_err_set(err, PR_EPARSE, "risk state: \"triggers\" must be an array of %d", PR_PROT_N);
    size_t i;
    json_array_foreach(trig, i, x) {
        if ((rc = get_int(x, "count", 0, hi, &v, err)) != 0) return rc;
        st->trig[i].count = (size_t)v;
        if ((rc = get_int(x, "last", lo, hi, &v, err)) != 0) return rc;
        st->trig[i].last = v;
    }
    struct { const char *key; json_int_t lo, hi; int64_t *i64; int *i32; } ints[] = {
        {"day", lo, hi, &st->day, NULL},           {"day_entries", 0, INT32_MAX, NULL, &st->day_entries},
        {"daily_hit", 0, 1, NULL, &st->daily_hit}, {"dd_tier", 0, 3, NULL, &st->dd_tier},
        {"week", lo, hi, &st->week, NULL},         {"weekly_hit", 0, 1, NULL, &st->weekly_hit},
        {"consecutive", 0, INT32_MAX, NULL, &st->consecutive}, {"pause_until", lo, hi, &st->pause_until, NULL},
        {"pause_by", 0, PR_PROT_N - 1, NULL, &st->pause_by}};
    for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
        if ((rc = get_int(root, ints[k].key, ints[k].lo, ints[k].hi, &v, err)) != 0) return rc;
        if (ints[k].i64) *ints[k].i64 = v;
        else *ints[k].i32 = (int)v;
    }
    if ((rc = get_num(root, "day_equity", &st->day_equity, err)) != 0 ||
        (rc = get_num(root, "week_equity", &st->week_equity, err)) != 0)
        return rc;
    return get_num(root, "peak", &st->peak, err);
}

static int read_root(json_t *root, pr_risk_state *st, pr_err *err) {
    json_int_t v, big = (json_int_t)1 << 53;
    int rc;
    if ((rc = get_int(root, "version", 0, 1000, &v, err)) != 0) return rc;
    if (v != PR_RISK_STATE_VERSION)
        return pr_err_set(err, PR_EPARSE, "risk state: version %lld, this program reads version %d", (long long)v,
                          PR_RISK_STATE_VERSION);
    if ((rc = get_int(root, "closed", 0, big, &v, err)) != 0) return rc;
    st->closed = (size_t)v;
    if ((rc = get_int(root, "head", 0, PR_RISK_WINDOW_MAX - 1, &v, err)) != 0) return rc;
    st->head = (int)v;
    const char *cnt[] = {"entries", "resized", "rejected"};
    size_t *dst[] = {&st->entries, &st->resized, &st->rejected};
    for (int k = 0; k < 3; k++) {
        if ((rc = get_int(root, cnt[k], 0, big, &v, err)) != 0) return rc;
        *dst[k] = (size_t)v;
    }
    json_t *rets = json_object_get(root, "returns"), *open = json_object_get(root, "open"),
           *counts = json_object_get(root, "counts");
    if (!json_is_array(rets) || json_array_size(rets) > PR_RISK_WINDOW_MAX)
        return pr_err_set(err, PR_EPARSE, "risk state: \"returns\" must be an array of at most %d numbers",
                          PR_RISK_WINDOW_MAX);
    if (!json_is_array(open) || !json_is_array(counts) || json_array_size(counts) > PR_RISK_MAX_REASONS)
        return pr_err_set(err, PR_EPARSE, "risk state: \"open\" and \"counts\" must be arrays");
    size_t i;
    json_t *x;
    json_array_foreach(rets, i, x) {
        if (!json_is_number(x)) return pr_err_set(err, PR_EPARSE, "risk state: returns[%zu] must be a number", i);
        st->returns[i] = json_number_value(x);
    }
    st->n_returns = (int)json_array_size(rets);
    /* The ring fills from slot 0: until it is full the next slot is its length. */
    if (st->n_returns < PR_RISK_WINDOW_MAX && st->head != st->n_returns)
        return pr_err_set(err, PR_EPARSE, "risk state: \"head\" %d must equal the number of returns (%d) until %d are kept",
                          st->head, st->n_returns, PR_RISK_WINDOW_MAX);
    json_array_foreach(open, i, x) {
        if ((rc = get_int(x, "instrument", 0, PR_RISK_MAX_INSTRUMENTS - 1, &v, err)) != 0) return rc;
        pr_risk_open *o = &st->open[v];
        if ((rc = get_num(x, "qty", &o->qty, err)) != 0 || (rc = get_num(x, "avg", &o->avg, err)) != 0 ||
            (rc = get_num(x, "cost", &o->cost, err)) != 0 || (rc = get_num(x, "realized", &o->realized, err)) != 0)
            return rc;
    }
    json_array_foreach(counts, i, x) {
        json_t *r = json_object_get(x, "reason");
        if (!json_is_string(r)) return pr_err_set(err, PR_EPARSE, "risk state: counts[%zu].reason must be text", i);
        pr_risk_count *c = &st->counts[i];
        pr_strlcpy(c->reason, json_string_value(r), sizeof c->reason);
        if ((rc = get_int(x, "resized", 0, big, &v, err)) != 0) return rc;
        c->resized = (size_t)v;
        if ((rc = get_int(x, "rejected", 0, big, &v, err)) != 0) return rc;
        c->rejected = (size_t)v;
    }
    st->n_counts = (int)json_array_size(counts);
    if ((rc = read_protect(root, st, err)) != 0) return rc;
    return pr_risk_breakers_from_json(root, st, err);
}

int pr_risk_state_from_json(const char *text, pr_risk_state *out, pr_err *err) {
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "risk state: not a JSON object (line %d: %s)", je.line, je.text);
    }
    pr_risk_state st;
    pr_risk_state_init(&st);
    int rc = read_root(root, &st, err);
    if (rc == PR_OK) rc = pr_risk_trigger_times_read(json_object_get(root, "trigger_times"), &st, err);
    json_decref(root);
    if (rc == PR_OK) *out = st;
    return rc;
}
