/* The one reader of strategy parameter tables (pr_param_def): defaults,
 * validation of a configuration object against the table with errors
 * naming the full key path, and the text forms `proratio strategy show`
 * prints. Strategies only declare their rows and a cross-parameter check. */
#include <stdio.h>
#include <string.h>
#include "proratio/signal.h"

#define PARAMS_MAX 64

const char *pr_param_type_name(pr_param_type t) {
    switch (t) {
    case PR_PARAM_INT: return "int";
    case PR_PARAM_NUMBER: return "number";
    case PR_PARAM_BOOL: return "bool";
    case PR_PARAM_LIST: return "list";
    case PR_PARAM_TIMEFRAME: return "timeframe";
    case PR_PARAM_CHOICE: return "choice";
    case PR_PARAM_STRING: return "string";
    }
    return "?";
}

static int *int_at(void *p, size_t off) { return (int *)(void *)((char *)p + off); }
static double *dbl_at(void *p, size_t off) { return (double *)(void *)((char *)p + off); }
static const int *cint_at(const void *p, size_t off) { return (const int *)(const void *)((const char *)p + off); }
static const double *cdbl_at(const void *p, size_t off) {
    return (const double *)(const void *)((const char *)p + off);
}

static int list_cap(const pr_param_def *d) {
    return d->cap > 0 && d->cap <= PR_PARAM_LIST_MAX ? d->cap : PR_SIGNAL_MAX_TARGETS;
}

void pr_params_defaults(const pr_strategy_info *info, void *p) {
    memset(p, 0, info->size);
    for (size_t k = 0; k < info->n_params; k++) {
        const pr_param_def *d = &info->params[k];
        switch (d->type) {
        case PR_PARAM_INT:
        case PR_PARAM_BOOL:
        case PR_PARAM_CHOICE: *int_at(p, d->offset) = (int)d->def; break;
        case PR_PARAM_NUMBER: *dbl_at(p, d->offset) = d->def; break;
        case PR_PARAM_LIST:
            for (int i = 0; i < d->def_n && i < list_cap(d); i++) dbl_at(p, d->offset)[i] = d->def_list[i];
            *int_at(p, d->aux_offset) = d->def_n;
            break;
        case PR_PARAM_TIMEFRAME:
            *(pr_timeframe *)(void *)((char *)p + d->offset) = PR_TF_NONE;
            *int_at(p, d->aux_offset) = 0;
            break;
        case PR_PARAM_STRING: *(const char **)(void *)((char *)p + d->offset) = NULL; break;
        }
    }
}

/* Reads an array of numbers at `key` into out[0..list_cap(d)). */
static int read_list(const pr_config *cfg, const char *key, const pr_param_def *d, double *out, int *n,
                     pr_err *err) {
    size_t len = 0;
    int rc = pr_config_array_len(cfg, key, &len, err);
    if (rc != 0) return rc;
    if (len > (size_t)list_cap(d)) {
        pr_err_at(err, NULL, 0, 0, key);
        return pr_err_set(err, PR_EINVAL, "%s: at most %d elements, got %zu", key, list_cap(d), len);
    }
    for (size_t k = 0; k < len; k++) {
        char ek[PR_ERR_PATH_MAX];
        snprintf(ek, sizeof ek, "%s.%zu", key, k);
        if ((rc = pr_config_number(cfg, ek, 0, d->min, d->max, d->open, &out[k], err)) != 0) return rc;
    }
    *n = (int)len;
    return PR_OK;
}

