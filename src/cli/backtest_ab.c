/* `proratio backtest --ab`: the TA-only and TA+AI runs of one configuration
 * compared figure by figure with the ai module's pr_ab_* functions, printed
 * as a table or one JSON document, and written as a side-by-side page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/ai.h"
#include "backtest_ab.h"
#include "proratio/core/json_text.h"

static void side_figures(const bt_ab_side *in, pr_ab_side *out) {
    pr_runlog_ai t;
    bt_stages_total(in->stages, &t);
    pr_ab_side_from_metrics(in->name, &in->an->m, t.calls, t.cost, out);
    out->threshold_vetoes = t.threshold_vetoed;
    out->model_vetoes = t.model_vetoed;
    out->fallbacks = t.fallbacks;
    out->replay_misses = t.replay_misses;
    out->contaminated = bt_stages_note(in->stages, out->note, sizeof out->note);
}

/* {"metrics": ..., "fingerprint": ..., "dir": ..., "report": ...} */
static json_t *side_json(const bt_ab_side *in, pr_err *err) {
    char *m = NULL;
    if (pr_metrics_to_json(&in->an->m, &m, err) != PR_OK) return NULL;
    json_t *o = json_object(), *mj = json_loads(m, 0, NULL);
    free(m);
    json_object_set_new(o, "metrics", mj ? mj : json_null());
    json_object_set_new(o, "fingerprint", json_string(in->an->fingerprint));
    json_object_set_new(o, "dir", json_string(in->out_dir));
    json_object_set_new(o, "report", in->report ? json_string(in->report) : json_null());
    return o;
}

static int print_json(const bt_ab_side *a, const bt_ab_side *b, const pr_ab_result *r, pr_err *err) {
    json_t *ja = side_json(a, err), *jb = ja ? side_json(b, err) : NULL;
    char *cmp = pr_ab_json(r);
    json_t *jc = cmp ? json_loads(cmp, 0, NULL) : NULL;
    free(cmp);
    int rc = PR_OK;
    if (!ja || !jb || !jc) rc = err && err->code ? err->code : pr_err_set(err, PR_ENOMEM, "out of memory");
    char *text = NULL;
    if (rc == PR_OK) {
        json_t *doc = json_pack("{s:O,s:O,s:O}", "ta_only", ja, "ta_ai", jb, "comparison", jc);
        text = doc ? pr_json_dumps(doc, JSON_INDENT(2)) : NULL;
        json_decref(doc);
        if (!text) rc = pr_err_set(err, PR_ENOMEM, "out of memory");
    }
    if (text) printf("%s\n", text);
    free(text);
    json_decref(ja);
    json_decref(jb);
    json_decref(jc);
    return rc;
}

/* The side reports as links relative to the page's directory. */
static const char *relative(const char *page, const char *path) {
    const char *slash = strrchr(page, '/');
    size_t n = slash ? (size_t)(slash - page + 1) : 0;
    return path && strncmp(path, page, n) == 0 ? path + n : path;
}

static int write_page(const char *page, const bt_ab_side *a, const bt_ab_side *b, const pr_ab_result *r,
                      pr_err *err) {
    FILE *f = fopen(page, "wb");
    if (!f) {
        pr_err_at(err, page, 0, 0, NULL);
        return pr_err_set(err, PR_EIO, "cannot create the A/B page: %s", strerror(errno));
    }
    int rc = pr_ab_write_html(f, r, "Proratio A/B: TA-only vs TA+AI", relative(page, a->report),
                              relative(page, b->report), err);
    if (fclose(f) != 0 && rc == PR_OK) {
        pr_err_at(err, page, 0, 0, NULL);
        rc = pr_err_set(err, PR_EIO, "write failed");
    }
    return rc;
}

int bt_ab_print(const bt_ab_side *a, const bt_ab_side *b, int json, const char *page, pr_err *err) {
    pr_ab_side sa, sb;
    side_figures(a, &sa);
    side_figures(b, &sb);
    pr_ab_result r;
    int rc = pr_ab_compare(&sa, &sb, &r, err);
    if (rc == PR_OK && page) rc = write_page(page, a, b, &r, err);
    if (rc != PR_OK) return rc;
    if (json) return print_json(a, b, &r, err);
    char buf[8192];
    pr_ab_format(&r, buf, sizeof buf);
    fputs(buf, stdout);
    return PR_OK;
}
