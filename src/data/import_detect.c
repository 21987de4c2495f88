/* CSV layout detection for the importer: field splitting with quotes, format
 * detection from the first line, column mapping by position or header name,
 * the generic mapping parser, and symbol/timeframe/asset-class guessing from
 * file names. */
#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "data_internal.h"

static const char *const fmt_names[PR_FMT_COUNT] = {
    "auto", "ccxt", "mt-csv", "binance", "yahoo", "tradingview", "metatrader", "histdata", "generic", "funding",
};

const char *pr_csv_format_name(pr_csv_format f) {
    return (f >= 0 && f < PR_FMT_COUNT) ? fmt_names[f] : "?";
}

int pr_csv_format_parse(const char *s, pr_csv_format *out) {
    if (!s || !out) return PR_EINVAL;
    for (int i = 0; i < PR_FMT_COUNT; i++)
        if (strcasecmp(s, fmt_names[i]) == 0) {
            *out = (pr_csv_format)i;
            return PR_OK;
        }
    static const struct { const char *n; pr_csv_format f; } alias[] = {
        {"yfinance", PR_FMT_YAHOO}, {"tv", PR_FMT_TRADINGVIEW}, {"mt4", PR_FMT_METATRADER},
        {"mt5", PR_FMT_METATRADER}, {"mt", PR_FMT_METATRADER}, {"csv", PR_FMT_CCXT},
    };
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcasecmp(s, alias[i].n) == 0) {
            *out = alias[i].f;
            return PR_OK;
        }
    return PR_EINVAL;
}

size_t dint_split(const char *line, size_t len, char delim, dint_field *f, size_t cap,
                  const char **bad) {
    const char *p = line, *e = line + len;
    size_t k = 0;
    *bad = NULL;
    for (;;) {
        dint_field fld;
        const char *q = p;
        while (q < e && *q == ' ') q++;
        if (q < e && *q == '"') {
            const char *fs = ++q, *cq;
            for (;;) {
                cq = memchr(q, '"', (size_t)(e - q));
                if (!cq || cq + 1 >= e || cq[1] != '"') break;
                q = cq + 2;
            }
            if (!cq) {
                *bad = "unterminated quoted field";
                fld.p = fs;
                fld.n = (size_t)(e - fs);
                p = e;
            } else {
                fld.p = fs;
                fld.n = (size_t)(cq - fs);
                p = cq + 1;
                while (p < e && *p == ' ') p++;
                if (p < e && *p != delim) {
                    *bad = "text after a closing quote";
                    const char *d = memchr(p, delim, (size_t)(e - p));
                    p = d ? d : e;
                }
            }
        } else {
            const char *d = memchr(p, delim, (size_t)(e - p));
            fld.p = p;
            fld.n = (size_t)((d ? d : e) - p);
            p = d ? d : e;
        }
        if (k < cap) f[k] = fld;
        k++;
        if (p >= e) break;
        p++; /* the delimiter; a trailing one yields a final empty field */
    }
    return k;
}

/* ---- header names ---------------------------------------------------------- */
static void norm_name(const char *s, size_t n, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '%') out[k++] = (char)tolower(c);
    }
    out[k] = 0;
}

static int in_list(const char *nm, const char *const *list) {
    for (int i = 0; list[i]; i++)
        if (strcmp(nm, list[i]) == 0) return 1;
    return 0;
}

static const char *const names_time[] = {"timestamp", "time", "date", "datetime", "opentime", "ts", "t",
                                         "fundingtime", "calctime", "gmttime", "localtime", "unix",
                                         "unixtime", "dateutc", "timeutc", "datetimeutc", "timestamputc",
                                         "opentimestamp", NULL};
static const char *const names_open[] = {"open", "o", "openprice", "first", NULL};
static const char *const names_high[] = {"high", "h", "highprice", "max", NULL};
static const char *const names_low[] = {"low", "l", "lowprice", "min", NULL};
static const char *const names_close[] = {"close", "c", "closeprice", "last", NULL};
static const char *const names_rate[] = {"fundingrate", "lastfundingrate", "rate", "funding", NULL};

static int volume_rank(const char *nm) {
    if (strcmp(nm, "volume") == 0) return 4;
    if (strcmp(nm, "tickvol") == 0 || strcmp(nm, "tickvolume") == 0) return 3;
    if (strcmp(nm, "vol") == 0) return 2;
    if (strcmp(nm, "v") == 0) return 1;
    return 0;
}

typedef struct header_map {
    int col[PR_COL_COUNT];
    int adj_close;
    int tick_volume;
    char first[PR_CSV_NAME_MAX];
} header_map;