/* A list and the lists that run alongside it (pair), read together. */
static int read_lists(const pr_strategy_info *info, const pr_param_def *d, const pr_config *cfg, const char *base,
                      void *p, pr_err *err) {
    char km[PR_ERR_PATH_MAX], kf[PR_ERR_PATH_MAX];
    pr_config_key(km, sizeof km, base, d->name);
    int has_m = pr_config_has(cfg, km), has_f = 0;
    for (size_t k = 0; k < info->n_params; k++) {
        const pr_param_def *f = &info->params[k];
        if (f->type == PR_PARAM_LIST && f->pair && strcmp(f->pair, d->name) == 0 &&
            pr_config_has(cfg, pr_config_key(kf, sizeof kf, base, f->name)))
            has_f = 1;
    }
    if (!has_m && !has_f) return PR_OK;
    double vm[PR_PARAM_LIST_MAX] = {0}, vf[PR_PARAM_LIST_MAX];
    int nm = 0, nf, rc;
    if ((rc = read_list(cfg, km, d, vm, &nm, err)) != 0) return rc;
    for (size_t k = 0; k < info->n_params; k++) {
        const pr_param_def *f = &info->params[k];
        if (f->type != PR_PARAM_LIST || !f->pair || strcmp(f->pair, d->name) != 0) continue;
        pr_config_key(kf, sizeof kf, base, f->name);
        memset(vf, 0, sizeof vf);
        nf = 0;
        if ((rc = read_list(cfg, kf, f, vf, &nf, err)) != 0) return rc;
        if (!has_m) {
            pr_err_at(err, NULL, 0, 0, km);
            return pr_err_set(err, PR_EINVAL, "%s: missing; %s needs the levels it applies to", km, f->name);
        }
        if (nm != nf) {
            pr_err_at(err, NULL, 0, 0, kf);
            return pr_err_set(err, PR_EINVAL, "%s: expected %d values (one per %s element), got %d", kf, nm, d->name,
                              nf);
        }
        memcpy(dbl_at(p, f->offset), vf, (size_t)list_cap(f) * sizeof *vf);
        *int_at(p, f->aux_offset) = nm;
    }
    memcpy(dbl_at(p, d->offset), vm, (size_t)list_cap(d) * sizeof *vm);
    *int_at(p, d->aux_offset) = nm;
    return PR_OK;
}

static int read_one(const pr_strategy_info *info, const pr_param_def *d, const pr_config *cfg, const char *base,
                    void *p, pr_err *err) {
    char k[PR_ERR_PATH_MAX];
    pr_config_key(k, sizeof k, base, d->name);
    long v;
    double x;
    int b, rc = PR_OK;
    switch (d->type) {
    case PR_PARAM_INT:
        if ((rc = pr_config_int(cfg, k, *int_at(p, d->offset), (long)d->min, (long)d->max, &v, err)) == 0)
            *int_at(p, d->offset) = (int)v;
        break;
    case PR_PARAM_NUMBER:
        if ((rc = pr_config_number(cfg, k, *dbl_at(p, d->offset), d->min, d->max, d->open, &x, err)) == 0)
            *dbl_at(p, d->offset) = x;
        break;
    case PR_PARAM_BOOL:
        if ((rc = pr_config_bool(cfg, k, *int_at(p, d->offset), &b, err)) == 0) *int_at(p, d->offset) = b;
        break;
    case PR_PARAM_LIST:
        if (!d->pair) rc = read_lists(info, d, cfg, base, p, err);
        break;
    case PR_PARAM_CHOICE:
        if ((rc = pr_config_enum(cfg, k, d->choices[*int_at(p, d->offset)], d->choices, &b, err)) == 0)
            *int_at(p, d->offset) = b;
        break;
    case PR_PARAM_STRING: rc = pr_config_string_ref(cfg, k, (const char **)(void *)((char *)p + d->offset), err); break;
    case PR_PARAM_TIMEFRAME: {
        char tf[16];
        pr_timeframe *out = (pr_timeframe *)(void *)((char *)p + d->offset);
        if ((rc = pr_config_string(cfg, k, "auto", tf, sizeof tf, err)) != 0) break;
        if (strcmp(tf, "auto") == 0) {
            *out = PR_TF_NONE;
        } else if (strcmp(tf, "off") == 0) {
            *int_at(p, d->aux_offset) = 1;
        } else if (pr_tf_parse(tf, out) != 0 || *out == PR_TF_NONE) {
            pr_err_at(err, NULL, 0, 0, k);
            rc = pr_err_set(err, PR_EINVAL, "%s: expected \"auto\", \"off\" or a timeframe such as \"4h\", got \"%s\"",
                            k, tf);
        }
        break;
    }
    }
    return rc;
}

