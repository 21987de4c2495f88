/* The VaR returns window in the stage's persisted state (risk/var_window.h):
 * the watch's ring as JSON rows next to pr_risk_state's keys. Reals go out
 * with 17 significant digits, which read back to the same doubles, so a
 * resumed run's VaR is bit for bit the continuous run's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/risk/stage.h"
#include "proratio/risk/var_window.h"

void pr_risk_var_window_free(pr_risk_var_window *w) {
    if (!w) return;
    free(w->rows);
    *w = (pr_risk_var_window){0};
}

static json_t *window_json(const pr_risk_var_window *w, pr_err *err) {
    json_t *o = json_object(), *rows = json_array();
    json_object_set_new(o, "instruments", json_integer((json_int_t)w->n_inst));
    json_object_set_new(o, "rows", rows);
    for (size_t j = 0; j < w->n_rows; j++) {
        json_t *row = json_array();
        json_array_append_new(rows, row);
        for (size_t i = 0; i < w->n_inst; i++) {
            double r = w->rows[j * w->n_inst + i];
            if (!isfinite(r)) {   /* JSON has no NaN: say so rather than write a state that cannot resume */
                json_decref(o);
                pr_err_set(err, PR_EINVAL, "risk state: var_window row %zu holds a non-finite return", j);
                return NULL;
            }
            json_array_append_new(row, json_real(r));
        }
    }
    return o;
}

static int window_read(json_t *x, pr_risk_var_window *out, pr_err *err) {
    *out = (pr_risk_var_window){0};
    if (!x) return PR_OK;
    json_t *ni = json_object_get(x, "instruments"), *rows = json_object_get(x, "rows");
    if (!json_is_object(x) || !json_is_integer(ni) || json_integer_value(ni) < 0 ||
        json_integer_value(ni) > PR_RISK_MAX_INSTRUMENTS || !json_is_array(rows) ||
        json_array_size(rows) > PR_RISK_VAR_WINDOW_MAX)
        return pr_err_set(err, PR_EPARSE,
                          "risk state: \"var_window\" must be {\"instruments\": 0..%d, \"rows\": at most %d arrays}",
                          PR_RISK_MAX_INSTRUMENTS, PR_RISK_VAR_WINDOW_MAX);
    size_t n = (size_t)json_integer_value(ni), m = json_array_size(rows);
    if (m && !n) return pr_err_set(err, PR_EPARSE, "risk state: \"var_window\" has rows but no instruments");
    if (m && !(out->rows = malloc(m * n * sizeof *out->rows))) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    size_t j, i;
    json_t *row, *v;
    json_array_foreach(rows, j, row) {
        if (!json_is_array(row) || json_array_size(row) != n) {
            pr_risk_var_window_free(out);
            return pr_err_set(err, PR_EPARSE, "risk state: var_window.rows[%zu] must be an array of %zu numbers", j, n);
        }
        json_array_foreach(row, i, v) {
            if (!json_is_number(v)) {
                pr_risk_var_window_free(out);
                return pr_err_set(err, PR_EPARSE, "risk state: var_window.rows[%zu][%zu] must be a number", j, i);
            }
            out->rows[j * n + i] = json_number_value(v);
        }
    }
    out->n_inst = n;
    out->n_rows = m;
    return PR_OK;
}

int pr_risk_var_window_from_json(const char *text, pr_risk_var_window *out, pr_err *err) {
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    *out = (pr_risk_var_window){0};
    if (!json_is_object(root)) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "risk state: not a JSON object (line %d: %s)", je.line, je.text);
    }
    int rc = window_read(json_object_get(root, "var_window"), out, err);
    json_decref(root);
    return rc;
}

int pr_risk_stage_state_to_json(const pr_risk_stage *rs, char **out, pr_err *err) {
    *out = NULL;
    char *base = NULL;
    pr_risk_var_window w;
    int rc = pr_risk_watch_window_get(pr_risk_stage_watch(rs), &w, err);
    if (rc == PR_OK) rc = pr_risk_state_to_json(pr_risk_stage_state(rs), &base, err);
    json_t *root = NULL, *win = NULL;
    if (rc == PR_OK) {
        json_error_t je;
        root = json_loads(base, 0, &je);
        win = window_json(&w, err);
        if (!root) rc = pr_err_set(err, PR_ENOMEM, "risk state: out of memory");
        else if (!win) rc = PR_EINVAL;
    }
    if (rc == PR_OK) {
        json_object_set_new(root, "var_window", win);
        win = NULL;
        *out = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
        if (!*out) rc = pr_err_set(err, PR_ENOMEM, "risk state: out of memory");
    }
    json_decref(win);
    json_decref(root);
    free(base);
    pr_risk_var_window_free(&w);
    return rc;
}

int pr_risk_stage_restore_json(pr_risk_stage *rs, const char *text, pr_err *err) {
    pr_risk_state *st = malloc(sizeof *st);
    if (!st) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    pr_risk_var_window w = {0};
    int rc = pr_risk_state_from_json(text, st, err);
    if (rc == PR_OK) rc = pr_risk_var_window_from_json(text, &w, err);
    /* The window first: a stage that already ran refuses it, and then keeps
     * its own state too. */
    if (rc == PR_OK) rc = pr_risk_stage_restore_window(rs, &w, err);
    if (rc == PR_OK) pr_risk_stage_restore(rs, st);
    pr_risk_var_window_free(&w);
    free(st);
    return rc;
}