static void map_by_names(const dint_field *f, size_t nf, header_map *h) {
    int vrank = 0, date_col = -1, time_col = -1, other_time = -1;
    for (int i = 0; i < PR_COL_COUNT; i++) h->col[i] = -1;
    h->adj_close = 0;
    h->tick_volume = 0;
    h->first[0] = 0;
    for (size_t i = 0; i < nf && i < DINT_MAX_FIELDS; i++) {
        char nm[PR_CSV_NAME_MAX];
        norm_name(f[i].p, f[i].n, nm, sizeof nm);
        if (i == 0) memcpy(h->first, nm, sizeof nm);
        int ci = (int)i;
        if (strcmp(nm, "date") == 0 && date_col < 0) date_col = ci;
        else if (strcmp(nm, "time") == 0 && time_col < 0) time_col = ci;
        else if (in_list(nm, names_time) && other_time < 0) other_time = ci;
        else if (in_list(nm, names_open) && h->col[PR_COL_OPEN] < 0) h->col[PR_COL_OPEN] = ci;
        else if (in_list(nm, names_high) && h->col[PR_COL_HIGH] < 0) h->col[PR_COL_HIGH] = ci;
        else if (in_list(nm, names_low) && h->col[PR_COL_LOW] < 0) h->col[PR_COL_LOW] = ci;
        else if (in_list(nm, names_close) && h->col[PR_COL_CLOSE] < 0) h->col[PR_COL_CLOSE] = ci;
        else if (in_list(nm, names_rate) && h->col[PR_COL_RATE] < 0) h->col[PR_COL_RATE] = ci;
        else if (strcmp(nm, "adjclose") == 0) h->adj_close = 1;
        else if (volume_rank(nm) > vrank) {
            vrank = volume_rank(nm);
            h->col[PR_COL_VOLUME] = ci;
            h->tick_volume = vrank == 3;
        }
    }
    if (date_col >= 0 && time_col >= 0) {
        h->col[PR_COL_TIME] = date_col;
        h->col[PR_COL_CLOCK] = time_col;
    } else if (other_time >= 0) {
        h->col[PR_COL_TIME] = other_time;
    } else {
        h->col[PR_COL_TIME] = date_col >= 0 ? date_col : time_col;
    }
}

static int has_ohlc(const header_map *h) {
    return h->col[PR_COL_TIME] >= 0 && h->col[PR_COL_OPEN] >= 0 && h->col[PR_COL_HIGH] >= 0 &&
           h->col[PR_COL_LOW] >= 0 && h->col[PR_COL_CLOSE] >= 0;
}

static char detect_delim(const char *line, size_t len) {
    static const char cand[] = {',', ';', '\t', '|'};
    size_t best = 0, cnt[4] = {0};
    int inq = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '"') inq = !inq;
        if (inq) continue;
        for (int k = 0; k < 4; k++) cnt[k] += line[i] == cand[k];
    }
    for (int k = 1; k < 4; k++)
        if (cnt[k] > cnt[best]) best = (size_t)k;
    return cnt[best] ? cand[best] : ',';
}

static int is_digits(const char *p, size_t n) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return 0;
    return 1;
}

static void trim_field(dint_field *f) {
    while (f->n && (f->p[0] == ' ' || f->p[0] == '\t')) f->p++, f->n--;
    while (f->n && (f->p[f->n - 1] == ' ' || f->p[f->n - 1] == '\t')) f->n--;
}

static int field_is_number(const dint_field *f) {
    double d;
    return dint_parse_double(f->p, f->n, &d);
}

static int field_is_time(const dint_field *f) {
    dint_time_spec sp = {PR_TU_AUTO, NULL, 0};
    int64_t t;
    pr_time_unit u;
    const char *why;
    return dint_parse_time(f->p, f->n, NULL, 0, &sp, &t, &u, &why);
}

static int looks_like_header(const dint_field *f, size_t nf) {
    if (nf == 0) return 0;
    for (size_t i = 0; i < nf && i < DINT_MAX_FIELDS; i++) {
        dint_field x = f[i];
        trim_field(&x);
        for (size_t k = 0; k < x.n; k++)
            if (isalpha((unsigned char)x.p[k]) && !field_is_time(&x) && !field_is_number(&x)) return 1;
    }
    return 0;
}

