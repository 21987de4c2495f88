/* The confirmation stages of `proratio backtest`: the "confirm" list (and
 * the "ai" shorthand for one LLM stage) validated with dotted paths, the
 * stages created through the ai module and added to the pipeline in order,
 * and their figures for the terminal and the run's summary line. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "proratio/ai.h"
#include "backtest_confirm.h"

/* Stage types that exist, and the ones DESIGN plans (named in the message
 * so a user knows they are coming rather than misspelt). */
static const char *const k_types[] = {"llm", NULL};
static const char k_planned[] = "mtf, regime and ml are planned";

static void add_err(bt_errors *errs, const pr_err *e) {
    char buf[PR_ERR_MSG_MAX];
    pr_err_format(e, buf, sizeof buf);
    bt_errors_add(errs, "%s", buf);
}

/* Checks the LLM stage at `path` of c->view as the stage will read it. */
static void check_llm(bt_confirm *c, const char *path, bt_errors *errs) {
    pr_llm_stage_config sc;
    pr_llm_config prov[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t np = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_llm_stage_config_load(c->view, path, &sc, prov, &np, &e) != PR_OK) add_err(errs, &e);
}

static void add_stage(bt_confirm *c, bt_stage_type t, const char *path) {
    c->type[c->n] = t;
    pr_strlcpy(c->path[c->n], path, sizeof c->path[c->n]);
    c->n++;
}

static int new_view(bt_confirm *c, bt_errors *errs) {
    pr_err e;
    pr_err_clear(&e);
    if (pr_config_parse("{}", &c->view, &e) != PR_OK) {
        add_err(errs, &e);
        return 0;
    }
    return 1;
}

/* "ai": {...} is one llm stage with the same keys. */
static void read_ai(const pr_config *cfg, bt_confirm *c, bt_errors *errs) {
    json_t *ai = json_object_get(pr_config_json(cfg), "ai");
    if (!json_is_object(ai)) {
        bt_errors_add(errs, "ai: expected an object (the LLM confirmation stage: providers, mode, ...)");
        return;
    }
    if (!new_view(c, errs)) return;
    json_object_set_new(pr_config_json(c->view), "ai", json_deep_copy(ai));
    add_stage(c, BT_STAGE_LLM, "ai");
    check_llm(c, "ai", errs);
}

static void read_list(const pr_config *cfg, bt_confirm *c, bt_errors *errs) {
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_config_array_len(cfg, "confirm", &n, &e) != PR_OK) {
        bt_errors_add(errs, "confirm: expected a list of stages [{\"type\": \"llm\", ...}, ...]");
        return;
    }
    if (n > BT_MAX_STAGES) {
        bt_errors_add(errs, "confirm: at most %d stages, got %zu", BT_MAX_STAGES, n);
        return;
    }
    if (!new_view(c, errs)) return;
    json_t *list = json_object_get(pr_config_json(cfg), "confirm");
    json_t *copy = json_array();
    json_object_set_new(pr_config_json(c->view), "confirm", copy);
    for (size_t i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "confirm.%zu", i);
        json_t *st = json_array_get(list, i);
        json_t *type = json_is_object(st) ? json_object_get(st, "type") : NULL;
        int ti = -1;
        for (int k = 0; json_is_string(type) && k_types[k]; k++)
            if (strcmp(json_string_value(type), k_types[k]) == 0) ti = k;
        /* Keep indexes aligned with the file so paths match it. */
        json_t *body = json_is_object(st) ? json_deep_copy(st) : json_object();
        json_object_del(body, "type");
        json_array_append_new(copy, body);
        if (!json_is_object(st)) {
            bt_errors_add(errs, "%s: expected an object {\"type\": \"llm\", ...}", path);
        } else if (!type || json_is_null(type)) {
            bt_errors_add(errs, "%s.type: missing; expected one of \"llm\" (%s)", path, k_planned);
        } else if (!json_is_string(type)) {
            bt_errors_add(errs, "%s.type: expected a stage type such as \"llm\"", path);
        } else if (ti < 0) {
            bt_errors_add(errs, "%s.type: unknown confirmation stage \"%.40s\"; available: llm (%s)", path,
                          json_string_value(type), k_planned);
        } else {
            add_stage(c, (bt_stage_type)ti, path);
            check_llm(c, path, errs);
        }
    }
}

size_t bt_confirm_read(const pr_config *cfg, bt_confirm *c, bt_errors *errs) {
    memset(c, 0, sizeof *c);
    size_t before = errs->n + errs->dropped;
    int has_ai = pr_config_has(cfg, "ai"), has_list = pr_config_has(cfg, "confirm");
    if (has_ai && has_list)
        bt_errors_add(errs, "ai: \"ai\" is the shorthand for one LLM stage; with a \"confirm\" list, put it there "
                            "as {\"type\": \"llm\", ...}");
    else if (has_ai)
        read_ai(cfg, c, errs);
    else if (has_list)
        read_list(cfg, c, errs);
    return errs->n + errs->dropped - before;
}

const char *bt_confirm_reduce_ignored(const bt_confirm *c, double *factor) {
    for (size_t i = 0; c->reduce_by_risk && i < c->n; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s.consensus.reduce_factor", c->path[i]);
        pr_err e;
        if (pr_config_has(c->view, key) && pr_config_number(c->view, key, 1, 0, 1, 0, factor, &e) == PR_OK &&
            *factor != 1)
            return c->path[i];
    }
    return NULL;
}

