/* Strategy plugins (proratio/signal/plugin.h): loading a shared object with
 * dlopen, checking its ABI version and registry row, and wrapping its
 * strategy so that what it returns is checked and a crash inside it can be
 * blamed on it. The wrapper forwards every vtable call; the only state
 * outside the objects is the thread's "plugin running now" name, which a
 * signal handler can read (it cannot be handed one). */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/signal/plugin.h"

struct pr_plugin_handle {
    void *so;
    const pr_strategy_info *info;
    char path[1024];
    char name[64];
};

typedef struct wrapped {
    pr_strategy base;
    pr_strategy *inner;
    pr_plugin_handle *h;
    pr_strategy_vt vt;   /* the forwarding table, with the inner one's optional entries */
} wrapped;

static _Thread_local const char *t_running;

const char *pr_plugin_running(void) { return t_running; }

int pr_plugin_open(const char *path, pr_plugin_handle **out, pr_err *err) {
    *out = NULL;
    if (!path || !path[0]) return pr_err_set(err, PR_EINVAL, "plugin: no path");
    /* dlopen searches the library path for a bare name: ./ makes it a file */
    char file[1024];
    snprintf(file, sizeof file, "%s%s", strchr(path, '/') ? "" : "./", path);
    void *so = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        const char *why = dlerror();
        return pr_err_set(err, PR_ENOTFOUND, "plugin %s: cannot load it: %s", path, why ? why : "?");
    }
    const pr_plugin *e = dlsym(so, "pr_plugin_entry");
    int rc = PR_OK;
    if (!e)
        rc = pr_err_set(err, PR_EINVAL, "plugin %s: exports no pr_plugin_entry (end the file with PR_PLUGIN_EXPORT(info);)",
                        path);
    else if (e->abi != PR_PLUGIN_ABI)
        rc = pr_err_set(err, PR_EINVAL,
                        "plugin %s was built for plugin ABI %d; this proratio has ABI %d: rebuild it against this "
                        "proratio's headers",
                        path, e->abi, PR_PLUGIN_ABI);
    else if (!e->strategy || !e->strategy->name || !e->strategy->create || (e->strategy->n_params && !e->strategy->params))
        rc = pr_err_set(err, PR_EINVAL, "plugin %s: its strategy row lacks a name, a create function or its parameters",
                        path);
    else if (e->strategy->size > 64 * sizeof(double))
        rc = pr_err_set(err, PR_EINVAL, "plugin %s: parameter struct of %zu bytes (at most %zu)", path,
                        e->strategy->size, 64 * sizeof(double));
    if (rc != PR_OK) {
        dlclose(so);
        return rc;
    }
    pr_plugin_handle *h = calloc(1, sizeof *h);
    if (!h) {
        dlclose(so);
        return pr_err_set(err, PR_ENOMEM, "plugin: out of memory");
    }
    h->so = so;
    h->info = e->strategy;
    pr_strlcpy(h->path, path, sizeof h->path);
    pr_strlcpy(h->name, e->strategy->name, sizeof h->name);
    *out = h;
    return PR_OK;
}

const pr_strategy_info *pr_plugin_strategy_info(const pr_plugin_handle *h) { return h ? h->info : NULL; }
const char *pr_plugin_name(const pr_plugin_handle *h) { return h ? h->name : ""; }

void pr_plugin_close(pr_plugin_handle *h) {
    if (!h) return;
    if (h->so) dlclose(h->so);
    free(h);
}

/* ---- the wrapper ------------------------------------------------------------------ */
static int finite_or_zero(double x) { return isfinite(x) && x >= 0; }