/* Format of a header-less first data line, PR_FMT_AUTO when unknown. */
static pr_csv_format detect_data_line(char delim, const dint_field *f, size_t nf) {
    if (nf == 0) return PR_FMT_AUTO;
    dint_field f0 = f[0];
    trim_field(&f0);
    if (delim == ';' && nf >= 5 && f0.n == 15 && is_digits(f0.p, 8) && f0.p[8] == ' ' &&
        is_digits(f0.p + 9, 6))
        return PR_FMT_HISTDATA;
    if (nf >= 6 && f0.n == 10 && f0.p[4] == '.' && f0.p[7] == '.') {
        dint_field f1 = f[1];
        trim_field(&f1);
        if (f1.n >= 5 && f1.p[2] == ':') return PR_FMT_METATRADER;
    }
    if (nf >= 12 && is_digits(f0.p, f0.n) && f0.n >= 12) return PR_FMT_BINANCE;
    if (nf >= 5 && field_is_time(&f0)) {
        for (size_t i = 1; i < 5; i++)
            if (!field_is_number(&f[i])) return PR_FMT_AUTO;
        return PR_FMT_CCXT;
    }
    return PR_FMT_AUTO;
}

static pr_csv_format detect_header_line(const dint_field *f, size_t nf, const header_map *h) {
    if (h->col[PR_COL_RATE] >= 0 && h->col[PR_COL_TIME] >= 0 && h->col[PR_COL_OPEN] < 0)
        return PR_FMT_FUNDING;
    if (!has_ohlc(h)) return PR_FMT_AUTO;
    if (h->adj_close) return PR_FMT_YAHOO;
    if (strcmp(h->first, "opentime") == 0) return PR_FMT_BINANCE;
    dint_field f0 = f[0];
    trim_field(&f0);
    if (f0.n && f0.p[0] == '<') return PR_FMT_METATRADER;
    if (strcmp(h->first, "timestamp") == 0 && nf == 6) {
        if (f0.n == 9 && memcmp(f0.p, "Timestamp", 9) == 0) return PR_FMT_MT_CSV;
        return PR_FMT_CCXT;
    }
    if (strcmp(h->first, "time") == 0 && h->col[PR_COL_CLOCK] < 0) return PR_FMT_TRADINGVIEW;
    return PR_FMT_GENERIC;
}

static void set_fixed(dint_layout *lay, pr_csv_format fmt) {
    static const int c6[PR_COL_COUNT] = {0, -1, 1, 2, 3, 4, 5, -1};
    static const int yahoo[PR_COL_COUNT] = {0, -1, 1, 2, 3, 4, 6, -1};
    static const int mt[PR_COL_COUNT] = {0, 1, 2, 3, 4, 5, 6, -1};
    static const int tv[PR_COL_COUNT] = {0, -1, 1, 2, 3, 4, -1, -1};
    static const int fund[PR_COL_COUNT] = {0, -1, -1, -1, -1, -1, -1, 1};
    const int *c = c6;
    int n = 6;
    switch (fmt) {
    case PR_FMT_BINANCE: n = 12; break;
    case PR_FMT_YAHOO: c = yahoo, n = 7; break;
    case PR_FMT_METATRADER: c = mt, n = 7; break;
    case PR_FMT_TRADINGVIEW: c = tv, n = 0; break;
    case PR_FMT_FUNDING: c = fund, n = 0; break;
    default: break;
    }
    memcpy(lay->col, c, sizeof lay->col);
    lay->ncols = n;
}

static int resolve_generic(const pr_csv_mapping *m, const dint_field *f, size_t nf, int header,
                           dint_layout *lay, pr_err *err) {
    static const char *const role[PR_COL_COUNT] = {"time", "clock", "open", "high", "low", "close", "volume", "rate"};
    for (int i = 0; i < PR_COL_COUNT; i++) {
        lay->col[i] = m->col[i];
        if (m->col[i] >= 0 || !m->col_name[i][0]) continue;
        if (!header)
            return pr_err_set(err, PR_EINVAL, "column mapping: %s=%s names a column but the file has no header",
                              role[i], m->col_name[i]);
        char want[PR_CSV_NAME_MAX], nm[PR_CSV_NAME_MAX];
        norm_name(m->col_name[i], strlen(m->col_name[i]), want, sizeof want);
        for (size_t k = 0; k < nf && k < DINT_MAX_FIELDS && lay->col[i] < 0; k++) {
            norm_name(f[k].p, f[k].n, nm, sizeof nm);
            if (strcmp(nm, want) == 0) lay->col[i] = (int)k;
        }
        if (lay->col[i] < 0)
            return pr_err_set(err, PR_EINVAL, "column mapping: no column named '%s' in the header", m->col_name[i]);
    }
    lay->unit = m->time_unit;
    pr_strlcpy(lay->pattern, m->time_pattern, sizeof lay->pattern);
    return PR_OK;
}

