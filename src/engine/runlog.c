/* The run logs (signals.jsonl, executions.jsonl, summary.jsonl): one compact
 * JSON object per line, keys in a fixed order, doubles as the shortest text
 * that reads back exactly (pr_json_dump_sink's text; the signal and fill
 * lines are laid out directly, the summary through jansson). The pipeline's
 * observer feeds the signals and the orders; fills are handed in by the
 * runner, which knows when they happen. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/engine.h"
#include "proratio/engine/runlog.h"
#include "proratio/core/json_text.h"

/* What a fill needs from the order it filled. */
typedef struct order_note {
    uint64_t id;
    pr_order_role role;
    char tag[PR_SIGNAL_TAG_MAX];
    pr_reason why;
    size_t text;                 /* why's text at reasons.p + text - 1; 0: none */
} order_note;

/* Per confirmation stage (by position in the pipeline). */
typedef struct stage_count {
    const char *name;
    size_t seen, passed, scaled, vetoed;
} stage_count;

/* The signal and execution logs get large FILE buffers: tens of thousands
 * of lines are otherwise a write(2) per 4 KiB. */
#define RUNLOG_BUF (1u << 18)

struct pr_runlog {
    FILE *sig, *exe, *sum;
    /* Daily rotation of sig and exe (pr_runlog_set_rotation). */
    pr_runlog_rotate rotate;
    char *dir;
    int64_t day[2];              /* UTC day the file holds; PR_TIME_NONE: none yet */
    size_t rotated;
    char *buf[2];                /* setvbuf buffers of sig and exe, or NULL */
    int failed;                  /* a write failed                          */
    char failed_file[32];
    order_note *notes;           /* sorted by id                            */
    size_t n_notes, cap_notes;
    stage_count *stages;
    size_t n_stages;
    size_t signals, vetoed;
    /* The texts of the signals' reasons, NUL-separated, and the last one:
     * the orders a signal makes carry its reason, and their fills' lines
     * copy the text instead of formatting it again. */
    struct {
        char *p;
        size_t len, cap;
        pr_reason last;
        size_t last_at;          /* 1 + offset of last's text; 0: none       */
    } reasons;
};

static const char *const k_files[3] = {"signals.jsonl", "executions.jsonl", "summary.jsonl"};

int pr_runlog_open(const char *dir, pr_runlog **out, pr_err *err) {
    if (!dir || !out) return pr_err_set(err, PR_EINVAL, "runlog: NULL argument");
    *out = NULL;
    pr_runlog *rl = calloc(1, sizeof *rl);
    if (!rl) return pr_err_set(err, PR_ENOMEM, "runlog: out of memory");
    FILE **f[3] = {&rl->sig, &rl->exe, &rl->sum};
    for (int i = 0; i < 3; i++) {
        char path[1024];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, k_files[i]) >= sizeof path) {
            pr_runlog_close(rl, NULL);
            return pr_err_set(err, PR_EINVAL, "%s: path too long", dir);
        }
        if (!(*f[i] = fopen(path, "w"))) {
            int e = errno;
            pr_runlog_close(rl, NULL);
            pr_err_at(err, path, 0, 0, NULL);
            return pr_err_set(err, e == ENOENT ? PR_ENOTFOUND : PR_EIO, "cannot create run log: %s", strerror(e));
        }
        /* Without the buffer (no memory) the FILE keeps its own. */
        if (i < 2 && (rl->buf[i] = malloc(RUNLOG_BUF)) != NULL) setvbuf(*f[i], rl->buf[i], _IOFBF, RUNLOG_BUF);
    }
    *out = rl;
    return PR_OK;
}

int pr_runlog_close(pr_runlog *rl, pr_err *err) {
    if (!rl) return PR_OK;
    FILE *f[3] = {rl->sig, rl->exe, rl->sum};
    for (int i = 0; i < 3; i++)
        if (f[i] && fclose(f[i]) != 0 && !rl->failed) {
            rl->failed = 1;
            pr_strlcpy(rl->failed_file, k_files[i], sizeof rl->failed_file);
        }
    free(rl->buf[0]);
    free(rl->buf[1]);
    free(rl->dir);
    int rc = PR_OK;
    if (rl->failed) rc = pr_err_set(err, PR_EIO, "run log %s: write failed", rl->failed_file);
    free(rl->notes);
    free(rl->stages);
    free(rl->reasons.p);
    free(rl);
    return rc;
}