/* Signal k of out, as the plugin left it: a problem's description, or NULL. */
static const char *bad_signal(const pr_signal *s, size_t n_inst) {
    if (s->instrument < 0 || (size_t)s->instrument >= n_inst) return "an instrument index out of range";
    if (s->kind != PR_SIG_ENTER_LONG && s->kind != PR_SIG_ENTER_SHORT && s->kind != PR_SIG_EXIT &&
        s->kind != PR_SIG_ADJUST)
        return "an unknown kind";
    if (!finite_or_zero(s->entry_limit) || !finite_or_zero(s->entry_stop) || !finite_or_zero(s->stop))
        return "an entry or stop price that is negative, infinite or NaN";
    if (s->n_targets < 0 || s->n_targets > PR_SIGNAL_MAX_TARGETS) return "a target count out of range";
    for (int k = 0; k < s->n_targets; k++)
        if (!finite_or_zero(s->target_price[k]) || !(s->target_frac[k] >= 0 && s->target_frac[k] <= 1))
            return "a target price or fraction out of range";
    if (!(s->size_hint >= 0 && s->size_hint <= 1) || !(s->confidence >= 0 && s->confidence <= 1) ||
        !(s->exit_frac >= 0 && s->exit_frac <= 1))
        return "a size hint, confidence or exit fraction outside [0, 1]";
    if (!finite_or_zero(s->trail_frac) || !finite_or_zero(s->trail_dist) || !finite_or_zero(s->breakeven_gain) ||
        s->max_bars < 0)
        return "a trailing, break-even or time-stop setting out of range";
    if (s->scale_in != 0 && s->scale_in != 1) return "a scale_in flag other than 0 or 1";
    return NULL;
}

static int w_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    wrapped *w = (wrapped *)s;
    t_running = w->h->name;
    int rc = w->inner->vt->init(w->inner, v, err);
    t_running = NULL;
    return rc;
}

static int w_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    wrapped *w = (wrapped *)s;
    size_t before = out->n;
    t_running = w->h->name;
    int rc = w->inner->vt->on_bar(w->inner, v, out, err);
    t_running = NULL;
    if (rc != PR_OK) return rc;
    if (out->n > out->cap || out->n < before)
        return pr_err_set(err, PR_EINVAL, "plugin %s: on_bar left the signal list broken (%zu of %zu)", w->h->name,
                          out->n, out->cap);
    const size_t n_inst = pr_view_n_instruments(v);
    for (size_t k = before; k < out->n; k++) {
        const char *bad = bad_signal(&out->items[k], n_inst);
        if (bad)
            return pr_err_set(err, PR_EINVAL, "plugin %s: on_bar returned a signal with %s (instrument %d of %zu, kind %d)",
                              w->h->name, bad, out->items[k].instrument, n_inst, (int)out->items[k].kind);
    }
    return PR_OK;
}

static size_t w_describe(const pr_strategy *s, char *buf, size_t cap) {
    const wrapped *w = (const wrapped *)s;
    return w->inner->vt->describe ? w->inner->vt->describe(w->inner, buf, cap) : 0;
}

static size_t w_explain(const pr_strategy *s, char *buf, size_t cap) {
    const wrapped *w = (const wrapped *)s;
    return w->inner->vt->explain(w->inner, buf, cap);
}

static int w_on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    wrapped *w = (wrapped *)s;
    t_running = w->h->name;
    int rc = w->inner->vt->on_event(w->inner, v, ev, err);
    t_running = NULL;
    return rc;
}

static void w_destroy(pr_strategy *s) {
    wrapped *w = (wrapped *)s;
    pr_strategy_free(w->inner);
    pr_plugin_close(w->h);
    free(w);
}

int pr_plugin_strategy_create(pr_plugin_handle *h, const pr_config *cfg, const char *path, pr_strategy **out,
                              pr_err *err) {
    *out = NULL;
    double params[64];
    int rc = pr_params_read(h->info, cfg, path, params, err);
    if (rc != PR_OK) return rc;
    wrapped *w = calloc(1, sizeof *w);
    if (!w) return pr_err_set(err, PR_ENOMEM, "plugin: out of memory");
    t_running = h->name;
    rc = h->info->create(params, &w->inner, err);
    t_running = NULL;
    if (rc == PR_OK && (!w->inner || !w->inner->vt || !w->inner->vt->init || !w->inner->vt->on_bar))
        rc = pr_err_set(err, PR_EINVAL, "plugin %s: create made no strategy with init and on_bar", h->name);
    if (rc != PR_OK) {
        if (w->inner && w->inner->vt && w->inner->vt->destroy) w->inner->vt->destroy(w->inner);
        free(w);
        return rc;
    }
    const pr_strategy_vt *in = w->inner->vt;
    w->vt = (pr_strategy_vt){.name = in->name ? in->name : h->name,
                             .init = w_init,
                             .on_bar = w_on_bar,
                             .describe = w_describe,
                             .destroy = w_destroy,
                             .explain = in->explain ? w_explain : NULL,
                             .on_event = in->on_event ? w_on_event : NULL};
    w->base.vt = &w->vt;
    w->h = h;
    *out = &w->base;
    return PR_OK;
}