/* Compressed or binary input is named for what it is (and not quoted: its
 * bytes would garble the terminal). NULL for text. */
static const char *binary_kind(const char *line, size_t len) {
    static const struct { const char *magic; size_t n; const char *what; } m[] = {
        {"\x1f\x8b", 2, "gzip-compressed: decompress it first (gunzip)"},
        {"PK\x03\x04", 4, "a zip archive: extract the CSV first"},
        {"BZh", 3, "bzip2-compressed: decompress it first (bunzip2)"},
        {"\xfd" "7zXZ", 5, "xz-compressed: decompress it first (unxz)"},
        {"\x28\xb5\x2f\xfd", 4, "zstd-compressed: decompress it first (unzstd)"},
        {"PAR1", 4, "a Parquet file: export it as CSV first"},
        {"SQLite format 3", 15, "an SQLite database, not a CSV file"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (len >= m[i].n && memcmp(line, m[i].magic, m[i].n) == 0 && (i != 2 || (len > 3 && isdigit((unsigned char)line[3]))))
            return m[i].what;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f')) return "binary, not text";
    }
    return NULL;
}

int dint_layout_detect(const pr_import_options *o, int funding, const char *line, size_t len,
                       dint_layout *lay, pr_err *err) {
    dint_field f[DINT_MAX_FIELDS];
    const char *bad;
    const char *bin = binary_kind(line, len);
    if (bin) return pr_err_set(err, PR_EPARSE, "not a CSV file: the data is %s", bin);
    memset(lay, 0, sizeof *lay);
    for (int i = 0; i < PR_COL_COUNT; i++) lay->col[i] = -1;
    pr_csv_format fmt = o->format;
    if (fmt == PR_FMT_GENERIC && o->mapping.delimiter)
        lay->delim = o->mapping.delimiter;
    else if (fmt == PR_FMT_HISTDATA)
        lay->delim = ';';
    else
        lay->delim = detect_delim(line, len);
    size_t nf = dint_split(line, len, lay->delim, f, DINT_MAX_FIELDS, &bad);
    int header = looks_like_header(f, nf);
    if (fmt == PR_FMT_GENERIC) {
        const pr_csv_mapping *m = &o->mapping;
        if (m->header >= 0) {
            header = m->header;
        } else if (m->col[PR_COL_TIME] >= 0 && (size_t)m->col[PR_COL_TIME] < nf && m->col[PR_COL_TIME] < DINT_MAX_FIELDS) {
            /* With a mapping, the first line is data when its time parses the
             * way the mapping says ("Feb 1, 2012" has letters but is a time). */
            const dint_field *ft = &f[m->col[PR_COL_TIME]];
            const dint_field *fc = (m->col[PR_COL_CLOCK] >= 0 && (size_t)m->col[PR_COL_CLOCK] < nf &&
                                    m->col[PR_COL_CLOCK] < DINT_MAX_FIELDS)
                                       ? &f[m->col[PR_COL_CLOCK]]
                                       : NULL;
            dint_time_spec sp = {m->time_unit, m->time_pattern[0] ? m->time_pattern : NULL, 0};
            int64_t t;
            pr_time_unit u;
            const char *why;
            header = !dint_parse_time(ft->p, ft->n, fc ? fc->p : NULL, fc ? fc->n : 0, &sp, &t, &u, &why);
        }
    }
    header_map hm;
    map_by_names(f, nf, &hm);

    if (fmt == PR_FMT_AUTO) {
        fmt = header ? detect_header_line(f, nf, &hm) : detect_data_line(lay->delim, f, nf);
        if (fmt == PR_FMT_AUTO) {
            char shown[81];
            size_t k = len < 80 ? len : 80;
            for (size_t i = 0; i < k; i++) shown[i] = isprint((unsigned char)line[i]) ? line[i] : '?';
            shown[k] = 0;
            return pr_err_set(err, PR_EUNSUPPORTED,
                              "cannot detect the CSV format from %s '%s'; give the format "
                              "(or 'generic' with a column mapping)",
                              header ? "the header" : "the first line", shown);
        }
    }
    lay->fmt = fmt;
    lay->header = header;

    if (fmt == PR_FMT_GENERIC && (o->format == PR_FMT_GENERIC)) {
        int rc = resolve_generic(&o->mapping, f, nf, header, lay, err);
        if (rc) return rc;
        lay->ncols = header ? (int)nf : 0;
    } else if (header && (funding ? hm.col[PR_COL_RATE] >= 0 && hm.col[PR_COL_TIME] >= 0 : has_ohlc(&hm))) {
        memcpy(lay->col, hm.col, sizeof lay->col);
        lay->ncols = (int)nf;
        lay->tick_volume = hm.tick_volume;
    } else if (fmt == PR_FMT_GENERIC) {
        return pr_err_set(err, PR_EUNSUPPORTED,
                          "the header names no time/open/high/low/close columns; give a column mapping");
    } else {
        set_fixed(lay, fmt);
        if (header) lay->ncols = (int)nf;
        if (fmt == PR_FMT_TRADINGVIEW && header) lay->col[PR_COL_VOLUME] = hm.col[PR_COL_VOLUME];
    }
    /* Header-less generic data: the first line sets the column count. */
    if (!header && lay->ncols == 0 && (fmt == PR_FMT_GENERIC || fmt == PR_FMT_TRADINGVIEW)) lay->ncols = (int)nf;

    if (funding) {
        if (fmt != PR_FMT_FUNDING && fmt != PR_FMT_GENERIC && lay->col[PR_COL_RATE] < 0)
            return pr_err_set(err, PR_EUNSUPPORTED, "not a funding-rate file (format %s)", pr_csv_format_name(fmt));
        if (lay->col[PR_COL_TIME] < 0 || lay->col[PR_COL_RATE] < 0)
            return pr_err_set(err, PR_EINVAL, "funding import needs a time and a rate column");
    } else {
        if (fmt == PR_FMT_FUNDING)
            return pr_err_set(err, PR_EUNSUPPORTED, "this is a funding-rate file; import it as funding");
        for (int c = PR_COL_OPEN; c <= PR_COL_CLOSE; c++)
            if (lay->col[c] < 0 || lay->col[PR_COL_TIME] < 0)
                return pr_err_set(err, PR_EINVAL, "the column mapping needs time, open, high, low and close");
    }
    lay->need = 0;
    for (int i = 0; i < PR_COL_COUNT; i++) {
        if (lay->col[i] >= DINT_MAX_FIELDS)
            return pr_err_set(err, PR_EINVAL, "column %d is beyond the supported %d columns", lay->col[i],
                              DINT_MAX_FIELDS);
        if (lay->col[i] + 1 > lay->need) lay->need = lay->col[i] + 1;
    }
    lay->tz_min = o->tz_offset_min != PR_TZ_DEFAULT ? o->tz_offset_min : fmt == PR_FMT_HISTDATA ? -300 : 0;
    /* HistData's volume column is always 0: it is not a volume. */
    lay->has_volume = lay->col[PR_COL_VOLUME] >= 0 && fmt != PR_FMT_HISTDATA;
    if (fmt == PR_FMT_HISTDATA) lay->col[PR_COL_VOLUME] = -1;
    if (fmt == PR_FMT_MT_CSV || fmt == PR_FMT_METATRADER) lay->tick_volume = 1;
    return PR_OK;
}

int pr_detect_format_line(const char *line, size_t len, pr_csv_format *out) {
    if (!line || !out) return PR_EINVAL;
    if (len >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
        (unsigned char)line[2] == 0xBF)
        line += 3, len -= 3;
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n')) len--;
    dint_field f[DINT_MAX_FIELDS];
    const char *bad;
    char delim = detect_delim(line, len);
    size_t nf = dint_split(line, len, delim, f, DINT_MAX_FIELDS, &bad);
    header_map hm;
    map_by_names(f, nf, &hm);
    pr_csv_format fmt = looks_like_header(f, nf) ? detect_header_line(f, nf, &hm) : detect_data_line(delim, f, nf);
    *out = fmt;
    return fmt == PR_FMT_AUTO ? PR_EUNSUPPORTED : PR_OK;
}

int pr_detect_format(const char *path, pr_csv_format *out, pr_err *err) {
    if (!path || !out) return pr_err_set(err, PR_EINVAL, "no path");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, PR_ENOTFOUND, "%s: cannot open", path);
    }
    char buf[65536];
    size_t fill = 0;
    ssize_t r;
    while (fill < sizeof buf && (r = read(fd, buf + fill, sizeof buf - fill)) > 0) fill += (size_t)r;
    close(fd);
    size_t start = 0;
    if (fill >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
        start = 3;
    while (start < fill) {
        const char *nl = memchr(buf + start, '\n', fill - start);
        size_t end = nl ? (size_t)(nl - buf) : fill;
        size_t n = end - start;
        while (n && (buf[start + n - 1] == '\r' || buf[start + n - 1] == ' ')) n--;
        if (n) {
            int rc = pr_detect_format_line(buf + start, n, out);
            if (rc) {
                pr_err_at(err, path, 0, 0, NULL);
                return pr_err_set(err, rc, "%s: cannot detect the CSV format", path);
            }
            return PR_OK;
        }
        start = end + 1;
    }
    pr_err_at(err, path, 0, 0, NULL);
    return pr_err_set(err, PR_EDATA, "%s: empty file", path);
}

