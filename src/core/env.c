/* Loads KEY=VALUE lines from a .env file into the process environment.
 * Secrets live there, so a file readable or writable by group or others is
 * refused, and no value ever appears in an error message. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proratio/core.h"

static int is_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
static int is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }
static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses one line in place. Returns 1 with key and value set, 0 for a blank or
 * comment line, or a negative status with *why set (never quoting values). */
static int parse_line(char *line, char **key, char **val, const char **why) {
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    char *p = line;
    while (is_blank(*p)) p++;
    if (*p == '\0' || *p == '#') return 0;
    if (strncmp(p, "export", 6) == 0 && is_blank(p[6])) {
        p += 6;
        while (is_blank(*p)) p++;
    }
    if (!is_key_start(*p)) {
        *why = "expected KEY=value";
        return PR_EPARSE;
    }
    char *k = p;
    while (is_key_char(*p)) p++;
    char *kend = p;
    while (is_blank(*p)) p++;
    if (*p != '=') {
        *why = "expected '=' after the key";
        return PR_EPARSE;
    }
    *kend = '\0';
    p++;
    while (is_blank(*p)) p++;
    char *v = p;
    if (*p == '"' || *p == '\'') {
        char q = *p++;
        char *w = v; /* unescape in place */
        for (;;) {
            if (*p == '\0') {
                *why = "unterminated quoted value";
                return PR_EPARSE;
            }
            if (*p == q) break;
            if (q == '"' && *p == '\\' && p[1]) {
                p++;
                *w++ = *p == 'n' ? '\n' : (*p == 't' ? '\t' : *p);
                p++;
                continue;
            }
            *w++ = *p++;
        }
        p++;
        *w = '\0';
        while (is_blank(*p)) p++;
        if (*p != '\0' && *p != '#') {
            *why = "unexpected text after the closing quote";
            return PR_EPARSE;
        }
    } else {
        /* Unquoted: a '#' after whitespace starts a comment. */
        char *end = p + strlen(p);
        for (char *c = p; *c; c++) {
            if (*c == '#' && (c == v || is_blank(c[-1]))) {
                end = c;
                break;
            }
        }
        while (end > v && is_blank(end[-1])) end--;
        *end = '\0';
    }
    *key = k;
    *val = v;
    return 1;
}

int pr_env_load(const char *path, pr_err *err) {
    if (!path) return pr_err_set(err, PR_EINVAL, "pr_env_load: NULL path");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, e == ENOENT ? PR_ENOTFOUND : PR_EIO, "cannot open %s: %s", path, strerror(e));
    }
    /* fstat on the opened descriptor: the file checked is the file read. */
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, PR_EIO, "cannot stat %s: %s", path, strerror(e));
    }
    if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
        close(fd);
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, PR_EINVAL,
                          "%s holds secrets but is accessible by group or others (mode %03o); run: chmod 600 %s",
                          path, (unsigned)(st.st_mode & 0777), path);
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        int e = errno;
        close(fd);
        return pr_err_set(err, PR_EIO, "cannot read %s: %s", path, strerror(e));
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = PR_OK;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        char *key, *val;
        const char *why = NULL;
        int r = parse_line(line, &key, &val, &why);
        if (r < 0) {
            pr_err_at(err, path, lineno, 0, NULL);
            rc = pr_err_set(err, r, "%s", why);
            break;
        }
        if (r == 0) continue;
        if (setenv(key, val, 0) != 0) {
            pr_err_at(err, path, lineno, 0, NULL);
            rc = pr_err_set(err, PR_EIO, "cannot set %s: %s", key, strerror(errno));
            break;
        }
    }
    /* Do not leave the secret text lying around in freed heap memory. */
    if (line) {
        volatile char *vp = line;
        for (size_t i = 0; i < cap; i++) vp[i] = 0;
    }
    free(line);
    fclose(f);
    return rc;
}
