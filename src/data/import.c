/* Streaming CSV import: reads a file with a fixed buffer, splits lines,
 * parses and validates rows, and hands chunks of valid rows to a sink, so
 * that memory stays constant whatever the file size. Also the in-memory
 * variants (whole series, funding rates) built on the same reader. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data_internal.h"

#define DEFAULT_CHUNK 65536
#define DEFAULT_MAX_LINE 65536
/* The fuzz build (PR_FUZZ) makes it small: a 1 MB buffer per import would
 * dominate a fuzz run, and small inputs then cross buffer refills. */
#ifndef PR_IMPORT_READ_BUF
#define PR_IMPORT_READ_BUF (1u << 20)
#endif
#define READ_BUF PR_IMPORT_READ_BUF

void pr_import_options_init(pr_import_options *o) {
    memset(o, 0, sizeof *o);
    o->format = PR_FMT_AUTO;
    pr_csv_mapping_init(&o->mapping);
    o->tz_offset_min = PR_TZ_DEFAULT;
    o->tf = PR_TF_NONE;
    o->asset_class = PR_ASSET_UNKNOWN;
    o->calendar = PR_CAL_AUTO;
}

typedef struct imp {
    const char *name;
    int fd;
    pr_import_options o;
    pr_data_report *rep;
    pr_err *err;
    int funding;
    dint_layout lay;
    int have_layout;
    dint_time_spec tspec;
    long line_no;
    int saw_header;
    pr_series chunk;
    long *lines;
    size_t chunk_cap;
    dint_validator v;
    int settled;
    /* collect mode (series and funding imports) */
    int collect;
    pr_series *acc;
    long *acc_lines;
    size_t acc_cap;
    pr_import_sink sink;
    void *user;
    int delivering;
    pr_time_unit unit_seen;
    int fatal;
    int64_t round_grid;
    size_t rounded;
    int64_t max_round_off;
} imp;

/* A field shown in a message: at most 32 printable characters. */
static void show(const dint_field *f, char *b, size_t cap) {
    size_t n = f->n < 32 ? f->n : 32, k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)f->p[i];
        b[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (f->n > 32 && k + 4 < cap) b[k++] = '.', b[k++] = '.', b[k++] = '.';
    b[k] = 0;
}

static void skip_row(imp *im, pr_issue_kind kind, const char *fmt, const char *a, const char *b) {
    pr_data_report_add(im->rep, kind, PR_SEV_ERROR, PR_ACTION_SKIPPED, im->line_no, -1, PR_TIME_NONE, fmt, a, b);
    im->rep->rows_skipped++;
}

static int grow_acc(imp *im, size_t need) {
    if (need <= im->acc_cap) return PR_OK;
    size_t nc = im->acc_cap ? im->acc_cap : 65536;
    while (nc < need) nc *= 2;
    if (pr_series_reserve(im->acc, nc) != PR_OK) return PR_ENOMEM;
    long *nl = realloc(im->acc_lines, nc * sizeof *nl);
    if (!nl) return PR_ENOMEM;
    im->acc_lines = nl;
    im->acc_cap = nc;
    return PR_OK;
}