/* ---- mapping ----------------------------------------------------------------- */
void pr_csv_mapping_init(pr_csv_mapping *m) {
    memset(m, 0, sizeof *m);
    m->header = -1;
    for (int i = 0; i < PR_COL_COUNT; i++) m->col[i] = -1;
}

int pr_csv_mapping_parse(const char *spec, pr_csv_mapping *m, pr_err *err) {
    static const char *const keys[PR_COL_COUNT] = {"time", "clock", "open", "high", "low", "close", "volume", "rate"};
    if (!spec || !m) return pr_err_set(err, PR_EINVAL, "no mapping");
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        /* "delim=," would be split at its own comma: accept it. */
        if (n == 6 && strncmp(p, "delim=", 6) == 0 && end) n = 7, end = end[1] ? end + 1 : NULL;
        char item[96];
        if (n >= sizeof item) return pr_err_set(err, PR_EINVAL, "column mapping: item too long");
        memcpy(item, p, n);
        item[n] = 0;
        char *eq = strchr(item, '=');
        if (!eq || eq == item) return pr_err_set(err, PR_EINVAL, "column mapping: expected key=value, got '%s'", item);
        *eq = 0;
        const char *k = item, *v = eq + 1;
        int done = 0;
        for (int i = 0; i < PR_COL_COUNT && !done; i++) {
            if (strcmp(k, keys[i]) != 0) continue;
            done = 1;
            char *e2;
            long idx = strtol(v, &e2, 10);
            if (*v && *e2 == 0) {
                if (idx < 0 || idx >= DINT_MAX_FIELDS)
                    return pr_err_set(err, PR_EINVAL, "column mapping: %s=%ld out of range 0..%d", k, idx,
                                      DINT_MAX_FIELDS - 1);
                m->col[i] = (int)idx;
                m->col_name[i][0] = 0;
            } else if (*v) {
                m->col[i] = -1;
                pr_strlcpy(m->col_name[i], v, sizeof m->col_name[i]);
            } else {
                return pr_err_set(err, PR_EINVAL, "column mapping: %s has no value", k);
            }
        }
        if (done) {
        } else if (strcmp(k, "delim") == 0 || strcmp(k, "delimiter") == 0) {
            if (strcmp(v, "comma") == 0) m->delimiter = ',';
            else if (strcmp(v, "semicolon") == 0) m->delimiter = ';';
            else if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) m->delimiter = '\t';
            else if (strcmp(v, "pipe") == 0) m->delimiter = '|';
            else if (strcmp(v, "space") == 0) m->delimiter = ' ';
            else if (strlen(v) == 1) m->delimiter = v[0];
            else return pr_err_set(err, PR_EINVAL, "column mapping: bad delimiter '%s'", v);
        } else if (strcmp(k, "header") == 0) {
            if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcmp(v, "true") == 0) m->header = 1;
            else if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0 || strcmp(v, "false") == 0) m->header = 0;
            else if (strcmp(v, "auto") == 0) m->header = -1;
            else return pr_err_set(err, PR_EINVAL, "column mapping: header must be yes, no or auto");
        } else if (strcmp(k, "unit") == 0) {
            static const char *const units[] = {"auto", "s", "ms", "us", "ns"};
            int found = -1;
            for (int i = 0; i < 5; i++)
                if (strcmp(v, units[i]) == 0) found = i;
            if (found < 0) return pr_err_set(err, PR_EINVAL, "column mapping: unit must be s, ms, us, ns or auto");
            m->time_unit = (pr_time_unit)found;
        } else if (strcmp(k, "pattern") == 0 || strcmp(k, "format") == 0) {
            if (strlen(v) >= sizeof m->time_pattern)
                return pr_err_set(err, PR_EINVAL, "column mapping: time pattern too long");
            pr_strlcpy(m->time_pattern, v, sizeof m->time_pattern);
        } else {
            return pr_err_set(err, PR_EINVAL, "column mapping: unknown key '%s'", k);
        }
        if (!end) break;
        p = end + 1;
    }
    if (m->col[PR_COL_TIME] < 0 && !m->col_name[PR_COL_TIME][0])
        return pr_err_set(err, PR_EINVAL, "column mapping: time column missing");
    return PR_OK;
}

