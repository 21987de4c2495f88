/* A paper session's durable state (paper_state.h): built from the runner,
 * its paper broker and the risk stage with jansson, and checked against a
 * stored copy one field at a time so a refusal names what differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paper_state.h"

static json_t *account_json(const pr_account *a) {
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "balance", a->balance, "cash", a->cash, "equity", a->equity,
                     "unrealized", a->unrealized, "used_margin", a->used_margin, "gross_exposure", a->gross_exposure);
}

static json_t *orders_json(pr_broker *b, const char *const *symbols, size_t n_markets, pr_err *err) {
    size_t n = 0;
    if (pr_paper_open_orders(b, NULL, 0, &n, err) != PR_OK) return NULL;
    pr_order *o = calloc(n ? n : 1, sizeof *o);
    json_t *arr = json_array();
    if (!o || !arr || pr_paper_open_orders(b, o, n, &n, err) != PR_OK) {
        free(o);
        json_decref(arr);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char cid[40];
        /* The id a venue would be given: derived from the order's own id,
         * so a resent order could not be taken for a new one. */
        snprintf(cid, sizeof cid, "pr-%llu", (unsigned long long)o[i].id);
        const char *sym = o[i].instrument >= 0 && (size_t)o[i].instrument < n_markets ? symbols[o[i].instrument] : "?";
        json_t *oj = json_pack("{s:I, s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:f, s:f, s:i, s:I, s:f, s:I}", "id",
                               (json_int_t)o[i].id, "client_id", cid, "symbol", sym, "side", o[i].side, "type",
                               (int)o[i].type, "role", (int)o[i].role, "status", (int)o[i].status, "qty", o[i].qty,
                               "limit_price", o[i].limit_price, "stop_price", o[i].stop_price, "reduce_only",
                               o[i].reduce_only, "submitted", (json_int_t)o[i].submitted, "filled_qty",
                               o[i].filled_qty, "parent", (json_int_t)o[i].parent);
        /* jansson has no NaN or infinity: such an order would be left out
         * of the state without a word. */
        if (json_array_append_new(arr, oj) != 0) {
            pr_err_set(err, PR_EDATA, "paper state: open order %llu holds a price or quantity that is not a finite "
                       "number", (unsigned long long)o[i].id);
            free(o);
            json_decref(arr);
            return NULL;
        }
    }
    free(o);
    return arr;
}

int paper_state_json(pr_runner *r, const char *const *symbols, size_t n_markets, const pr_risk_stage *risk,
                     int64_t close, char **out, pr_err *err) {
    *out = NULL;
    pr_broker *b = pr_runner_broker(r);
    pr_account a;
    pr_position *pos = calloc(n_markets, sizeof *pos);
    if (!pos) return pr_err_set(err, PR_ENOMEM, "paper state: out of memory");
    int rc = pr_paper_positions(b, &a, pos, n_markets, err);
    json_t *root = rc == PR_OK ? json_object() : NULL, *ps = json_array(), *ords = NULL, *rj = json_null();
    if (rc == PR_OK) ords = orders_json(b, symbols, n_markets, err);
    if (rc == PR_OK && !ords) rc = err && err->code ? err->code : PR_ENOMEM;
    for (size_t i = 0; rc == PR_OK && i < n_markets; i++)
        if (json_array_append_new(ps, json_pack("{s:s, s:f, s:f, s:I}", "symbol", symbols[i], "qty", pos[i].qty,
                                                "avg_price", pos[i].avg_price, "entry_ts",
                                                (json_int_t)pos[i].entry_ts)) != 0)
            rc = pr_err_set(err, PR_EDATA, "paper state: the %s position holds a quantity or price that is not a "
                            "finite number", symbols[i]);
    json_t *aj = rc == PR_OK ? account_json(&a) : NULL;
    if (rc == PR_OK && !aj)
        rc = pr_err_set(err, PR_EDATA, "paper state: the account holds a value that is not a finite number");
    char *rtext = NULL;
    if (rc == PR_OK && risk && (rc = pr_risk_stage_state_to_json(risk, &rtext, err)) == PR_OK) {
        json_decref(rj);
        json_error_t je;
        if (!(rj = json_loads(rtext, 0, &je))) rc = pr_err_set(err, PR_EPARSE, "paper state: risk state: %s", je.text);
    }
    free(rtext);
    if (rc == PR_OK) {
        pr_runner_stats st;
        pr_runner_get_stats(r, &st);
        size_t n_orders = 0, n_fills = 0, n_trades = 0;
        pr_broker_record_counts(b, &n_orders, &n_fills, &n_trades);
        json_object_set_new(root, "version", json_integer(PAPER_STATE_VERSION));
        json_object_set_new(root, "last_step", json_integer((json_int_t)close));
        json_object_set_new(root, "steps", json_integer((json_int_t)st.steps));
        json_object_set_new(root, "bars", json_integer((json_int_t)st.bars));
        json_object_set_new(root, "account", aj);
        json_object_set_new(root, "positions", ps);
        json_object_set_new(root, "open_orders", ords);
        json_object_set_new(root, "orders", json_integer((json_int_t)n_orders));
        json_object_set_new(root, "fills", json_integer((json_int_t)n_fills));
        json_object_set_new(root, "trades", json_integer((json_int_t)n_trades));
        json_object_set_new(root, "risk", rj);
        ps = ords = rj = aj = NULL;
        if (!(*out = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17))))
            rc = pr_err_set(err, PR_ENOMEM, "paper state: out of memory");
    }
    json_decref(ps);
    json_decref(ords);
    json_decref(rj);
    json_decref(aj);
    json_decref(root);
    free(pos);
    return rc;
}