/* ---- writing ------------------------------------------------------------------ */
static int nomem(pr_err *err) { return pr_err_set(err, PR_ENOMEM, "runlog: out of memory"); }

/* ---- daily rotation ------------------------------------------------------------------- */
/* "signals" of "signals.jsonl": the stem a rotated file is named by. */
static size_t stem_len(const char *file) { return strlen(file) - strlen(".jsonl"); }

/* 1 when name is stem-YYYY-MM-DD.jsonl. */
static int is_rotated(const char *name, const char *file) {
    size_t k = stem_len(file);
    if (strlen(name) != k + 1 + 10 + 6 || strncmp(name, file, k) != 0 || name[k] != '-') return 0;
    const char *d = name + k + 1;
    for (int i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? d[i] != '-' : (d[i] < '0' || d[i] > '9')) return 0;
    return strcmp(d + 10, ".jsonl") == 0;
}

int pr_runlog_set_rotation(pr_runlog *rl, const char *dir, pr_runlog_rotate how, pr_err *err) {
    if (!rl || !dir) return pr_err_set(err, PR_EINVAL, "runlog: NULL argument");
    rl->rotate = how;
    rl->day[0] = rl->day[1] = PR_TIME_NONE;
    if (how == PR_RUNLOG_ROTATE_NONE) return PR_OK;
    free(rl->dir);
    if (!(rl->dir = strdup(dir))) return nomem(err);
    DIR *d = opendir(dir);
    if (!d) return pr_err_set(err, PR_EIO, "%s: cannot list the run logs: %s", dir, strerror(errno));
    struct dirent *de;
    int rc = PR_OK;
    while (rc == PR_OK && (de = readdir(d)) != NULL) {
        if (!is_rotated(de->d_name, k_files[0]) && !is_rotated(de->d_name, k_files[1])) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (remove(path) != 0) rc = pr_err_set(err, PR_EIO, "%s: cannot remove an earlier run's log: %s", path,
                                               strerror(errno));
    }
    closedir(d);
    return rc;
}

size_t pr_runlog_rotated(const pr_runlog *rl) { return rl ? rl->rotated : 0; }

/* Before a line of file k (0 signals, 1 executions) about time ts: a later
 * day than the file holds closes it under its day's name and starts it
 * again. */
static int rotate_for(pr_runlog *rl, int k, int64_t ts, pr_err *err) {
    if (rl->rotate == PR_RUNLOG_ROTATE_NONE) return PR_OK;
    int64_t t = rl->rotate == PR_RUNLOG_ROTATE_WALL ? pr_time_now_ms() : ts;
    if (t == PR_TIME_NONE) return PR_OK;
    int64_t day = t - ((t % PR_MS_PER_DAY) + PR_MS_PER_DAY) % PR_MS_PER_DAY;
    if (rl->day[k] == PR_TIME_NONE || day <= rl->day[k]) {
        if (rl->day[k] == PR_TIME_NONE) rl->day[k] = day;
        return PR_OK;
    }
    FILE **f = k == 0 ? &rl->sig : &rl->exe;
    const char *file = k_files[k];
    char from[1024], to[1024], date[PR_TIME_STR_MAX];
    pr_time_format_iso(rl->day[k], date, sizeof date);
    date[10] = '\0';
    snprintf(from, sizeof from, "%s/%s", rl->dir, file);
    snprintf(to, sizeof to, "%s/%.*s-%s.jsonl", rl->dir, (int)stem_len(file), file, date);
    int bad = fclose(*f) != 0;
    *f = NULL;
    if (!bad && rename(from, to) != 0) bad = 1;
    if (!bad && !(*f = fopen(from, "w"))) bad = 1;
    if (bad) {
        rl->failed = 1;
        pr_strlcpy(rl->failed_file, file, sizeof rl->failed_file);
        return pr_err_set(err, PR_EIO, "run log %s: rotating it to %s failed: %s", file, to, strerror(errno));
    }
    if (rl->buf[k]) setvbuf(*f, rl->buf[k], _IOFBF, RUNLOG_BUF);
    rl->day[k] = day;
    rl->rotated++;
    return PR_OK;
}

