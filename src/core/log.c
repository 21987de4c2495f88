/* Logging to an explicit pr_log object: a human line
 * ("2026-11-21T10:00:00Z INFO  data: message") on a stream and/or one JSON
 * object per line ({"ts","level","component","msg"|"event",...}) built and
 * escaped with jansson. There is no global logger. */
#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core.h"
#include "proratio/core/json_text.h"

static const char *const k_level_upper[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};
static const char *const k_level_lower[] = {"debug", "info", "warn", "error", "off"};
static const char *const k_level_color[] = {"\x1b[2m", "\x1b[32m", "\x1b[33m", "\x1b[31m", ""};

void pr_log_init(pr_log *lg, pr_log_level level, FILE *human) {
    if (!lg) return;
    lg->level = level;
    lg->human = human;
    lg->json = NULL;
    lg->owns_json = 0;
    lg->color = 0;
}

int pr_log_open_json(pr_log *lg, const char *path, pr_err *err) {
    if (!lg || !path) return pr_err_set(err, PR_EINVAL, "pr_log_open_json: NULL argument");
    FILE *f = fopen(path, "a");
    if (!f) {
        int e = errno;
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, e == ENOENT ? PR_ENOTFOUND : PR_EIO, "cannot open JSON log: %s", strerror(e));
    }
    if (lg->owns_json && lg->json) fclose(lg->json);
    lg->json = f;
    lg->owns_json = 1;
    return PR_OK;
}

void pr_log_close(pr_log *lg) {
    if (!lg) return;
    if (lg->owns_json && lg->json) fclose(lg->json);
    lg->json = NULL;
    lg->owns_json = 0;
}

int pr_log_level_parse(const char *s, pr_log_level *out) {
    if (!s || !out) return PR_EINVAL;
    static const struct { const char *name; pr_log_level lv; } k[] = {
        {"debug", PR_LOG_DEBUG}, {"info", PR_LOG_INFO}, {"warn", PR_LOG_WARN},
        {"warning", PR_LOG_WARN}, {"error", PR_LOG_ERROR}, {"off", PR_LOG_OFF},
        {"none", PR_LOG_OFF}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        if (strcasecmp(s, k[i].name) == 0) {
            *out = k[i].lv;
            return PR_OK;
        }
    }
    return PR_EINVAL;
}

static int enabled(const pr_log *lg, pr_log_level level) {
    return lg && level >= lg->level && level < PR_LOG_OFF && level >= PR_LOG_DEBUG && (lg->human || lg->json);
}

static void human_line(pr_log *lg, int64_t now, pr_log_level level, const char *component,
                       const char *text) {
    char ts[48];
    /* Whole seconds keep the columns aligned; the JSON line has milliseconds. */
    pr_time_format_iso(now - (now % 1000 + 1000) % 1000, ts, sizeof ts);
    if (lg->color) {
        fprintf(lg->human, "%s %s%-5s\x1b[0m %s: %s\n", ts, k_level_color[level], k_level_upper[level],
                component ? component : "-", text);
    } else {
        fprintf(lg->human, "%s %-5s %s: %s\n", ts, k_level_upper[level], component ? component : "-", text);
    }
    fflush(lg->human);
}

/* Writes obj (which must already hold ts/level/component in that order) as
 * one compact line; keys keep insertion order. */
static void json_line(pr_log *lg, json_t *obj) {
    char *s = pr_json_dumps(obj, JSON_COMPACT);
    if (!s) return;
    fputs(s, lg->json);
    fputc('\n', lg->json);
    fflush(lg->json);
    free(s);
}

static json_t *json_head(int64_t now, pr_log_level level, const char *component) {
    char ts[48];
    pr_time_format_iso(now, ts, sizeof ts);
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "ts", json_string(ts));
    json_object_set_new(o, "level", json_string(k_level_lower[level]));
    json_object_set_new(o, "component", json_string(component ? component : ""));
    return o;
}

/* jansson rejects invalid UTF-8; log text can come from files or venues, so
 * fall back to a copy with non-ASCII bytes replaced rather than dropping it. */