/* ---- names ------------------------------------------------------------------- */
static const char *const iso_ccy[] = {"USD", "EUR", "JPY", "GBP", "CHF", "AUD", "NZD", "CAD", "SEK", "NOK",
                                      "DKK", "HKD", "SGD", "CNH", "CNY", "MXN", "ZAR", "TRY", "PLN", "HUF",
                                      "CZK", "RUB", "INR", "KRW", "THB", "XAU", "XAG", NULL};
static const char *const crypto_quote[] = {"USDT", "USDC", "BUSD", "FDUSD", "TUSD", "DAI", "BTC", "ETH",
                                           "BNB", "PERP", NULL};
static const char *const crypto_base[] = {"BTC", "ETH", "XRP", "SOL", "BNB", "ADA", "DOGE", "LTC", "DOT",
                                          "AVAX", "LINK", "TRX", "XBT", NULL};

static int in_upper_list(const char *s, size_t n, const char *const *list) {
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == n && strncmp(s, list[i], n) == 0) return 1;
    return 0;
}

static pr_asset_class class_of_symbol(const char *sym, int *certain) {
    size_t n = strlen(sym);
    *certain = 1;
    for (int i = 0; crypto_quote[i]; i++) {
        size_t q = strlen(crypto_quote[i]);
        if (n > q + 1 && strcmp(sym + n - q, crypto_quote[i]) == 0) return PR_ASSET_CRYPTO;
    }
    if (n == 6 && in_upper_list(sym, 3, iso_ccy) && in_upper_list(sym + 3, 3, iso_ccy)) return PR_ASSET_FOREX;
    for (int i = 0; crypto_base[i]; i++) {
        size_t b = strlen(crypto_base[i]);
        if (n > b && strncmp(sym, crypto_base[i], b) == 0 && in_upper_list(sym + b, n - b, iso_ccy))
            return PR_ASSET_CRYPTO;
    }
    *certain = 0;
    if (n >= 1 && n <= 5) return PR_ASSET_STOCK;
    return PR_ASSET_UNKNOWN;
}