static void flush(imp *im) {
    size_t n = im->chunk.len;
    if (!n || im->fatal) return;
    if (im->collect) {
        size_t at = im->acc->len;
        if (grow_acc(im, at + n) != PR_OK) {
            im->fatal = pr_err_set(im->err, PR_ENOMEM, "out of memory reading '%s'", im->name);
            return;
        }
        memcpy(im->acc->ts + at, im->chunk.ts, n * sizeof(int64_t));
        memcpy(im->acc->open + at, im->chunk.open, n * sizeof(double));
        memcpy(im->acc->high + at, im->chunk.high, n * sizeof(double));
        memcpy(im->acc->low + at, im->chunk.low, n * sizeof(double));
        memcpy(im->acc->close + at, im->chunk.close, n * sizeof(double));
        memcpy(im->acc->volume + at, im->chunk.volume, n * sizeof(double));
        memcpy(im->acc_lines + at, im->lines, n * sizeof(long));
        im->acc->len = at + n;
        im->chunk.len = 0;
        return;
    }
    if (!im->settled) {
        dint_validator_settle(&im->v, im->chunk.ts, n);
        im->settled = 1;
        im->chunk.tf = im->v.tf;
    }
    n = dint_check_times(&im->v, &im->chunk, n, im->lines, NULL);
    if (im->v.fatal) {
        im->fatal = im->v.fatal;
        im->chunk.len = 0;
        return;
    }
    im->chunk.len = n;
    im->rep->rows_ok += n;
    if (im->o.strict && pr_data_report_defects(im->rep)) im->delivering = 0;
    if (im->delivering && n && im->sink) {
        int rc = im->sink(im->user, &im->chunk, im->lines, im->err);
        if (rc) {
            im->fatal = rc < 0 ? rc : PR_EINVAL;
            if (im->err && !im->err->msg[0]) pr_err_set(im->err, im->fatal, "import of '%s' stopped by the sink", im->name);
            if (im->err) im->err->code = im->fatal;
        }
    }
    im->chunk.len = 0;
}