/* A line assembled on the stack and handed to the FILE in one fwrite (one
 * call per JSON token costs more than the text). */
typedef struct line_buf {
    FILE *f;
    size_t len;
    char b[8192];
} line_buf;

static int line_flush(line_buf *lb) {
    int ok = lb->len == 0 || fwrite(lb->b, 1, lb->len, lb->f) == lb->len;
    lb->len = 0;
    return ok ? 0 : -1;
}

static int line_out(void *ctx, const char *s, size_t n) {
    line_buf *lb = ctx;
    if (sizeof lb->b - lb->len < n) {
        if (line_flush(lb)) return -1;
        if (n > sizeof lb->b) return fwrite(s, 1, n, lb->f) == n ? 0 : -1;
    }
    memcpy(lb->b + lb->len, s, n);
    lb->len += n;
    return 0;
}

/* Writes obj as one line of f (no text allocated per line) and releases it. */
static int put_line(pr_runlog *rl, FILE *f, const char *name, json_t *obj, pr_err *err) {
    if (!obj) return nomem(err);
    line_buf lb;
    lb.f = f;
    lb.len = 0;
    int ok = pr_json_dump_sink(obj, JSON_COMPACT, line_out, &lb) == 0 && line_out(&lb, "\n", 1) == 0 &&
             line_flush(&lb) == 0;
    json_decref(obj);
    if (!ok) {
        rl->failed = 1;
        pr_strlcpy(rl->failed_file, name, sizeof rl->failed_file);
        return pr_err_set(err, PR_EIO, "run log %s: write failed: %s", name, strerror(errno));
    }
    return PR_OK;
}

/* A double, or null when it has no JSON form (NaN, infinity). */
static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* Text that may hold bytes that are not UTF-8 (tags and reasons come from
 * strategies): such bytes become '?' rather than losing the field. */
static json_t *text(const char *s) {
    if (!s) s = "";
    json_t *j = json_string(s);
    if (j) return j;
    char buf[512];
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof buf; i++) buf[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
    buf[i] = '\0';
    return json_string(buf);
}

static json_t *time_str(int64_t ms) {
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(ms, t, sizeof t);
    return json_string(t);
}

/* ---- one JSON object per line, laid out directly --------------------------------------
 * The signal and fill lines (one per signal, one per fill: tens of thousands
 * in a long run) are written member by member (pr_jw) into the line buffer,
 * in the text pr_json_dump_sink gives for the same jansson object
 * (JSON_COMPACT): a jansson tree per line cost more than the run. */
typedef struct jline {
    line_buf lb;
    pr_jw w;
} jline;

static void jl_str(jline *j, const char *s) { pr_jw_str(&j->w, s, strlen(s)); }

/* text(): valid UTF-8 as it is; otherwise non-ASCII bytes become '?'. */
static void jl_text(jline *j, const char *s) {
    if (!s) s = "";
    pr_jw_text(&j->w, s, strlen(s));
}

static void jl_time(jline *j, int64_t ms) {
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(ms, t, sizeof t);
    jl_str(j, t);
}

static void jl_key_num(jline *j, const char *key, double v) {
    pr_jw_key(&j->w, key);
    pr_jw_real(&j->w, v);
}

static void jl_key_str(jline *j, const char *key, const char *s) {
    pr_jw_key(&j->w, key);
    jl_str(j, s);
}

/* opt_price(): key = v when v is set (non-zero). */
static void jl_opt_price(jline *j, const char *key, double v) {
    if (v != 0) jl_key_num(j, key, v);
}