static pr_timeframe tf_of_token(const char *t) {
    pr_timeframe tf;
    if (pr_tf_parse(t, &tf) == PR_OK) return tf;
    static const struct { const char *n; pr_timeframe tf; } mt[] = {
        {"S5", PR_TF_5S},  {"S10", PR_TF_10S}, {"S15", PR_TF_15S}, {"S30", PR_TF_30S},
        {"M1", PR_TF_1M},  {"M2", PR_TF_2M},  {"M3", PR_TF_3M},  {"M4", PR_TF_4M},  {"M5", PR_TF_5M},
        {"M10", PR_TF_10M}, {"M15", PR_TF_15M}, {"M30", PR_TF_30M},
        {"H1", PR_TF_1H},  {"H2", PR_TF_2H},  {"H3", PR_TF_3H},  {"H4", PR_TF_4H},  {"H6", PR_TF_6H},   {"H8", PR_TF_8H},
        {"H12", PR_TF_12H}, {"D1", PR_TF_1D}, {"W1", PR_TF_1W},  {"MN1", PR_TF_1MO},
        {"1min", PR_TF_1M}, {"5min", PR_TF_5M}, {"15min", PR_TF_15M}, {"30min", PR_TF_30M},
        {"hourly", PR_TF_1H}, {"daily", PR_TF_1D}, {"weekly", PR_TF_1W}, {"monthly", PR_TF_1MO},
    };
    for (size_t i = 0; i < sizeof mt / sizeof mt[0]; i++)
        if (strcasecmp(t, mt[i].n) == 0) return mt[i].tf;
    return PR_TF_NONE;
}

static pr_timeframe tf_of_minutes(long m) {
    switch (m) {
    case 1: return PR_TF_1M;
    case 5: return PR_TF_5M;
    case 15: return PR_TF_15M;
    case 30: return PR_TF_30M;
    case 60: return PR_TF_1H;
    case 240: return PR_TF_4H;
    case 1440: return PR_TF_1D;
    case 10080: return PR_TF_1W;
    case 43200: return PR_TF_1MO;
    default: return PR_TF_NONE;
    }
}

