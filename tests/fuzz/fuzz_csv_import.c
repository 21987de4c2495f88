/* Fuzz target: the CSV import path (src/data import, import_detect,
 * import_parse, validate, calendar). The input is a file's content, imported
 * streamed with detection and with each explicit format, in strict mode, in
 * memory (sorted series), as funding rates, then validated and repaired, and
 * its report formatted. Properties checked beyond memory safety (the policy
 * of validate.h): every delivered row is consistent and inside the supported
 * time range, the report's counts add up, an in-memory series is strictly
 * increasing, and the JSON report is valid JSON. */
#define _GNU_SOURCE /* memfd_create */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "proratio/data.h"
#include "data/data_internal.h"
#include "fuzz.h"

/* Rows per chunk in every import: small, so chunk boundaries fall inside
 * small inputs and each import does not allocate the default 65536-row
 * chunk (a few MB, which would dominate the run time). */
#define CHUNK 7

typedef struct sink_state {
    size_t rows, chunk_rows;
    int64_t last_line;
} sink_state;

static void check_bar(int64_t ts, double o, double h, double l, double c, double v) {
    PR_FUZZ_CHECK(ts >= DINT_TS_MIN && ts < DINT_TS_END, "a kept bar's time is in the supported range");
    PR_FUZZ_CHECK(isfinite(o) && isfinite(h) && isfinite(l) && isfinite(c) && isfinite(v), "a kept bar is finite");
    PR_FUZZ_CHECK(o > 0 && h > 0 && l > 0 && c > 0, "a kept bar's prices are positive");
    PR_FUZZ_CHECK(h >= o && h >= c && l <= o && l <= c && h >= l, "a kept bar's high and low bound it");
    PR_FUZZ_CHECK(v >= 0, "a kept bar's volume is not negative");
}

static int sink(void *user, const pr_series *chunk, const long *lines, pr_err *err) {
    (void)err;
    sink_state *s = user;
    PR_FUZZ_CHECK(chunk->len >= 1 && chunk->len <= s->chunk_rows, "a chunk holds 1..chunk_rows rows");
    for (size_t i = 0; i < chunk->len; i++) {
        check_bar(chunk->ts[i], chunk->open[i], chunk->high[i], chunk->low[i], chunk->close[i], chunk->volume[i]);
        PR_FUZZ_CHECK(lines[i] > s->last_line, "rows come in file order with their line numbers");
        s->last_line = lines[i];
    }
    s->rows += chunk->len;
    return 0;
}

static void check_report(const pr_data_report *r) {
    size_t by_kind = 0;
    for (int k = 0; k < PR_ISSUE_COUNT; k++) by_kind += r->count[k];
    PR_FUZZ_CHECK(by_kind == r->n_info + r->n_warn + r->n_error, "issue counts by kind and by severity agree");
    PR_FUZZ_CHECK(r->n_issues + r->issues_dropped == by_kind, "every issue is listed or counted as dropped");
    PR_FUZZ_CHECK(r->rows_ok <= r->rows, "rows kept <= rows seen");
    for (int json = 0; json <= 1; json++) {
        char *out = NULL;
        pr_err e;
        pr_err_clear(&e);
        if (pr_data_report_format(r, json, &out, &e) == PR_OK) {
            PR_FUZZ_CHECK(out != NULL, "a formatted report has text");
            if (json) {
                json_error_t je;
                json_t *j = json_loads(out, 0, &je);
                if (!j) fprintf(stderr, "invalid JSON report (%s): %s\n", je.text, out);
                PR_FUZZ_CHECK(j != NULL, "the JSON report is valid JSON");
                json_decref(j);
            }
        }
        free(out);
    }
}

/* Streams the file through the sink under options o. */
static void import_streamed(int fd, const char *name, const pr_import_options *o) {
    lseek(fd, 0, SEEK_SET);
    sink_state st = {0, o->chunk_rows ? o->chunk_rows : 65536, 0};
    pr_data_report rep;
    pr_data_report_init(&rep, o->issue_cap);
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_import_fd(fd, name, o, sink, &st, &rep, &e);
    if (rc != PR_OK) PR_FUZZ_CHECK(e.msg[0] != '\0', "a failed import says why");
    if (rc == PR_OK && !o->strict) PR_FUZZ_CHECK(st.rows == rep.rows_ok, "rows delivered = rows kept");
    if (rc == PR_OK) check_report(&rep);
    pr_data_report_free(&rep);
}