static void process_line(imp *im, const char *p, size_t n) {
    pr_data_report *rep = im->rep;
    if (im->line_no == 1 && n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3, n -= 3;
    if (n && p[n - 1] == '\r') n--;
    size_t k = 0;
    while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r')) k++;
    if (k == n) {
        rep->blank_lines++;
        return;
    }
    if (!im->have_layout) {
        int rc = dint_layout_detect(&im->o, im->funding, p, n, &im->lay, im->err);
        if (rc) {
            im->fatal = rc;
            pr_err_at(im->err, im->name, im->line_no, 0, NULL);
            return;
        }
        im->have_layout = 1;
        im->tspec.unit = im->lay.unit;
        im->tspec.pattern = im->lay.pattern[0] ? im->lay.pattern : NULL;
        im->tspec.tz_offset_min = im->lay.tz_min;
        rep->format = im->lay.fmt;
        rep->has_volume = im->funding ? 0 : im->lay.has_volume;
        rep->tz_offset_min = im->lay.tz_min;
        im->v.has_volume = rep->has_volume;
        if (im->lay.header) {
            im->saw_header = 1;
            return;
        }
    }
    rep->rows++;
    const dint_layout *lay = &im->lay;
    dint_field f[DINT_MAX_FIELDS];
    const char *bad;
    char sa[48], sb[48];
    size_t nf = dint_split(p, n, lay->delim, f, DINT_MAX_FIELDS, &bad);
    if (bad) {
        skip_row(im, PR_ISSUE_PARSE, "%s%s", bad, "");
        return;
    }
    /* A trailing delimiter adds one empty field: tolerated. */
    if (lay->ncols && nf == (size_t)lay->ncols + 1 && nf <= DINT_MAX_FIELDS && f[nf - 1].n == 0) nf--;
    if ((lay->ncols && nf != (size_t)lay->ncols) || nf < (size_t)lay->need) {
        snprintf(sa, sizeof sa, "%d", lay->ncols ? lay->ncols : lay->need);
        snprintf(sb, sizeof sb, "%zu", nf);
        skip_row(im, PR_ISSUE_COLUMNS, nf < (size_t)(lay->ncols ? lay->ncols : lay->need)
                                            ? "expected %s columns, found %s (truncated line?)"
                                            : "expected %s columns, found %s",
                 sa, sb);
        return;
    }
    int64_t ts;
    pr_time_unit u;
    const char *why;
    const dint_field *ft = &f[lay->col[PR_COL_TIME]];
    const dint_field *fc = lay->col[PR_COL_CLOCK] >= 0 ? &f[lay->col[PR_COL_CLOCK]] : NULL;
    if (!dint_parse_time(ft->p, ft->n, fc ? fc->p : NULL, fc ? fc->n : 0, &im->tspec, &ts, &u, &why)) {
        show(ft, sa, sizeof sa);
        skip_row(im, PR_ISSUE_PARSE, "bad time '%s': %s", sa, why);
        return;
    }
    if (ts < DINT_TS_MIN || ts >= DINT_TS_END) {
        show(ft, sa, sizeof sa);
        skip_row(im, PR_ISSUE_PARSE, "bad time '%s': %s", sa, DINT_TS_RANGE_TEXT);
        return;
    }
    if (u != PR_TU_AUTO) {
        static const char *const un[] = {"auto", "s", "ms", "us", "ns"};
        if (im->unit_seen != PR_TU_AUTO && u != im->unit_seen)
            pr_data_report_add(rep, PR_ISSUE_NOTE, PR_SEV_INFO, PR_ACTION_NONE, im->line_no, -1, ts,
                               "integer timestamps change from %s to %s here; each is read by its magnitude",
                               un[im->unit_seen], un[u]);
        im->unit_seen = u;
    }
    double x[5];
    static const char *const cname[5] = {"open", "high", "low", "close", "volume"};
    if (im->funding) {
        const dint_field *fr = &f[lay->col[PR_COL_RATE]];
        double rate;
        if (!dint_parse_double(fr->p, fr->n, &rate)) {
            show(fr, sa, sizeof sa);
            skip_row(im, PR_ISSUE_PARSE, "rate: not a number '%s'%s", sa, "");
            return;
        }
        if (!isfinite(rate)) {
            pr_data_report_add(rep, PR_ISSUE_NONFINITE, PR_SEV_ERROR, PR_ACTION_SKIPPED, im->line_no, -1, ts,
                               "rate is %s", isnan(rate) ? "NaN" : "infinite");
            rep->rows_skipped++;
            return;
        }
        int64_t g = im->round_grid;
        int64_t r = dint_floordiv(ts + g / 2, g) * g, off = ts > r ? ts - r : r - ts;
        if (off && off <= PR_MS_PER_MIN) {
            im->rounded++;
            if (off > im->max_round_off) im->max_round_off = off;
            ts = r;
        }
        x[0] = x[1] = x[2] = x[3] = rate;
        x[4] = 0;
    } else {
        for (int c = 0; c < 5; c++) {
            int col = lay->col[PR_COL_OPEN + c];
            if (c == 4 && (col < 0 || !lay->has_volume)) {
                x[4] = 0;
                continue;
            }
            if (!dint_parse_double(f[col].p, f[col].n, &x[c])) {
                show(&f[col], sb, sizeof sb);
                if (sb[0] == 0) skip_row(im, PR_ISSUE_PARSE, "%s: empty field%s", cname[c], "");
                else skip_row(im, PR_ISSUE_PARSE, "%s: not a number '%s'", cname[c], sb);
                return;
            }
        }
        if (dint_check_row(&im->v, ts, x, im->line_no, -1)) {
            rep->rows_skipped++;
            return;
        }
    }
    size_t i = im->chunk.len;
    im->chunk.ts[i] = ts;
    im->chunk.open[i] = x[0];
    im->chunk.high[i] = x[1];
    im->chunk.low[i] = x[2];
    im->chunk.close[i] = x[3];
    im->chunk.volume[i] = x[4];
    im->lines[i] = im->line_no;
    im->chunk.len = i + 1;
    if (im->chunk.len == im->chunk_cap) flush(im);
}

static void line_too_long(imp *im) {
    pr_data_report_add(im->rep, PR_ISSUE_LINE_TOO_LONG, PR_SEV_ERROR, PR_ACTION_SKIPPED, im->line_no, -1,
                       PR_TIME_NONE, "line longer than %zu bytes", im->o.max_line);
    im->rep->rows++;
    im->rep->rows_skipped++;
}

static void read_all(imp *im) {
    size_t max_line = im->o.max_line;
    size_t bufsz = READ_BUF > max_line + 4096 ? READ_BUF : max_line + 4096;
    char *buf = malloc(bufsz);
    if (!buf) {
        im->fatal = pr_err_set(im->err, PR_ENOMEM, "out of memory reading '%s'", im->name);
        return;
    }
    size_t start = 0, scan = 0, fill = 0;
    int eof = 0, skipping = 0;
    while (!im->fatal) {
        char *nl = scan < fill ? memchr(buf + scan, '\n', fill - scan) : NULL;
        if (nl) {
            size_t end = (size_t)(nl - buf);
            im->line_no++;
            if (skipping || end - start > max_line) line_too_long(im);
            else process_line(im, buf + start, end - start);
            skipping = 0;
            start = scan = end + 1;
            continue;
        }
        if (eof) {
            if (fill > start || skipping) {
                im->line_no++;
                if (skipping || fill - start > max_line) line_too_long(im);
                else process_line(im, buf + start, fill - start);
            }
            break;
        }
        if (skipping || fill - start > max_line) {
            /* Over the limit: drop what is buffered, keep reading to the
             * newline that ends this line. */
            skipping = 1;
            start = scan = fill = 0;
        } else if (start > 0) {
            memmove(buf, buf + start, fill - start);
            fill -= start;
            scan = fill;
            start = 0;
        } else {
            scan = fill;
        }
        ssize_t r = read(im->fd, buf + fill, bufsz - fill);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            pr_err_at(im->err, im->name, im->line_no, 0, NULL);
            im->fatal = pr_err_set(im->err, PR_EIO, "cannot read '%s' after line %ld: %s", im->name, im->line_no,
                                   strerror(e));
            break;
        }
        if (r == 0) eof = 1;
        else fill += (size_t)r;
    }
    free(buf);
    flush(im);
}