int pr_guess_from_path(const char *path, pr_name_guess *out) {
    memset(out, 0, sizeof *out);
    if (!path) return PR_OK;
    int folder_certain = 0;
    /* Folder names anywhere in the path. */
    const char *p = path;
    while (*p) {
        const char *slash = strchr(p, '/');
        if (!slash) break;
        size_t n = (size_t)(slash - p);
        char comp[32];
        if (n < sizeof comp) {
            memcpy(comp, p, n);
            comp[n] = 0;
            if (!strcasecmp(comp, "crypto")) out->asset_class = PR_ASSET_CRYPTO, folder_certain = 1;
            else if (!strcasecmp(comp, "forex") || !strcasecmp(comp, "fx")) out->asset_class = PR_ASSET_FOREX, folder_certain = 1;
            else if (!strcasecmp(comp, "stocks") || !strcasecmp(comp, "stock") || !strcasecmp(comp, "equities") ||
                     !strcasecmp(comp, "equity"))
                out->asset_class = PR_ASSET_STOCK, folder_certain = 1;
        }
        p = slash + 1;
    }
    char base[256];
    pr_strlcpy(base, p, sizeof base);
    char *dot = strchr(base, '.');
    if (dot) *dot = 0;
    /* Tokens first, so a symbol token can look at the next one. */
    char *toks[32];
    size_t nt = 0;
    char *save = NULL;
    for (char *tok = strtok_r(base, "-_ .", &save); tok && nt < 32; tok = strtok_r(NULL, "-_ .", &save))
        toks[nt++] = tok;
    for (size_t ti = 0; ti < nt; ti++) {
        char *tok = toks[ti];
        if (!strcasecmp(tok, "funding") || !strcasecmp(tok, "fundingrate")) {
            out->funding = 1;
            continue;
        }
        /* "1h", "M1"/"H4" (MetaTrader, HistData), "daily": a timeframe. */
        size_t tl = strlen(tok);
        pr_timeframe tf = tf_of_token(tok);
        if (tf != PR_TF_NONE && (isdigit((unsigned char)tok[0]) || isdigit((unsigned char)tok[tl - 1]) || tl > 3)) {
            if (out->tf == PR_TF_NONE) out->tf = tf;
            continue;
        }
        if (out->symbol[0] || !strcasecmp(tok, "DAT") || !strcasecmp(tok, "ASCII")) continue;
        size_t n = strlen(tok), digits = 0, letters = 0;
        /* Binance multiplier contracts and coins named by a number lead with
         * digits: 1INCHUSDT, 1000PEPEUSDT. */
        while (digits < n && isdigit((unsigned char)tok[digits])) digits++;
        while (digits + letters < n && isalpha((unsigned char)tok[digits + letters])) letters++;
        if (digits > 0) {
            if (letters < 2 || digits + letters != n || n >= PR_SYMBOL_MAX) continue;
        } else {
            if (letters < 1 || letters >= PR_SYMBOL_MAX) continue;
            int alnum = 1;
            for (size_t i = 0; i < n; i++) alnum &= isalnum((unsigned char)tok[i]) != 0;
            if (!alnum) continue;
            /* "EURUSD60": MetaTrader appends the bar length in minutes. */
            if (letters < n && is_digits(tok + letters, n - letters)) {
                pr_timeframe mtf = tf_of_minutes(strtol(tok + letters, NULL, 10));
                if (mtf == PR_TF_NONE || letters < 3) continue;
                if (out->tf == PR_TF_NONE) out->tf = mtf;
                tok[letters] = 0;
                n = letters;
            } else if (letters < n) {
                continue;
            }
        }
        for (size_t i = 0; i < n; i++) out->symbol[i] = (char)toupper((unsigned char)tok[i]);
        out->symbol[n] = 0;
        /* Freqtrade writes the pair BTC/USDT as BTC_USDT (futures add the
         * settle currency: BTC_USDT_USDT): a quote asset or currency code
         * right after the base belongs to the symbol. */
        if (ti + 1 < nt) {
            char q[8];
            size_t ql = strlen(toks[ti + 1]);
            if (ql < sizeof q && n + ql < PR_SYMBOL_MAX) {
                for (size_t i = 0; i <= ql; i++) q[i] = (char)toupper((unsigned char)toks[ti + 1][i]);
                if (in_upper_list(q, ql, crypto_quote) || in_upper_list(q, ql, iso_ccy)) {
                    memcpy(out->symbol + n, q, ql + 1);
                    ti++;
                }
            }
        }
    }
    out->class_certain = folder_certain;
    if (!folder_certain && out->symbol[0]) out->asset_class = class_of_symbol(out->symbol, &out->class_certain);
    return PR_OK;
}
