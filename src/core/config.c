/* JSON configuration (jansson) with dotted-path access ("risk.max_drawdown",
 * "instruments.0.symbol") and validation errors that name the path:
 * "risk.max_drawdown: expected a number in (0,1)", with err->field = path. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "proratio/core.h"

struct pr_config {
    json_t *root;
};

void *pr_config_json(const pr_config *cfg) { return cfg ? cfg->root : NULL; }

void pr_config_free(pr_config *cfg) {
    if (!cfg) return;
    json_decref(cfg->root);
    free(cfg);
}

static int wrap(json_t *root, pr_config **out, const char *file, pr_err *err) {
    if (!json_is_object(root)) {
        json_decref(root);
        if (file) pr_err_at(err, file, 0, 0, NULL);
        return pr_err_set(err, PR_EPARSE, "configuration must be a JSON object");
    }
    pr_config *c = malloc(sizeof *c);
    if (!c) {
        json_decref(root);
        return pr_err_set(err, PR_ENOMEM, "out of memory");
    }
    c->root = root;
    *out = c;
    return PR_OK;
}

int pr_config_load(const char *path, pr_config **out, pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "pr_config_load: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, e == ENOENT ? PR_ENOTFOUND : PR_EIO, "cannot open configuration: %s",
                          strerror(e));
    }
    /* fopen succeeds on a directory; reading it would report "invalid JSON". */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, PR_EINVAL, "is a directory, not a JSON configuration file");
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!root) {
        pr_err_at(err, path, je.line > 0 ? je.line : 0, je.column > 0 ? je.column : 0, NULL);
        return pr_err_set(err, PR_EPARSE, "invalid JSON: %s", je.text);
    }
    return wrap(root, out, path, err);
}

int pr_config_parse(const char *text, pr_config **out, pr_err *err) {
    if (!text || !out) return pr_err_set(err, PR_EINVAL, "pr_config_parse: NULL argument");
    *out = NULL;
    json_error_t je;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pr_err_at(err, NULL, je.line > 0 ? je.line : 0, je.column > 0 ? je.column : 0, NULL);
        return pr_err_set(err, PR_EPARSE, "invalid JSON: %s", je.text);
    }
    return wrap(root, out, NULL, err);
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                     */
/* ------------------------------------------------------------------------ */

/* Parses a whole segment as an array index; -1 when it is not one. */
static long seg_index(const char *s, size_t n) {
    if (n == 0 || n > 9) return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Child of node named by segment [s, s+n); NULL when absent. */
static json_t *child(json_t *node, const char *s, size_t n) {
    if (json_is_object(node)) return json_object_getn(node, s, n);
    if (json_is_array(node)) {
        long i = seg_index(s, n);
        return i < 0 ? NULL : json_array_get(node, (size_t)i);
    }
    return NULL;
}

/* Resolves a dotted path; "" is the root. JSON null counts as absent so a
 * user can write "key": null to ask for the default. */
static json_t *lookup(const pr_config *cfg, const char *path) {
    if (!cfg || !cfg->root || !path) return NULL;
    json_t *node = cfg->root;
    const char *p = path;
    while (*p && node) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        node = child(node, p, n);
        p += n;
        if (*p == '.') p++;
    }
    return json_is_null(node) ? NULL : node;
}

int pr_config_has(const pr_config *cfg, const char *path) { return lookup(cfg, path) != NULL; }