static void sort_issues(pr_data_report *r) {
    /* Insertion sort: stable, and the list is nearly sorted already. */
    for (size_t i = 1; i < r->n_issues; i++) {
        pr_issue t = r->issues[i];
        size_t j = i;
        while (j > 0 && r->issues[j - 1].line > t.line) {
            r->issues[j] = r->issues[j - 1];
            j--;
        }
        r->issues[j] = t;
    }
}

static pr_calendar choose_calendar(const pr_import_options *o, const char *name, pr_data_report *rep) {
    if (o->calendar != PR_CAL_AUTO) return o->calendar;
    if (o->asset_class != PR_ASSET_UNKNOWN) return pr_calendar_for_asset(o->asset_class);
    pr_name_guess g;
    pr_guess_from_path(name, &g);
    if (g.class_certain && g.asset_class != PR_ASSET_UNKNOWN) {
        pr_calendar c = pr_calendar_for_asset(g.asset_class);
        pr_data_report_add(rep, PR_ISSUE_NOTE, PR_SEV_INFO, PR_ACTION_NONE, 0, -1, PR_TIME_NONE,
                           "calendar %s chosen from the file name (%s)", pr_calendar_name(c),
                           pr_asset_class_name(g.asset_class));
        return c;
    }
    return PR_CAL_AUTO;
}