/* Imports into memory, then validates and repairs the series. */
static void import_series(const char *path, const pr_import_options *o) {
    pr_series s;
    memset(&s, 0, sizeof s);
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    if (pr_import_csv_series(path, o, &s, &rep, &e) == PR_OK) {
        check_report(&rep);
        for (size_t i = 0; i < s.len; i++) {
            check_bar(s.ts[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]);
            PR_FUZZ_CHECK(i == 0 || s.ts[i] > s.ts[i - 1], "an imported series is strictly increasing");
        }
        pr_validate_options vo;
        pr_validate_options_init(&vo);
        if (pr_validate_series(&s, &vo, &rep) == PR_OK) check_report(&rep);
        if (pr_repair_series(&s, &vo, &rep, &e) == PR_OK) check_report(&rep);
    }
    pr_series_free(&s);
    pr_data_report_free(&rep);
}

static void import_funding(const char *path) {
    pr_import_options o;
    pr_import_options_init(&o);
    o.chunk_rows = CHUNK;
    pr_funding_series f;
    memset(&f, 0, sizeof f);
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    if (pr_import_funding(path, &o, &f, &rep, &e) == PR_OK) {
        check_report(&rep);
        for (size_t i = 0; i < f.len; i++) {
            PR_FUZZ_CHECK(isfinite(f.rate[i]), "a kept funding rate is finite");
            PR_FUZZ_CHECK(i == 0 || f.ts[i] > f.ts[i - 1], "funding times are strictly increasing");
        }
    }
    pr_funding_series_free(&f);
    pr_data_report_free(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int fd = memfd_create("fuzz.csv", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    pr_import_options o;
    pr_import_options_init(&o);
    o.chunk_rows = 3;
    import_streamed(fd, "crypto/BTCUSDT-1h.csv", &o);

    pr_import_options_init(&o);
    o.strict = 1;
    o.chunk_rows = CHUNK;
    o.tf = PR_TF_1H;
    o.issue_cap = 2;
    o.max_line = 64;
    import_streamed(fd, "EURUSD-1h-2012-2020.csv", &o);

    for (int f = PR_FMT_CCXT; f <= PR_FMT_HISTDATA; f++) {
        pr_import_options_init(&o);
        o.format = (pr_csv_format)f;
        o.tz_offset_min = f % 2 ? 120 : PR_TZ_DEFAULT;
        o.chunk_rows = CHUNK;
        /* Crypto (24x7) except one: the other imports cover the forex
         * and stock calendars, whose gap scans cost a lookup per day. */
        import_streamed(fd, f == PR_FMT_YAHOO ? "stocks/KO-1d.csv" : "crypto/BTCUSDT-1h.csv", &o);
    }
    static const char *const mappings[] = {
        "time=0,open=1,high=2,low=3,close=4,volume=5",
        "time=date,clock=hour,open=o,high=h,low=l,close=c,delim=;,header=yes,pattern=%d/%m/%Y",
        "time=0,open=1,high=2,low=3,close=4,unit=ms,header=no",
    };
    for (size_t m = 0; m < sizeof mappings / sizeof mappings[0]; m++) {
        pr_import_options_init(&o);
        o.format = PR_FMT_GENERIC;
        o.chunk_rows = CHUNK;
        pr_err e;
        PR_FUZZ_CHECK(pr_csv_mapping_parse(mappings[m], &o.mapping, &e) == PR_OK, "harness mapping parses");
        import_streamed(fd, "generic.csv", &o);
    }

    pr_import_options_init(&o);
    o.chunk_rows = CHUNK;
    import_series(path, &o);
    import_funding(path);

    pr_csv_format fmt;
    pr_detect_format_line((const char *)data, size, &fmt);
    close(fd);
    return 0;
}