static const char *type_name(const json_t *j) {
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Describes what was found: the value itself for scalars, else its type. */
static void describe(const json_t *j, char *buf, size_t cap) {
    if (json_is_number(j)) snprintf(buf, cap, "%.15g", json_number_value(j));
    else if (json_is_boolean(j)) snprintf(buf, cap, "%s", json_is_true(j) ? "true" : "false");
    else if (json_is_string(j)) snprintf(buf, cap, "\"%.40s\"", json_string_value(j));
    else snprintf(buf, cap, "%s", type_name(j));
}

static int bad(pr_err *err, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(pr_err *err, const char *path, const char *fmt, ...) {
    if (!err) return PR_EINVAL;
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    pr_err_at(err, NULL, 0, 0, path);
    return pr_err_set(err, PR_EINVAL, "%s: %s", path, what);
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                   */
/* ------------------------------------------------------------------------ */

/* "%g" prints 1e+06 for a million; configs read better with plain numbers
 * when they are short. */
static void num_str(double v, char *buf, size_t cap) {
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, cap, "%.0f", v);
    else snprintf(buf, cap, "%.15g", v);
}

static void range_text(double min, double max, int open, char *buf, size_t cap) {
    char a[40], b[40];
    num_str(min, a, sizeof a);
    num_str(max, b, sizeof b);
    int has_min = isfinite(min), has_max = isfinite(max);
    if (has_min && has_max) snprintf(buf, cap, " in %c%s,%s%c", open ? '(' : '[', a, b, open ? ')' : ']');
    else if (has_min) snprintf(buf, cap, " %s %s", open ? ">" : ">=", a);
    else if (has_max) snprintf(buf, cap, " %s %s", open ? "<" : "<=", b);
    else buf[0] = '\0';
}

int pr_config_number(const pr_config *cfg, const char *path, double def, double min, double max,
                     int open_interval, double *out, pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "pr_config_number: NULL argument");
    json_t *j = lookup(cfg, path);
    if (!j) {
        *out = def;
        return PR_OK;
    }
    char range[100], got[64];
    range_text(min, max, open_interval, range, sizeof range);
    describe(j, got, sizeof got);
    if (!json_is_number(j)) return bad(err, path, "expected a number%s, got %s", range, got);
    double v = json_number_value(j);
    int ok = open_interval ? (v > min && v < max) : (v >= min && v <= max);
    if (!ok) return bad(err, path, "expected a number%s, got %s", range, got);
    *out = v;
    return PR_OK;
}

int pr_config_int(const pr_config *cfg, const char *path, long def, long min, long max, long *out,
                  pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "pr_config_int: NULL argument");
    json_t *j = lookup(cfg, path);
    if (!j) {
        *out = def;
        return PR_OK;
    }
    char range[100], got[64];
    if (min == LONG_MIN && max == LONG_MAX) range[0] = '\0';
    else if (max == LONG_MAX) snprintf(range, sizeof range, " >= %ld", min);
    else if (min == LONG_MIN) snprintf(range, sizeof range, " <= %ld", max);
    else snprintf(range, sizeof range, " in [%ld,%ld]", min, max);
    describe(j, got, sizeof got);
    long v;
    if (json_is_integer(j)) {
        json_int_t x = json_integer_value(j);
        if (x < LONG_MIN || x > LONG_MAX) return bad(err, path, "expected an integer%s, got %s", range, got);
        v = (long)x;
    } else if (json_is_real(j) && json_real_value(j) == floor(json_real_value(j)) &&
               fabs(json_real_value(j)) < 9e15) {
        v = (long)json_real_value(j); /* 10.0 is an integer written as a float */
    } else {
        return bad(err, path, "expected an integer%s, got %s", range, got);
    }
    if (v < min || v > max) return bad(err, path, "expected an integer%s, got %s", range, got);
    *out = v;
    return PR_OK;
}

int pr_config_bool(const pr_config *cfg, const char *path, int def, int *out, pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "pr_config_bool: NULL argument");
    json_t *j = lookup(cfg, path);
    if (!j) {
        *out = def;
        return PR_OK;
    }
    if (!json_is_boolean(j)) {
        char got[64];
        describe(j, got, sizeof got);
        return bad(err, path, "expected true or false, got %s", got);
    }
    *out = json_is_true(j);
    return PR_OK;
}

int pr_config_string_ref(const pr_config *cfg, const char *path, const char **out, pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "pr_config_string_ref: bad argument");
    json_t *j = lookup(cfg, path);
    *out = NULL;
    if (!j) return PR_OK;
    if (!json_is_string(j)) {
        char got[64];
        describe(j, got, sizeof got);
        return bad(err, path, "expected a string, got %s", got);
    }
    *out = json_string_value(j);
    return PR_OK;
}

int pr_config_string(const pr_config *cfg, const char *path, const char *def, char *buf, size_t cap,
                     pr_err *err) {
    if (!path || !buf || cap == 0) return pr_err_set(err, PR_EINVAL, "pr_config_string: bad argument");
    json_t *j = lookup(cfg, path);
    if (!j) {
        pr_strlcpy(buf, def ? def : "", cap);
        return PR_OK;
    }
    if (!json_is_string(j)) {
        char got[64];
        describe(j, got, sizeof got);
        return bad(err, path, "expected a string, got %s", got);
    }
    size_t n = json_string_length(j);
    if (n >= cap) return bad(err, path, "string too long (%zu characters, at most %zu)", n, cap - 1);
    memcpy(buf, json_string_value(j), n + 1);
    return PR_OK;
}

static void list_allowed(const char *const *allowed, char *buf, size_t cap) {
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; allowed[i] && pos < cap; i++) {
        int n = snprintf(buf + pos, cap - pos, "%s\"%s\"", i ? ", " : "", allowed[i]);
        if (n > 0) pos += (size_t)n;
    }
}