/* Runs the reader over fd; in collect mode everything lands in im->acc. */
static int run(imp *im) {
    pr_data_report *rep = im->rep;
    pr_data_report_reset(rep);
    if (im->o.issue_cap) rep->issue_cap = im->o.issue_cap;
    pr_strlcpy(rep->file, im->name, sizeof rep->file);
    if (!im->o.chunk_rows) im->o.chunk_rows = DEFAULT_CHUNK;
    if (!im->o.max_line) im->o.max_line = DEFAULT_MAX_LINE;
    dint_validator_init(&im->v, rep);
    im->v.stream = !im->collect;
    im->v.lookup = im->o.lookup;
    im->v.lookup_user = im->user;
    im->v.err = im->err;
    im->v.tf = im->o.tf;
    im->v.cal = im->funding ? PR_CAL_24X7 : choose_calendar(&im->o, im->name, rep);
    if (im->funding) {
        if (im->v.tf == PR_TF_NONE) im->v.tf = PR_TF_8H;
        im->round_grid = dint_tf_fixed_ms(im->v.tf);
        if (!im->round_grid) im->round_grid = 8 * PR_MS_PER_HOUR;
    }
    rep->tf = im->v.tf;
    rep->calendar = im->v.cal;
    im->delivering = 1;
    im->chunk_cap = im->o.chunk_rows;
    int rc = pr_series_init(&im->chunk, im->chunk_cap);
    im->lines = malloc(im->chunk_cap * sizeof *im->lines);
    if (rc != PR_OK || !im->lines) {
        pr_series_free(&im->chunk);
        free(im->lines);
        return pr_err_set(im->err, PR_ENOMEM, "out of memory");
    }
    im->chunk.tf = im->o.tf;
    read_all(im);
    dint_validator_free(&im->v);
    pr_series_free(&im->chunk);
    free(im->lines);
    im->lines = NULL;
    rep->lines = im->line_no;
    if (im->fatal) return im->fatal;

    if (im->collect && im->acc->len) {
        pr_series *a = im->acc;
        if (dint_report_order(&im->v, a->ts, a->len, im->acc_lines, NULL) &&
            dint_sort_rows(a, a->len, im->acc_lines, NULL) != PR_OK)
            return pr_err_set(im->err, PR_ENOMEM, "out of memory sorting '%s'", im->name);
        dint_validator_settle(&im->v, a->ts, a->len);
        a->len = dint_check_times(&im->v, a, a->len, im->acc_lines, NULL);
        a->tf = im->v.tf;
        rep->rows_ok = a->len;
    }
    if (im->rounded)
        pr_data_report_add(rep, PR_ISSUE_NOTE, PR_SEV_INFO, PR_ACTION_NONE, 0, -1, PR_TIME_NONE,
                           "%zu timestamps rounded to the %s grid (largest offset %lld ms)", im->rounded,
                           pr_tf_name(im->v.tf), (long long)im->max_round_off);
    sort_issues(rep);

    pr_err_at(im->err, im->name, 0, 0, NULL);
    if (rep->rows == 0 && !im->saw_header)
        return pr_err_set(im->err, PR_EDATA, "'%s': empty file (no data rows)", im->name);
    if (rep->rows == 0)
        return pr_err_set(im->err, PR_EDATA, "'%s': no data rows (header only)", im->name);
    if (rep->rows_ok == 0)
        return pr_err_set(im->err, PR_EDATA, "'%s': no valid data rows (%zu rows skipped)", im->name,
                          rep->rows_skipped);
    if (im->o.strict && pr_data_report_defects(rep)) {
        const pr_issue *first = NULL;
        for (size_t i = 0; i < rep->n_issues && !first; i++)
            if (rep->issues[i].severity != PR_SEV_INFO) first = &rep->issues[i];
        if (first) {
            pr_err_at(im->err, im->name, first->line, 0, NULL);
            return pr_err_set(im->err, PR_EDATA, "strict mode: %zu defects; first: %s %s: %s",
                              pr_data_report_defects(rep), pr_severity_name(first->severity),
                              pr_issue_kind_name(first->kind), first->msg);
        }
        return pr_err_set(im->err, PR_EDATA, "strict mode: %zu defects", pr_data_report_defects(rep));
    }
    return PR_OK;
}

