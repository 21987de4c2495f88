/* A configured provider: key from the environment, then per call the
 * circuit breaker, the token bucket, the request, retries with backoff and
 * Retry-After, parsing and verdict validation. Everything that leaves this
 * file (reasons, stored bodies, model, verdict texts) has the key redacted,
 * raw or JSON-escaped, and no prefix of it is left at a cut. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ai_internal.h"

struct pr_llm {
    pr_llm_config cfg;
    const pr_llm_vt *vt;
    pr_llm_hooks hooks;
    char *key;
    pr_rng rng;
    pr_token_bucket bucket;
    pr_breaker breaker;
    pr_llm_stats stats;
};

static int64_t default_mono(void *ctx) {
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t default_wall(void *ctx) {
    (void)ctx;
    return pr_time_now_ms();
}

static void default_sleep(void *ctx, int64_t ms) {
    (void)ctx;
    if (ms <= 0) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static int default_send(void *ctx, const pr_llm_http *rq, const char *key, double timeout_s,
                        pr_llm_http_response *out) {
    (void)ctx;
    return pr_llm_http_send(rq, key, timeout_s, out);
}

int pr_llm_new(const pr_llm_config *cfg, const pr_llm_hooks *hooks, pr_llm **out, pr_err *err) {
    if (!cfg || !out) return pr_err_set(err, PR_EINVAL, "pr_llm_new: NULL argument");
    *out = NULL;
    const pr_llm_vt *vt = pr_llm_vt_for(cfg->api);
    if (!vt) return pr_err_set(err, PR_EINVAL, "provider %s: unknown api", cfg->name);
    if (!cfg->name[0] || !cfg->model[0] || !cfg->base_url[0])
        return pr_err_set(err, PR_EINVAL, "provider %s: name, model and base_url are required", cfg->name);
    const char *key = NULL;
    if (cfg->key_env[0]) {
        key = getenv(cfg->key_env);
        if (!key || !*key)
            return pr_err_set(err, PR_ENOTFOUND, "provider %s: no API key (environment variable %s is not set)",
                              cfg->name, cfg->key_env);
    }
    pr_llm *l = calloc(1, sizeof *l);
    if (!l) return pr_err_set(err, PR_ENOMEM, "pr_llm_new: out of memory");
    l->cfg = *cfg;
    l->vt = vt;
    if (hooks) l->hooks = *hooks;
    if (!l->hooks.mono_ms) l->hooks.mono_ms = default_mono;
    if (!l->hooks.wall_ms) l->hooks.wall_ms = default_wall;
    if (!l->hooks.sleep_ms) l->hooks.sleep_ms = default_sleep;
    if (!l->hooks.send) l->hooks.send = default_send;
    if (key && !(l->key = strdup(key))) {
        free(l);
        return pr_err_set(err, PR_ENOMEM, "pr_llm_new: out of memory");
    }
    pr_rng_seed(&l->rng, l->hooks.seed);
    int64_t now = l->hooks.mono_ms(l->hooks.ctx);
    pr_token_bucket_init(&l->bucket, cfg->rate_per_min, cfg->burst, now);
    pr_breaker_init(&l->breaker, cfg->breaker_failures, (int64_t)(cfg->breaker_cooldown_s * 1000));
    *out = l;
    return PR_OK;
}

void pr_llm_free(pr_llm *l) {
    if (!l) return;
    if (l->key) {
        volatile char *w = l->key;
        for (size_t i = 0; w[i]; i++) w[i] = 0;
        free(l->key);
    }
    free(l);
}

const pr_llm_config *pr_llm_get_config(const pr_llm *l) { return l ? &l->cfg : NULL; }

void pr_llm_get_stats(const pr_llm *l, pr_llm_stats *out) {
    if (!l || !out) return;
    *out = l->stats;
    out->circuit_open = l->breaker.open;
    out->consecutive_failures = l->breaker.consecutive;
}

char *pr_llm_redact(const pr_llm *l, const char *s) { return pr_redact(l ? l->key : NULL, s); }

void pr_llm_result_free(pr_llm_result *r) {
    if (!r) return;
    free(r->request);
    free(r->response);
    free(r->text);
    r->request = r->response = r->text = NULL;
}

/* Sets the failure fields of out from err's message, redacted. */
static int finish_fail(pr_llm *l, pr_llm_result *out, pr_llm_fail f, pr_err *err) {
    out->fail = f;
    out->status = pr_llm_fail_status(f);
    if (err) {
        pr_redact_buf(l->key, err->msg, sizeof err->msg);
        pr_redact_buf(l->key, err->venue_code, sizeof err->venue_code);
        pr_strlcpy(out->reason, err->msg, sizeof out->reason);
    } else {
        pr_strlcpy(out->reason, pr_llm_fail_name(f), sizeof out->reason);
    }
    pr_redact_buf(l->key, out->reason, sizeof out->reason);
    if (err) err->code = out->status;
    l->stats.failures++;
    return out->status;
}