int pr_config_enum(const pr_config *cfg, const char *path, const char *def, const char *const *allowed,
                   int *out_index, pr_err *err) {
    if (!path || !allowed || !out_index) return pr_err_set(err, PR_EINVAL, "pr_config_enum: NULL argument");
    char names[300];
    list_allowed(allowed, names, sizeof names);
    json_t *j = lookup(cfg, path);
    const char *v;
    if (!j) {
        if (!def) return bad(err, path, "missing; expected one of %s", names);
        v = def;
    } else if (!json_is_string(j)) {
        char got[64];
        describe(j, got, sizeof got);
        return bad(err, path, "expected one of %s, got %s", names, got);
    } else {
        v = json_string_value(j);
    }
    for (int i = 0; allowed[i]; i++) {
        if (strcmp(v, allowed[i]) == 0) {
            *out_index = i;
            return PR_OK;
        }
    }
    const char *hint = pr_suggest_name(v, allowed);
    if (hint) return bad(err, path, "expected one of %s, got \"%.40s\" (did you mean \"%s\"?)", names, v, hint);
    return bad(err, path, "expected one of %s, got \"%.40s\"", names, v);
}

int pr_config_array_len(const pr_config *cfg, const char *path, size_t *out, pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "pr_config_array_len: NULL argument");
    json_t *j = lookup(cfg, path);
    if (!j) {
        *out = 0;
        return PR_OK;
    }
    if (!json_is_array(j)) {
        char got[64];
        describe(j, got, sizeof got);
        return bad(err, path, "expected an array, got %s", got);
    }
    *out = json_array_size(j);
    return PR_OK;
}

int pr_config_check_keys(const pr_config *cfg, const char *path, const char *const *allowed, pr_err *err) {
    if (!path || !allowed) return pr_err_set(err, PR_EINVAL, "pr_config_check_keys: NULL argument");
    json_t *j = lookup(cfg, path);
    if (!j) return PR_OK;
    if (!json_is_object(j)) {
        char got[64];
        describe(j, got, sizeof got);
        return bad(err, path[0] ? path : "(top level)", "expected an object, got %s", got);
    }
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++) known = strcmp(key, allowed[i]) == 0;
        if (known) continue;
        char full[PR_ERR_PATH_MAX];
        snprintf(full, sizeof full, "%s%s%s", path, path[0] ? "." : "", key);
        const char *hint = pr_suggest_name(key, allowed);
        if (hint) return bad(err, full, "unknown key (did you mean \"%s\"?)", hint);
        return bad(err, full, "unknown key");
    }
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Overrides                                                                 */
/* ------------------------------------------------------------------------ */

int pr_config_set(pr_config *cfg, const char *path, const char *value, pr_err *err) {
    if (!cfg || !cfg->root || !path || !value) return pr_err_set(err, PR_EINVAL, "pr_config_set: NULL argument");
    if (!*path) return pr_err_set(err, PR_EINVAL, "empty configuration path");
    json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
    if (!v) v = json_string(value);
    if (!v) return bad(err, path, "value is not valid UTF-8");
    json_t *node = cfg->root;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0) {
            json_decref(v);
            return bad(err, path, "empty segment in path");
        }
        char seg[PR_ERR_PATH_MAX];
        if (n >= sizeof seg) {
            json_decref(v);
            return bad(err, path, "path segment too long");
        }
        memcpy(seg, p, n);
        seg[n] = '\0';
        int last = dot == NULL;
        if (json_is_object(node)) {
            if (last) {
                json_object_set_new(node, seg, v);
                return PR_OK;
            }
            json_t *c = json_object_get(node, seg);
            if (!c || json_is_null(c)) {
                c = json_object();
                json_object_set_new(node, seg, c);
            }
            node = c;
        } else if (json_is_array(node)) {
            long i = seg_index(seg, n);
            size_t size = json_array_size(node);
            if (i < 0 || (size_t)i > size || (!last && (size_t)i == size)) {
                json_decref(v);
                return bad(err, path, "index \"%s\" out of range for an array of %zu", seg, size);
            }
            if (last) {
                if ((size_t)i == size) json_array_append_new(node, v);
                else json_array_set_new(node, (size_t)i, v);
                return PR_OK;
            }
            node = json_array_get(node, (size_t)i);
        } else {
            json_decref(v);
            return bad(err, path, "cannot set \"%s\" inside %s", seg, type_name(node));
        }
        p = dot + 1;
    }
}

const char *pr_config_key(char *buf, size_t cap, const char *base, const char *key) {
    int has = base && base[0];
    snprintf(buf, cap, "%s%s%s", has ? base : "", has ? "." : "", key ? key : "");
    return buf;
}