static void jl_begin(jline *j, FILE *f) {
    j->lb.f = f;
    j->lb.len = 0;
    pr_jw_init(&j->w, JSON_COMPACT, line_out, &j->lb);
    pr_jw_open(&j->w, '{');
}

/* Closes the object, ends the line and hands it to the file. */
static int jl_end(pr_runlog *rl, jline *j, const char *name, pr_err *err) {
    pr_jw_close(&j->w, '}');
    int bad = j->w.bad || line_out(&j->lb, "\n", 1) || line_flush(&j->lb);
    if (!bad) return PR_OK;
    rl->failed = 1;
    pr_strlcpy(rl->failed_file, name, sizeof rl->failed_file);
    return pr_err_set(err, PR_EIO, "run log %s: write failed: %s", name, strerror(errno));
}

static int same_reason(const pr_reason *a, const pr_reason *b) {
    return a->fmt == b->fmt && memcmp(a->args, b->args, sizeof a->args) == 0;
}

/* The signal's reason; its text is kept for the fills of its orders (kept
 * text is dropped, not an error, when memory runs out). */
static void jl_signal_reason(pr_runlog *rl, jline *j, const pr_reason *r) {
    char buf[512];
    size_t n = pr_reason_format(r, buf, sizeof buf);
    jl_text(j, buf);
    rl->reasons.last_at = 0;
    if (rl->reasons.cap - rl->reasons.len < n + 1) {
        size_t cap = rl->reasons.cap ? 2 * rl->reasons.cap : 1 << 16;
        while (cap - rl->reasons.len < n + 1) cap *= 2;
        char *p = realloc(rl->reasons.p, cap);
        if (!p) return;
        rl->reasons.p = p;
        rl->reasons.cap = cap;
    }
    memcpy(rl->reasons.p + rl->reasons.len, buf, n + 1);
    rl->reasons.last = *r;
    rl->reasons.last_at = rl->reasons.len + 1;
    rl->reasons.len += n + 1;
}

/* A fill's reason: its order's, as kept or formatted now. */
static void jl_order_reason(const pr_runlog *rl, jline *j, const order_note *n) {
    if (n->text) {
        jl_text(j, rl->reasons.p + n->text - 1);
        return;
    }
    char buf[512];
    pr_reason_format(&n->why, buf, sizeof buf);
    jl_text(j, buf);
}

/* ---- signals --------------------------------------------------------------------- */
static const char *result_name(int keep, double factor) {
    return !keep ? "vetoed" : factor != 1 ? "scaled" : "passed";
}

static int count_stage(pr_runlog *rl, size_t k, const pr_stage_effect *e, pr_err *err) {
    if (k >= rl->n_stages) {
        stage_count *ns = realloc(rl->stages, (k + 1) * sizeof *ns);
        if (!ns) return nomem(err);
        memset(ns + rl->n_stages, 0, (k + 1 - rl->n_stages) * sizeof *ns);
        rl->stages = ns;
        rl->n_stages = k + 1;
    }
    stage_count *c = &rl->stages[k];
    c->name = e->stage;
    c->seen++;
    if (!e->keep) c->vetoed++;
    else if (e->factor != 1) c->scaled++;
    else c->passed++;
    return PR_OK;
}