static void redact_list(const char *key, pr_verdict_list *v) {
    for (size_t i = 0; i < v->n && i < PR_VERDICT_ITEMS_MAX; i++) pr_redact_buf(key, v->item[i], sizeof v->item[i]);
}

/* The verdict's texts were cut to fixed buffers by the verdict parser. */
static void redact_verdict(const char *key, pr_verdict *v) {
    switch (v->question) {
    case PR_LLM_Q_CONFIRM: redact_list(key, &v->u.confirm.reasons); break;
    case PR_LLM_Q_DIRECTION:
        pr_redact_buf(key, v->u.direction.reasoning, sizeof v->u.direction.reasoning);
        redact_list(key, &v->u.direction.key_factors);
        break;
    case PR_LLM_Q_MTF:
        for (int i = 0; i < PR_MTF_COUNT; i++) redact_list(key, &v->u.mtf.tf[i].patterns);
        pr_redact_buf(key, v->u.mtf.reasoning, sizeof v->u.mtf.reasoning);
        break;
    case PR_LLM_Q_REGIME: pr_redact_buf(key, v->u.regime.reasoning, sizeof v->u.regime.reasoning); break;
    case PR_LLM_Q_LEVELS: pr_redact_buf(key, v->u.levels.reasoning, sizeof v->u.levels.reasoning); break;
    default: break;
    }
}

