/* Helpers shared by the subcommands: exit-code mapping and error printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int pr_cli_exit_code(int status) {
    switch (status) {
    case PR_OK: return PR_EXIT_OK;
    case PR_EINVAL: return PR_EXIT_USAGE;
    case PR_EPARSE: case PR_EDATA: return PR_EXIT_DATA;
    case PR_ENOTFOUND: return PR_EXIT_NOTFOUND;
    default: return PR_EXIT_FAIL;
    }
}

void pr_cli_print_safe(FILE *f, const char *text) {
    size_t n = strlen(text ? text : "");
    /* Worst case: every byte becomes \xNN. */
    char *buf = malloc(4 * n + 1);
    if (!buf) return;
    fputs(pr_escape_text(text, PR_ESC_NEWLINES, buf, 4 * n + 1), f);
    free(buf);
}

int pr_cli_fail(const pr_err *e) {
    char buf[1024], safe[4 * sizeof buf];
    pr_err_format(e, buf, sizeof buf);
    fprintf(stderr, "proratio: %s\n", pr_escape_text(buf, PR_ESC_NEWLINES, safe, sizeof safe));
    return pr_cli_exit_code(e->code);
}

int pr_cli_usage_error(const char *cmd, const char *fmt, ...) {
    char buf[1024], safe[4 * sizeof buf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "proratio %s: %s\n(see 'proratio %s --help')\n", cmd, pr_escape_text(buf, PR_ESC_NEWLINES, safe, sizeof safe),
            cmd);
    return PR_EXIT_USAGE;
}

int pr_cli_is_help(const char *arg) {
    return arg && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0);
}

int pr_cli_parse_dataset(const char *name, char *venue, char *symbol, pr_timeframe *tf, pr_err *err) {
    if (!name || !*name) return pr_err_set(err, PR_EINVAL, "empty dataset name");
    const char *c1 = strchr(name, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *sym = name, *tfs = NULL;
    size_t sym_len;
    pr_strlcpy(venue, PR_CLI_DEFAULT_VENUE, PR_SYMBOL_MAX);
    if (c2) { /* VENUE:SYMBOL:TF */
        size_t vl = (size_t)(c1 - name);
        if (vl == 0 || vl >= PR_SYMBOL_MAX) return pr_err_set(err, PR_EINVAL, "dataset '%s': bad venue", name);
        memcpy(venue, name, vl);
        venue[vl] = '\0';
        sym = c1 + 1;
        sym_len = (size_t)(c2 - sym);
        tfs = c2 + 1;
    } else if (c1) { /* SYMBOL:TF */
        sym_len = (size_t)(c1 - name);
        tfs = c1 + 1;
    } else { /* SYMBOL-TF: the timeframe follows the last '-' */
        const char *d = strrchr(name, '-');
        if (!d) return pr_err_set(err, PR_EINVAL, "dataset '%s': expected VENUE:SYMBOL:TF, SYMBOL:TF or SYMBOL-TF", name);
        sym_len = (size_t)(d - name);
        tfs = d + 1;
    }
    if (sym_len == 0 || sym_len >= PR_SYMBOL_MAX) return pr_err_set(err, PR_EINVAL, "dataset '%s': bad symbol", name);
    memcpy(symbol, sym, sym_len);
    symbol[sym_len] = '\0';
    if (pr_name_check("dataset venue", venue, err) != PR_OK || pr_name_check("dataset symbol", symbol, err) != PR_OK)
        return PR_EINVAL;
    if (pr_tf_parse(tfs, tf) != PR_OK)
        return pr_err_set(err, PR_EINVAL, "dataset '%s': unknown timeframe '%s'", name, tfs);
    return PR_OK;
}

void pr_cli_fmt_double(double v, char *buf, size_t cap) {
    char t[PR_DTOA_MAX];
    pr_dtoa(v, t);
    pr_strlcpy(buf, t, cap);
}

int pr_cli_opt(int argc, char **argv, int *i, const char *name, const char **val) {
    const char *a = argv[*i];
    size_t nl = strlen(name);
    if (strncmp(a, name, nl) != 0) return 0;
    if (a[nl] == '=') {
        *val = a + nl + 1;
        return 1;
    }
    if (a[nl] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 1;
}

int pr_cli_time_arg(const char *cmd, const char *opt, const char *s, int64_t *out) {
    pr_err e;
    pr_err_clear(&e);
    if (pr_time_parse(s, (size_t)-1, out, &e) != PR_OK)
        return pr_cli_usage_error(cmd, "%s: %s", opt, e.msg);
    return PR_EXIT_OK;
}

int pr_cli_time_range(const char *cmd, const char *from_s, const char *to_s, int64_t *from, int64_t *to) {
    int ex;
    *from = *to = PR_TIME_NONE;
    if (from_s && (ex = pr_cli_time_arg(cmd, "--from", from_s, from))) return ex;
    if (to_s && (ex = pr_cli_time_arg(cmd, "--to", to_s, to))) return ex;
    if (*from != PR_TIME_NONE && *to != PR_TIME_NONE && *from >= *to)
        return pr_cli_usage_error(cmd, "--from %s is not before --to %s: the range [from, to) is empty", from_s,
                                  to_s);
    return PR_EXIT_OK;
}

int pr_cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out) {
    int64_t v;
    if (!s || pr_parse_int64(s, strlen(s), &v) != PR_OK || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int pr_cli_load_config(const char *cmd, const char *path, pr_config **cfg) {
    pr_err e;
    pr_err_clear(&e);
    *cfg = NULL;
    int rc = pr_config_load(path, cfg, &e);
    if (rc == PR_OK) return PR_EXIT_OK;
    char buf[1024];
    pr_err_format(&e, buf, sizeof buf);
    fprintf(stderr, "proratio %s: ", cmd);
    pr_cli_print_safe(stderr, buf);
    fputc('\n', stderr);
    /* a configuration that is missing is "not found"; one that is not JSON is a bad one */
    return rc == PR_ENOTFOUND ? PR_EXIT_NOTFOUND : rc == PR_EIO ? PR_EXIT_FAIL : PR_EXIT_USAGE;
}