static int on_signal(void *self, const pr_market_view *v, const pr_signal *em, const pr_signal *cf,
                     const pr_stage_effect *eff, size_t n, int kept, pr_err *err) {
    pr_runlog *rl = self;
    const pr_instrument *in = pr_view_instrument(v, em->instrument);
    int rrc = rotate_for(rl, 0, em->ts, err);
    if (rrc != PR_OK) return rrc;
    jline j;
    jl_begin(&j, rl->sig);
    pr_jw_key(&j.w, "time");
    jl_time(&j, em->ts);
    pr_jw_key(&j.w, "instrument");
    jl_text(&j, in ? in->symbol : "");
    jl_key_str(&j, "kind", pr_signal_kind_name(em->kind));
    jl_key_num(&j, "close", pr_view_close(v, em->instrument, 0));
    jl_opt_price(&j, "entry_limit", em->entry_limit);
    jl_opt_price(&j, "entry_stop", em->entry_stop);
    jl_opt_price(&j, "stop", em->stop);
    if (em->n_targets > 0) {
        pr_jw_key(&j.w, "targets");
        pr_jw_open(&j.w, '[');
        for (int k = 0; k < em->n_targets && k < PR_SIGNAL_MAX_TARGETS; k++) {
            pr_jw_open(&j.w, '{');
            jl_key_num(&j, "price", em->target_price[k]);
            jl_key_num(&j, "frac", em->target_frac[k]);
            pr_jw_close(&j.w, '}');
        }
        pr_jw_close(&j.w, ']');
    }
    jl_opt_price(&j, "trail_frac", em->trail_frac);
    jl_opt_price(&j, "trail_dist", em->trail_dist);
    jl_opt_price(&j, "breakeven_gain", em->breakeven_gain);
    if (em->max_bars > 0) {
        pr_jw_key(&j.w, "max_bars");
        pr_jw_int(&j.w, em->max_bars);
    }
    jl_opt_price(&j, "size_hint", em->size_hint);
    jl_opt_price(&j, "exit_frac", em->exit_frac);
    if (em->scale_in) {
        pr_jw_key(&j.w, "scale_in");
        pr_jw_int(&j.w, 1);
    }
    jl_key_num(&j, "confidence", em->confidence);
    pr_jw_key(&j.w, "tag");
    jl_text(&j, em->tag);
    pr_jw_key(&j.w, "reason");
    jl_signal_reason(rl, &j, &em->why);
    pr_jw_key(&j.w, "stages");
    pr_jw_open(&j.w, '[');
    double factor = 1;
    for (size_t k = 0; k < n; k++) {
        int rc = count_stage(rl, k, &eff[k], err);
        if (rc != PR_OK) return rc;
        pr_jw_open(&j.w, '{');
        pr_jw_key(&j.w, "stage");
        jl_text(&j, eff[k].stage ? eff[k].stage : "stage");
        jl_key_str(&j, "result", result_name(eff[k].keep, eff[k].factor));
        if (eff[k].keep && eff[k].factor != 1) jl_key_num(&j, "factor", eff[k].factor);
        pr_jw_close(&j.w, '}');
        factor *= eff[k].keep ? eff[k].factor : 0;
    }
    pr_jw_close(&j.w, ']');
    jl_key_str(&j, "result", result_name(kept, factor));
    if (kept && factor != 1) jl_key_num(&j, "factor", factor);
    if (kept && cf->stop != em->stop) jl_key_num(&j, "stop_after", cf->stop);
    if (kept && cf->confidence != em->confidence) jl_key_num(&j, "confidence_after", cf->confidence);
    rl->signals++;
    if (!kept) rl->vetoed++;
    return jl_end(rl, &j, k_files[0], err);
}