int pr_llm_call(pr_llm *l, const pr_llm_prompt *p, pr_llm_result *out, pr_err *err) {
    if (!l || !p || !out) return pr_err_set(err, PR_EINVAL, "pr_llm_call: NULL argument");
    memset(out, 0, sizeof *out);
    out->reject = PR_VERDICT_OK;
    pr_err scratch;
    if (!err) err = &scratch;
    pr_err_clear(err);
    l->stats.calls++;
    const pr_llm_hooks *h = &l->hooks;
    int64_t t0 = h->mono_ms(h->ctx);

    if (!pr_breaker_allow(&l->breaker, t0)) {
        pr_err_set(err, PR_ESTATE, "%s: provider marked down after %d consecutive failures (circuit open)",
                   l->cfg.name, l->breaker.consecutive);
        return finish_fail(l, out, PR_LLM_FAIL_CIRCUIT_OPEN, err);
    }
    pr_llm_http rq;
    int rc = l->vt->build(&l->cfg, p, &rq, err);
    if (rc) {
        pr_llm_http_free(&rq);
        /* A request we cannot build is our fault, not the provider's. */
        pr_breaker_record(&l->breaker, 0, t0);
        out->status = rc;
        pr_strlcpy(out->reason, err->msg, sizeof out->reason);
        out->fail = PR_LLM_FAIL_BAD_REQUEST;
        l->stats.failures++;
        return rc;
    }
    out->request = strdup(rq.body);

    pr_llm_reply reply;
    memset(&reply, 0, sizeof reply);
    pr_llm_fail fail = PR_LLM_FAIL_TRANSPORT;
    for (int attempt = 0;; attempt++) {
        for (;;) { /* rate limiter: wait for a token */
            int64_t wait = pr_token_bucket_take(&l->bucket, h->mono_ms(h->ctx));
            if (wait <= 0) break;
            h->sleep_ms(h->ctx, wait);
        }
        pr_llm_http_response rs;
        memset(&rs, 0, sizeof rs);
        h->send(h->ctx, &rq, l->key, l->cfg.timeout_s, &rs);
        rs.secret = l->key;
        l->stats.requests++;
        out->attempts++;
        out->http_status = rs.status;
        pr_llm_reply_free(&reply);
        pr_err_clear(err);
        rc = l->vt->parse(&l->cfg, &rs, &reply, err);
        free(out->response);
        out->response = pr_ai_redact_body(l->key, rs.body ? rs.body : "", rs.body ? rs.body_len : 0);
        fail = reply.fail;
        double hint = pr_llm_retry_after(&rs, h->wall_ms(h->ctx));
        if (hint < 0) hint = reply.retry_after_s;
        int retry = reply.retryable;
        if (strcasecmp(rs.should_retry, "true") == 0) retry = fail != PR_LLM_OK;
        else if (strcasecmp(rs.should_retry, "false") == 0) retry = 0;
        pr_llm_http_response_free(&rs);
        if (rc == PR_ENOMEM || rc == PR_EINVAL) {
            fail = PR_LLM_FAIL_TRANSPORT;
            break;
        }
        if (fail == PR_LLM_OK || !retry || attempt >= l->cfg.max_retries) break;
        int64_t delay;
        if (hint >= 0) {
            /* A provider asking for a longer wait than we accept: stop now. */
            if (hint > l->cfg.max_retry_after_s) break;
            delay = (int64_t)ceil(hint * 1000.0);
        } else {
            delay = pr_backoff_ms(attempt, l->cfg.backoff_base_s, l->cfg.backoff_max_s, &l->rng);
        }
        l->stats.retries++;
        h->sleep_ms(h->ctx, delay);
    }
    pr_llm_http_free(&rq);
    int64_t t1 = h->mono_ms(h->ctx);
    out->latency_ms = t1 - t0;
    out->tokens_in = reply.tokens_in;
    out->tokens_out = reply.tokens_out;
    out->cost = pr_llm_cost(&l->cfg, reply.tokens_in, reply.tokens_out);
    /* The parser redacted the body's strings; these are cut copies of them. */
    pr_strlcpy(out->model, reply.model, sizeof out->model);
    pr_strlcpy(out->finish, reply.finish, sizeof out->finish);
    pr_redact_buf(l->key, out->model, sizeof out->model);
    pr_redact_buf(l->key, out->finish, sizeof out->finish);
    pr_breaker_record(&l->breaker, pr_llm_fail_is_outage(fail), t1);
    if (fail != PR_LLM_OK) {
        pr_llm_reply_free(&reply);
        return finish_fail(l, out, fail, err);
    }
    out->text = reply.text;
    reply.text = NULL;
    /* Joined from several strings (content blocks, parts): a key split across two. */
    char *red = pr_redact(l->key, out->text);
    free(out->text);
    out->text = red;
    if (!red) return pr_err_set(err, PR_ENOMEM, "out of memory");
    pr_verdict_reject why = PR_VERDICT_OK;
    rc = pr_verdict_parse(p->question, out->text, strlen(out->text), &out->verdict, &why, err);
    if (!rc) redact_verdict(l->key, &out->verdict);
    if (rc) {
        out->reject = why;
        char msg[PR_ERR_MSG_MAX + 40];
        snprintf(msg, sizeof msg, "%s: %s", l->cfg.name, err->msg);
        pr_strlcpy(err->msg, msg, sizeof err->msg);
        return finish_fail(l, out, PR_LLM_FAIL_VERDICT, err);
    }
    return PR_OK;
}