static json_t *json_text(const char *s) {
    json_t *j = json_string(s);
    if (j) return j;
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c) return json_string("");
    for (size_t i = 0; i <= n; i++) c[i] = ((unsigned char)s[i] >= 0x80) ? '?' : s[i];
    j = json_string(c);
    free(c);
    return j;
}

static void emit_msg(pr_log *lg, pr_log_level level, const char *component, const char *text) {
    int64_t now = pr_time_now_ms();
    if (lg->human) human_line(lg, now, level, component, text);
    if (lg->json) {
        json_t *o = json_head(now, level, component);
        if (!o) return;
        json_object_set_new(o, "msg", json_text(text));
        json_line(lg, o);
        json_decref(o);
    }
}

void pr_logf(pr_log *lg, pr_log_level level, const char *component, const char *fmt, ...) {
    if (!enabled(lg, level) || !fmt) return;
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        emit_msg(lg, level, component, small);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        emit_msg(lg, level, component, small);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    emit_msg(lg, level, component, big);
    free(big);
}

/* Appends " key=value" for the human line; strings unquoted unless they hold
 * spaces, everything else as compact JSON. */
static void human_fields(char *buf, size_t cap, size_t *pos, json_t *fields) {
    const char *key;
    json_t *val;
    json_object_foreach(fields, key, val) {
        if (*pos >= cap) return;
        char *dump = NULL;
        const char *v;
        if (json_is_string(val) && !strpbrk(json_string_value(val), " \t\"=")) {
            v = json_string_value(val);
        } else {
            dump = pr_json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
            v = dump ? dump : "?";
        }
        int n = snprintf(buf + *pos, cap - *pos, " %s=%s", key, v);
        if (n > 0) *pos += (size_t)n;
        free(dump);
    }
}

void pr_log_event(pr_log *lg, pr_log_level level, const char *component, const char *event,
                  const char *fields_json) {
    if (!enabled(lg, level)) return;
    if (!event) event = "";
    json_t *fields = NULL;
    if (fields_json && *fields_json) {
        fields = json_loads(fields_json, 0, NULL);
        if (fields && !json_is_object(fields)) {
            json_decref(fields);
            fields = NULL;
        }
        if (!fields) {
            /* Keep the caller's text rather than lose the event. */
            fields = json_object();
            if (fields) json_object_set_new(fields, "fields_raw", json_text(fields_json));
        }
    }
    int64_t now = pr_time_now_ms();
    if (lg->human) {
        char line[2048];
        size_t pos = (size_t)snprintf(line, sizeof line, "%s", event);
        if (fields) human_fields(line, sizeof line, &pos, fields);
        human_line(lg, now, level, component, line);
    }
    if (lg->json) {
        json_t *o = json_head(now, level, component);
        if (o) {
            json_object_set_new(o, "event", json_text(event));
            /* Reserved keys (ts, level, component, event) are never overwritten. */
            if (fields) json_object_update_missing(o, fields);
            json_line(lg, o);
            json_decref(o);
        }
    }
    json_decref(fields);
}

void pr_log_err(pr_log *lg, pr_log_level level, const char *component, const pr_err *e) {
    if (!enabled(lg, level) || !e) return;
    char text[PR_ERR_MSG_MAX + PR_ERR_PATH_MAX + 160];
    pr_err_format(e, text, sizeof text);
    int64_t now = pr_time_now_ms();
    if (lg->human) human_line(lg, now, level, component, text);
    if (lg->json) {
        json_t *o = json_head(now, level, component);
        if (!o) return;
        json_object_set_new(o, "msg", json_text(text));
        json_object_set_new(o, "code", json_string(pr_status_name(e->code)));
        if (e->file[0]) json_object_set_new(o, "file", json_text(e->file));
        if (e->line > 0) json_object_set_new(o, "line", json_integer(e->line));
        if (e->column > 0) json_object_set_new(o, "column", json_integer(e->column));
        if (e->field[0]) json_object_set_new(o, "field", json_text(e->field));
        if (e->http_status) json_object_set_new(o, "http_status", json_integer(e->http_status));
        if (e->venue_code[0]) json_object_set_new(o, "venue_code", json_text(e->venue_code));
        json_line(lg, o);
        json_decref(o);
    }
}