static void shown(const json_t *v, char *buf, size_t cap) {
    char *t = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    snprintf(buf, cap, "%s", t ? t : "(missing)");
    if (strlen(buf) + 1 == cap && cap > 4) memcpy(buf + cap - 4, "...", 4);
    free(t);
}

/* The path of the first difference between a and b into path; 1 when
 * there is one. */
static int first_diff(const json_t *a, const json_t *b, char *path, size_t cap) {
    if (a && b && json_typeof(a) == json_typeof(b) && json_is_object(a)) {
        const char *k;
        json_t *v;
        size_t len = strlen(path);
        json_object_foreach((json_t *)a, k, v) {
            snprintf(path + len, cap - len, "%s%s", len ? "." : "", k);
            if (first_diff(v, json_object_get(b, k), path, cap)) return 1;
        }
        json_object_foreach((json_t *)b, k, v) {
            snprintf(path + len, cap - len, "%s%s", len ? "." : "", k);
            if (!json_object_get(a, k)) return 1;
        }
        path[len] = 0;
        return 0;
    }
    if (a && b && json_typeof(a) == json_typeof(b) && json_is_array(a)) {
        size_t len = strlen(path), n = json_array_size(a) > json_array_size(b) ? json_array_size(a) : json_array_size(b);
        for (size_t i = 0; i < n; i++) {
            snprintf(path + len, cap - len, "[%zu]", i);
            if (first_diff(json_array_get(a, i), json_array_get(b, i), path, cap)) return 1;
        }
        path[len] = 0;
        return 0;
    }
    return !json_equal((json_t *)a, (json_t *)b);
}

static const json_t *at_path(const json_t *root, const char *path) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = root;
    for (char *p = buf; v && *p;) {
        if (*p == '[') {
            size_t i = strtoul(p + 1, &p, 10);
            v = json_array_get(v, i);
            if (*p == ']') p++;
            if (*p == '.') p++;
            continue;
        }
        size_t n = strcspn(p, ".[");
        char c = p[n];
        p[n] = 0;
        v = json_object_get(v, p);
        p += n;
        if (c == '.') p++;
        else *p = c;
    }
    return v;
}

int paper_state_check(const char *stored, const char *rebuilt, pr_err *err) {
    json_error_t je;
    json_t *a = json_loads(stored ? stored : "", 0, &je);
    if (!a || !json_is_object(a)) {
        json_decref(a);
        return pr_err_set(err, PR_EPARSE, "the stored state does not read as a JSON object (%s)", a ? "" : je.text);
    }
    json_t *b = json_loads(rebuilt, 0, &je);
    if (!b) {
        json_decref(a);
        return pr_err_set(err, PR_EPARSE, "the rebuilt state does not read: %s", je.text);
    }
    char path[256] = "";
    int rc = PR_OK;
    if (first_diff(a, b, path, sizeof path)) {
        char va[120], vb[120];
        shown(at_path(a, path), va, sizeof va);
        shown(at_path(b, path), vb, sizeof vb);
        rc = pr_err_set(err, PR_ESTATE, "field %s: stored %s, the replay of the same bars gives %s", path, va, vb);
    }
    json_decref(a);
    json_decref(b);
    return rc;
}