void bt_confirm_free(bt_confirm *c) {
    if (!c) return;
    pr_config_free(c->view);
    memset(c, 0, sizeof *c);
}

/* ---- stages of a pipeline -------------------------------------------------------------- */
static int attach_llm(const bt_confirm *c, size_t i, void *store, pr_log *log, int gate_only, pr_pipeline *pipe,
                      pr_llm_stage **st, pr_err *err) {
    pr_llm_stage_config sc;
    pr_llm_config prov[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t n = 0;
    *st = NULL;
    int rc = pr_llm_stage_config_load(c->view, c->path[i], &sc, prov, &n, err);
    sc.gate_only = gate_only;
    if (c->reduce_by_risk) sc.consensus.reduce_factor = 1;
    if (rc == PR_OK) rc = pr_llm_stage_new(&sc, prov, n, store, log, NULL, st, err);
    if (rc != PR_OK) return rc;
    pr_confirm_stage cs;
    rc = pr_llm_stage_as_confirm(*st, &cs, err);
    if (rc == PR_OK) rc = pr_pipeline_add_stage(pipe, &cs, err);
    if (rc != PR_OK) {
        pr_llm_stage_free(*st);
        *st = NULL;
    }
    return rc;
}

int bt_confirm_attach(const bt_confirm *c, void *store, pr_log *log, int gate_only, pr_pipeline *pipe,
                      bt_stages *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    out->gate_only = gate_only;
    for (size_t i = 0; i < c->n; i++) {
        int rc = PR_OK;
        switch (c->type[i]) {
        case BT_STAGE_LLM: rc = attach_llm(c, i, store, log, gate_only, pipe, &out->llm[i], err); break;
        }
        if (rc != PR_OK) return rc;
        out->type[i] = c->type[i];
        out->n = i + 1;
    }
    return PR_OK;
}

void bt_stages_finish(bt_stages *s) {
    for (size_t i = 0; i < s->n; i++) {
        pr_llm_stage *st = s->llm[i];
        pr_llm_stage_stats x;
        memset(&x, 0, sizeof x);
        pr_llm_stage_get_stats(st, &x);
        pr_llm_stage_log_summary(st);
        int bad = pr_llm_stage_contaminated(st, s->taint[i], sizeof s->taint[i]);
        s->ai[i] = (pr_runlog_ai){.calls = x.cache.calls, .cache_hits = x.cache.hits,
                                  .failures = x.cache.failures, .fallbacks = x.fallbacks, .cost = x.cache.cost,
                                  .threshold_vetoed = x.threshold_vetoed, .model_vetoed = x.vetoed,
                                  .replay_misses = x.replay_misses,
                                  .prompts = pr_llm_stage_anonymised(st) ? "anonymised" : "plain",
                                  .contaminated = bad, .contamination = bad ? s->taint[i] : NULL};
        s->rl[i] = (pr_runlog_stage){.type = s->gate_only ? "ta_threshold" : k_types[s->type[i]],
                                     .enabled = s->gate_only || pr_llm_stage_enabled(st),
                                     .ai = s->gate_only ? NULL : &s->ai[i]};
    }
}

size_t bt_stages_enabled(const bt_stages *s) {
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) k += s->llm[i] && pr_llm_stage_enabled(s->llm[i]);
    return k;
}

void bt_stages_total(const bt_stages *s, pr_runlog_ai *out) {
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < s->n; i++) {
        out->calls += s->ai[i].calls;
        out->cache_hits += s->ai[i].cache_hits;
        out->failures += s->ai[i].failures;
        out->fallbacks += s->ai[i].fallbacks;
        out->cost += s->ai[i].cost;
        out->threshold_vetoed += s->ai[i].threshold_vetoed;
        out->model_vetoed += s->ai[i].model_vetoed;
        out->replay_misses += s->ai[i].replay_misses;
        out->contaminated |= s->ai[i].contaminated;
    }
}

int bt_stages_note(const bt_stages *s, char *buf, size_t cap) {
    buf[0] = '\0';
    if (s->gate_only || s->n == 0) return 0;
    size_t plain = 0, k = 0;
    for (size_t i = 0; i < s->n; i++) plain += !pr_llm_stage_anonymised(s->llm[i]);
    for (size_t i = 0; i < s->n; i++)
        if (s->ai[i].contaminated) k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0, "%s%s", k ? "; " : "", s->taint[i]);
    if (k) return 1;
    snprintf(buf, cap, "%s", plain ? "plain prompts (symbol, venue, dates, prices), every decision after the "
                                     "models' knowledge cutoffs: not contaminated"
                                   : "anonymised prompts (no symbol, venue or dates; prices rebased to 100)");
    return 0;
}

size_t bt_stages_print_misses(const bt_stages *s, FILE *f) {
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < pr_llm_stage_n_misses(s->llm[i]); k++) {
            const pr_llm_miss *m = pr_llm_stage_miss(s->llm[i], k);
            char t[PR_TIME_STR_MAX];
            pr_time_format_iso(m->decision_ts, t, sizeof t);
            fprintf(f, "proratio backtest: replay miss: %s, provider %s, prompt %s %.12s is not in the cache; this "
                       "entry was decided without its vote\n", t, m->provider, m->template_id, m->prompt_hash);
        }
        n += s->ai[i].replay_misses;
    }
    return n;
}