/* ---- orders and fills --------------------------------------------------------------- */
static order_note *find_note(pr_runlog *rl, uint64_t id, size_t *pos) {
    size_t lo = 0, hi = rl->n_notes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rl->notes[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    if (pos) *pos = lo;
    return lo < rl->n_notes && rl->notes[lo].id == id ? &rl->notes[lo] : NULL;
}

static int on_order(void *self, const pr_order *o, pr_err *err) {
    pr_runlog *rl = self;
    if (o->id == 0) return PR_OK;       /* rejected before an id was given */
    size_t pos;
    order_note *n = find_note(rl, o->id, &pos);
    if (!n) {
        if (rl->n_notes == rl->cap_notes) {
            size_t cap = rl->cap_notes ? 2 * rl->cap_notes : 256;
            order_note *nn = realloc(rl->notes, cap * sizeof *nn);
            if (!nn) return nomem(err);
            rl->notes = nn;
            rl->cap_notes = cap;
        }
        /* Ids grow, so this is an append in practice. */
        memmove(rl->notes + pos + 1, rl->notes + pos, (rl->n_notes - pos) * sizeof *rl->notes);
        rl->n_notes++;
        n = &rl->notes[pos];
        n->id = o->id;
    }
    n->role = o->role;
    memcpy(n->tag, o->tag, sizeof n->tag);
    n->tag[sizeof n->tag - 1] = '\0';
    n->why = o->why;
    n->text = rl->reasons.last_at && same_reason(&o->why, &rl->reasons.last) ? rl->reasons.last_at : 0;
    return PR_OK;
}

void pr_runlog_observer(pr_runlog *rl, pr_pipeline_observer *out) {
    if (!out) return;
    out->self = rl;
    out->on_signal = on_signal;
    out->on_order = on_order;
}

int pr_runlog_fill(pr_runlog *rl, const pr_fill *f, const char *symbol, pr_err *err) {
    if (!rl || !f) return pr_err_set(err, PR_EINVAL, "runlog: NULL argument");
    const order_note *n = find_note(rl, f->order_id, NULL);
    int rrc = rotate_for(rl, 1, f->ts, err);
    if (rrc != PR_OK) return rrc;
    jline j;
    jl_begin(&j, rl->exe);
    pr_jw_key(&j.w, "time");
    jl_time(&j, f->ts);
    pr_jw_key(&j.w, "instrument");
    jl_text(&j, symbol ? symbol : "");
    pr_jw_key(&j.w, "order_id");
    pr_jw_int(&j.w, (long long)f->order_id);
    jl_key_str(&j, "side", f->side > 0 ? "buy" : "sell");
    jl_key_num(&j, "qty", f->qty);
    jl_key_num(&j, "price", f->price);
    jl_key_num(&j, "ref_price", f->ref_price);
    jl_key_num(&j, "fee", f->fee);
    jl_key_num(&j, "spread", f->spread_cost);
    jl_key_num(&j, "slippage", f->slippage_cost);
    pr_jw_key(&j.w, "maker");
    pr_jw_lit(&j.w, f->maker ? "true" : "false");
    jl_key_num(&j, "realized", f->realized);
    jl_key_str(&j, "role", pr_order_role_name(f->role));
    pr_jw_key(&j.w, "tag");
    jl_text(&j, n ? n->tag : "");
    pr_jw_key(&j.w, "reason");
    if (n) jl_order_reason(rl, &j, n);
    else jl_str(&j, "");
    return jl_end(rl, &j, k_files[1], err);
}

/* ---- summary ---------------------------------------------------------------------------- */
static json_t *ai_json(const pr_runlog_ai *a) {
    json_t *o = json_object();
    json_object_set_new(o, "calls", json_integer((json_int_t)a->calls));
    json_object_set_new(o, "cache_hits", json_integer((json_int_t)a->cache_hits));
    json_object_set_new(o, "failures", json_integer((json_int_t)a->failures));
    json_object_set_new(o, "fallbacks", json_integer((json_int_t)a->fallbacks));
    json_object_set_new(o, "cost_usd", num(a->cost));
    json_object_set_new(o, "threshold_vetoed", json_integer((json_int_t)a->threshold_vetoed));
    json_object_set_new(o, "model_vetoed", json_integer((json_int_t)a->model_vetoed));
    json_object_set_new(o, "replay_misses", json_integer((json_int_t)a->replay_misses));
    if (a->prompts) json_object_set_new(o, "prompts", text(a->prompts));
    json_object_set_new(o, "contaminated", json_boolean(a->contaminated));
    if (a->contamination) json_object_set_new(o, "contamination", text(a->contamination));
    return o;
}

static json_t *opt_text(const char *s) { return s ? text(s) : json_null(); }

int pr_runlog_write_summary(pr_runlog *rl, const pr_runlog_summary *s, pr_err *err) {
    if (!rl || !s || (s->n_stages && !s->stages)) return pr_err_set(err, PR_EINVAL, "runlog: NULL argument");
    json_t *o = json_object();
    if (!o) return nomem(err);
    json_object_set_new(o, "mode", opt_text(s->mode));
    json_object_set_new(o, "strategy", opt_text(s->strategy));
    json_object_set_new(o, "config_digest", opt_text(s->config_digest));
    json_object_set_new(o, "from", s->first_ts == PR_TIME_NONE ? json_null() : time_str(s->first_ts));
    json_object_set_new(o, "to", s->last_ts == PR_TIME_NONE ? json_null() : time_str(s->last_ts));
    json_object_set_new(o, "bars", json_integer((json_int_t)s->bars));
    json_object_set_new(o, "steps", json_integer((json_int_t)s->steps));
    json_object_set_new(o, "signals", json_integer((json_int_t)rl->signals));
    json_object_set_new(o, "vetoed", json_integer((json_int_t)rl->vetoed));
    json_object_set_new(o, "orders", json_integer((json_int_t)s->orders));
    json_object_set_new(o, "rejected", json_integer((json_int_t)s->rejected));
    json_t *rj = json_object();
    for (size_t k = 0; k < s->n_rejects && s->rejects; k++)
        json_object_set_new(rj, s->rejects[k].reason ? s->rejects[k].reason : "?",
                            json_integer((json_int_t)s->rejects[k].n));
    json_object_set_new(o, "rejects", rj);
    json_object_set_new(o, "fills", json_integer((json_int_t)s->fills));
    json_object_set_new(o, "trades", json_integer((json_int_t)s->trades));
    json_object_set_new(o, "open_trades", json_integer((json_int_t)s->open_trades));
    json_object_set_new(o, "currency", opt_text(s->ccy));
    json_object_set_new(o, "start_equity", num(s->start_equity));
    json_object_set_new(o, "final_equity", num(s->final_equity));
    json_object_set_new(o, "fingerprint", opt_text(s->fingerprint));
    json_t *st = json_array();
    pr_runlog_ai tot = {0};
    int any_ai = 0;
    size_t n = s->n_stages > rl->n_stages ? s->n_stages : rl->n_stages;
    for (size_t k = 0; k < n; k++) {
        const pr_runlog_stage *cs = k < s->n_stages ? &s->stages[k] : NULL;
        stage_count c = k < rl->n_stages ? rl->stages[k] : (stage_count){0};
        json_t *e = json_object();
        json_object_set_new(e, "type", text(cs && cs->type ? cs->type : c.name ? c.name : "stage"));
        if (cs) json_object_set_new(e, "enabled", json_boolean(cs->enabled));
        json_object_set_new(e, "seen", json_integer((json_int_t)c.seen));
        json_object_set_new(e, "passed", json_integer((json_int_t)c.passed));
        json_object_set_new(e, "scaled", json_integer((json_int_t)c.scaled));
        json_object_set_new(e, "vetoed", json_integer((json_int_t)c.vetoed));
        if (cs && cs->ai) {
            json_object_set_new(e, "ai", ai_json(cs->ai));
            any_ai = 1;
            tot.calls += cs->ai->calls;
            tot.cache_hits += cs->ai->cache_hits;
            tot.failures += cs->ai->failures;
            tot.fallbacks += cs->ai->fallbacks;
            tot.cost += cs->ai->cost;
            tot.threshold_vetoed += cs->ai->threshold_vetoed;
            tot.model_vetoed += cs->ai->model_vetoed;
            tot.replay_misses += cs->ai->replay_misses;
            if (cs->ai->prompts && !(tot.prompts && strcmp(tot.prompts, "plain") == 0)) tot.prompts = cs->ai->prompts;
            tot.contaminated |= cs->ai->contaminated;
        }
        json_array_append_new(st, e);
    }
    json_object_set_new(o, "confirm", st);
    json_object_set_new(o, "ai", any_ai ? ai_json(&tot) : json_null());
    if (s->logged_at != PR_TIME_NONE) json_object_set_new(o, "logged_at", time_str(s->logged_at));
    int rc = put_line(rl, rl->sum, k_files[2], o, err);
    if (rc == PR_OK && fflush(rl->sum) != 0) {
        rl->failed = 1;
        pr_strlcpy(rl->failed_file, k_files[2], sizeof rl->failed_file);
        rc = pr_err_set(err, PR_EIO, "run log %s: write failed: %s", k_files[2], strerror(errno));
    }
    return rc;
}