int pr_params_read(const pr_strategy_info *info, const pr_config *cfg, const char *path, void *p, pr_err *err) {
    if (!info || !p) return pr_err_set(err, PR_EINVAL, "pr_params_read: NULL argument");
    if (info->n_params >= PARAMS_MAX) return pr_err_set(err, PR_ELIMIT, "%s: too many parameters", info->name);
    pr_params_defaults(info, p);
    if (!cfg) return PR_OK;
    const char *keys[PARAMS_MAX + 1];
    for (size_t k = 0; k < info->n_params; k++) keys[k] = info->params[k].name;
    keys[info->n_params] = NULL;
    const char *base = path ? path : "";
    int rc;
    if ((rc = pr_config_check_keys(cfg, base, keys, err)) != 0) return rc;
    for (size_t k = 0; k < info->n_params; k++)
        if ((rc = read_one(info, &info->params[k], cfg, base, p, err)) != 0) return rc;
    const char *what = NULL;
    char msg[200];
    if (info->check && info->check(p, &what, msg, sizeof msg) != 0) {
        char k[PR_ERR_PATH_MAX];
        pr_config_key(k, sizeof k, base, what);
        pr_err_at(err, NULL, 0, 0, k);
        return pr_err_set(err, PR_EINVAL, "%s: %s", k, msg);
    }
    return PR_OK;
}

size_t pr_param_format(const pr_param_def *d, const void *p, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    int n = 0;
    switch (d->type) {
    case PR_PARAM_INT: n = snprintf(buf, cap, "%d", *cint_at(p, d->offset)); break;
    case PR_PARAM_NUMBER: n = snprintf(buf, cap, "%g", *cdbl_at(p, d->offset)); break;
    case PR_PARAM_BOOL: n = snprintf(buf, cap, "%s", *cint_at(p, d->offset) ? "true" : "false"); break;
    case PR_PARAM_CHOICE: n = snprintf(buf, cap, "%s", d->choices[*cint_at(p, d->offset)]); break;
    case PR_PARAM_LIST: {
        int len = *cint_at(p, d->aux_offset);
        size_t pos = 0;
        buf[0] = '\0';
        for (int i = -1; i <= len && pos < cap; i++) {
            int w = i < 0 ? snprintf(buf + pos, cap - pos, "[")
                    : i == len ? snprintf(buf + pos, cap - pos, "]")
                               : snprintf(buf + pos, cap - pos, "%s%g", i ? ", " : "", cdbl_at(p, d->offset)[i]);
            if (w < 0) break;
            pos += (size_t)w;
        }
        return pos < cap ? pos : cap - 1;
    }
    case PR_PARAM_STRING: {
        const char *str = *(const char *const *)(const void *)((const char *)p + d->offset);
        n = snprintf(buf, cap, "%s", str ? str : "");
        break;
    }
    case PR_PARAM_TIMEFRAME: {
        pr_timeframe tf = *(const pr_timeframe *)(const void *)((const char *)p + d->offset);
        n = snprintf(buf, cap, "%s", *cint_at(p, d->aux_offset) ? "off" : tf == PR_TF_NONE ? "auto" : pr_tf_name(tf));
        break;
    }
    }
    if (n < 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t pr_param_range(const pr_param_def *d, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    int n;
    if (d->type == PR_PARAM_BOOL) n = snprintf(buf, cap, "true/false");
    else if (d->type == PR_PARAM_TIMEFRAME) n = snprintf(buf, cap, "auto/off/timeframe");
    else if (d->type == PR_PARAM_STRING) n = snprintf(buf, cap, "expression");
    else if (d->type == PR_PARAM_CHOICE) {
        size_t pos = 0;
        buf[0] = '\0';
        for (int i = 0; d->choices[i] && pos < cap; i++) {
            int w = snprintf(buf + pos, cap - pos, "%s%s", i ? "/" : "", d->choices[i]);
            if (w < 0) break;
            pos += (size_t)w;
        }
        return pos < cap ? pos : cap - 1;
    } else
        n = snprintf(buf, cap, "%s%g, %g%s%s", d->open ? "(" : "[", d->min, d->max, d->open ? ")" : "]",
                     d->type == PR_PARAM_LIST ? " each" : "");
    if (n < 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}