static int open_file(const char *path, int *fd, pr_err *err) {
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd >= 0) return PR_OK;
    int e = errno;
    pr_err_at(err, path, 0, 0, NULL);
    if (e == ENOENT) return pr_err_set(err, PR_ENOTFOUND, "no such file '%s'", path);
    return pr_err_set(err, PR_EIO, "cannot open '%s': %s", path, strerror(e));
}

static int import_common(int fd, const char *name, const pr_import_options *o, int funding, pr_series *acc,
                         pr_import_sink sink, void *user, pr_data_report *rep, pr_err *err) {
    imp im;
    memset(&im, 0, sizeof im);
    pr_data_report local;
    if (!rep) pr_data_report_init(&local, 1), rep = &local;
    if (o) im.o = *o;
    else pr_import_options_init(&im.o);
    im.fd = fd;
    im.name = name ? name : "(input)";
    im.rep = rep;
    im.err = err;
    im.funding = funding;
    im.collect = acc != NULL;
    im.acc = acc;
    im.sink = sink;
    im.user = user;
    int rc = run(&im);
    free(im.acc_lines);
    if (rep == &local) pr_data_report_free(&local);
    return rc;
}

int pr_import_fd(int fd, const char *name, const pr_import_options *o, pr_import_sink sink, void *user,
                 pr_data_report *rep, pr_err *err) {
    if (fd < 0) return pr_err_set(err, PR_EINVAL, "bad file descriptor");
    return import_common(fd, name, o, 0, NULL, sink, user, rep, err);
}

int pr_import_csv(const char *path, const pr_import_options *o, pr_import_sink sink, void *user,
                  pr_data_report *rep, pr_err *err) {
    if (!path) return pr_err_set(err, PR_EINVAL, "no path");
    int fd, rc = open_file(path, &fd, err);
    if (rc) return rc;
    rc = import_common(fd, path, o, 0, NULL, sink, user, rep, err);
    close(fd);
    return rc;
}

int pr_import_csv_series(const char *path, const pr_import_options *o, pr_series *out, pr_data_report *rep,
                         pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "no path or output series");
    int fd, rc = open_file(path, &fd, err);
    if (rc) return rc;
    out->len = 0;
    out->last_incomplete = 0;
    rc = import_common(fd, path, o, 0, out, NULL, NULL, rep, err);
    close(fd);
    if (rc) {
        out->len = 0;
        return rc;
    }
    pr_name_guess g;
    pr_guess_from_path(path, &g);
    pr_strlcpy(out->symbol, g.symbol, sizeof out->symbol);
    return PR_OK;
}

void pr_funding_series_free(pr_funding_series *f) {
    if (!f) return;
    free(f->ts);
    free(f->rate);
    f->ts = NULL;
    f->rate = NULL;
    f->len = f->cap = 0;
}

int pr_import_funding(const char *path, const pr_import_options *o, pr_funding_series *out, pr_data_report *rep,
                      pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "no path or output");
    int fd, rc = open_file(path, &fd, err);
    if (rc) return rc;
    pr_series acc = {0};
    rc = import_common(fd, path, o, 1, &acc, NULL, NULL, rep, err);
    close(fd);
    if (rc == PR_OK) {
        int64_t *ts = malloc((acc.len ? acc.len : 1) * sizeof *ts);
        double *rate = malloc((acc.len ? acc.len : 1) * sizeof *rate);
        if (!ts || !rate) {
            free(ts);
            free(rate);
            rc = pr_err_set(err, PR_ENOMEM, "out of memory");
        } else {
            memcpy(ts, acc.ts, acc.len * sizeof *ts);
            memcpy(rate, acc.close, acc.len * sizeof *rate);
            pr_funding_series_free(out);
            out->ts = ts;
            out->rate = rate;
            out->len = out->cap = acc.len;
            out->interval = acc.tf;
            pr_name_guess g;
            pr_guess_from_path(path, &g);
            pr_strlcpy(out->symbol, g.symbol, sizeof out->symbol);
        }
    }
    pr_series_free(&acc);
    return rc;
}
