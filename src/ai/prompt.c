/* Prompt templates: loading versioned files (prompts/<question>.<version>.txt),
 * filling {{placeholders}} strictly (a placeholder without a value is an
 * error), and identifying a filled prompt by its template id and SHA-256. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ai_internal.h"

struct pr_prompt_template {
    pr_llm_question question;
    char id[64];
    char *system;
    char *user;
};

int pr_ai_sha256_hex(const void *data, size_t n, char out[65], pr_err *err) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dn = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md) return pr_err_set(err, PR_ENOMEM, "sha256: out of memory");
    int ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(md, data, n) == 1 &&
             EVP_DigestFinal_ex(md, d, &dn) == 1 && dn == 32;
    EVP_MD_CTX_free(md);
    if (!ok) return pr_err_set(err, PR_EINVAL, "sha256: digest failed");
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
    return PR_OK;
}

void pr_llm_prompt_free(pr_llm_prompt *p) {
    if (!p) return;
    free(p->system);
    free(p->user);
    p->system = p->user = NULL;
}

/* Takes ownership of system and user (freed on failure too). */
static int make_owned(pr_llm_question q, const char *id, char *system, char *user, pr_llm_prompt *out,
                      pr_err *err) {
    memset(out, 0, sizeof *out);
    if (!system || !user) {
        free(system);
        free(user);
        return pr_err_set(err, PR_ENOMEM, "prompt: out of memory");
    }
    out->question = q;
    pr_strlcpy(out->template_id, id ? id : "", sizeof out->template_id);
    out->system = system;
    out->user = user;
    size_t ns = strlen(system), nu = strlen(user);
    char *all = malloc(ns + nu + 3);
    if (!all) {
        pr_llm_prompt_free(out);
        return pr_err_set(err, PR_ENOMEM, "prompt: out of memory");
    }
    memcpy(all, system, ns);
    memcpy(all + ns, "\n\n", 2);
    memcpy(all + ns + 2, user, nu + 1);
    int rc = pr_ai_sha256_hex(all, ns + nu + 2, out->hash, err);
    free(all);
    if (rc) pr_llm_prompt_free(out);
    return rc;
}

int pr_llm_prompt_make(pr_llm_question q, const char *template_id, const char *system, const char *user,
                       pr_llm_prompt *out, pr_err *err) {
    if (!system || !user || !out) return pr_err_set(err, PR_EINVAL, "prompt: NULL argument");
    return make_owned(q, template_id, strdup(system), strdup(user), out, err);
}

/* Copy of [s, s+n) without leading/trailing blank lines (spaces inside lines kept). */
static char *section(const char *s, size_t n) {
    while (n > 0 && (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')) {
        /* Only skip whole blank lines at the start. */
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;
        int blank = 1;
        for (size_t i = 0; i < k; i++)
            if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') blank = 0;
        if (!blank) break;
        s += k;
        n -= k;
    }
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    char *o = malloc(n + 1);
    if (!o) return NULL;
    memcpy(o, s, n);
    o[n] = '\0';
    return o;
}

/* Checks that every "{{" is closed by "}}" with a name of [a-z0-9_]. */
static int check_placeholders(const char *s, const char *id, const char *part, pr_err *err) {
    for (const char *p = strstr(s, "{{"); p; p = strstr(p + 2, "{{")) {
        const char *e = strstr(p + 2, "}}");
        size_t n = e ? (size_t)(e - p - 2) : 0;
        int ok = e && n > 0 && n < 48;
        for (size_t i = 0; ok && i < n; i++) {
            char ch = p[2 + i];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        }
        if (!ok) return pr_err_set(err, PR_EPARSE, "template %s [%s]: malformed placeholder near \"%.20s\"", id, part, p);
        p = e;
    }
    return PR_OK;
}

int pr_prompt_template_parse(const char *text, pr_llm_question q, const char *id, pr_prompt_template **out,
                             pr_err *err) {
    if (!text || !out || !id) return pr_err_set(err, PR_EINVAL, "template: NULL argument");
    *out = NULL;
    const char *sys = NULL, *usr = NULL;
    /* Section markers are whole lines. */
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        size_t m = n;
        while (m > 0 && (line[m - 1] == '\r' || line[m - 1] == ' ')) m--;
        if (m == 8 && memcmp(line, "[system]", 8) == 0 && !sys && !usr) sys = line + n + (nl ? 1 : 0);
        else if (m == 6 && memcmp(line, "[user]", 6) == 0 && sys && !usr) usr = line + n + (nl ? 1 : 0);
        else if (!sys && m > 0 && line[0] != '#')
            return pr_err_set(err, PR_EPARSE, "template %s: text before [system] (comments start with '#')", id);
        line = nl ? nl + 1 : line + n;
    }
    if (!sys || !usr) return pr_err_set(err, PR_EPARSE, "template %s: needs a [system] line and then a [user] line", id);
    pr_prompt_template *t = calloc(1, sizeof *t);
    if (!t) return pr_err_set(err, PR_ENOMEM, "template: out of memory");
    t->question = q;
    pr_strlcpy(t->id, id, sizeof t->id);
    /* The system section ends where the "[user]" line starts. */
    const char *user_marker = usr - 1;
    while (user_marker > sys && user_marker[-1] != '\n') user_marker--;
    t->system = section(sys, (size_t)(user_marker - sys));
    t->user = section(usr, strlen(usr));
    int rc = (!t->system || !t->user) ? pr_err_set(err, PR_ENOMEM, "template: out of memory") : PR_OK;
    if (!rc && (!t->system[0] || !t->user[0])) rc = pr_err_set(err, PR_EPARSE, "template %s: empty section", id);
    if (!rc) rc = check_placeholders(t->system, id, "system", err);
    if (!rc) rc = check_placeholders(t->user, id, "user", err);
    if (rc) {
        pr_prompt_template_free(t);
        return rc;
    }
    *out = t;
    return PR_OK;
}

int pr_prompt_template_load(const char *dir, pr_llm_question q, const char *version, pr_prompt_template **out,
                            pr_err *err) {
    if (!dir || !version || !out) return pr_err_set(err, PR_EINVAL, "template: NULL argument");
    for (const char *p = version; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return pr_err_set(err, PR_EINVAL, "template version '%s': use letters, digits, '-' or '_'", version);
    char id[64], path[1024];
    snprintf(id, sizeof id, "%s.%s", pr_llm_question_name(q), version);
    snprintf(path, sizeof path, "%s/%s.txt", dir, id);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, e == ENOENT ? PR_ENOTFOUND : PR_EIO, "cannot open prompt template: %s", strerror(e));
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    int rc = buf ? PR_OK : pr_err_set(err, PR_ENOMEM, "template: out of memory");
    while (!rc) {
        if (n + 1 >= cap) {
            if (cap >= (1u << 20)) {
                rc = pr_err_set(err, PR_ELIMIT, "prompt template larger than 1 MiB");
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = pr_err_set(err, PR_ENOMEM, "template: out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    fclose(f);
    if (!rc) {
        buf[n] = '\0';
        if (strlen(buf) != n) rc = pr_err_set(err, PR_EPARSE, "template %s: contains a NUL byte", id);
    }
    if (!rc) rc = pr_prompt_template_parse(buf, q, id, out, err);
    if (rc) pr_err_at(err, path, 0, 0, NULL);
    free(buf);
    return rc;
}

void pr_prompt_template_free(pr_prompt_template *t) {
    if (!t) return;
    free(t->system);
    free(t->user);
    free(t);
}

const char *pr_prompt_template_id(const pr_prompt_template *t) { return t ? t->id : ""; }

static const char *lookup(const pr_prompt_var *vars, size_t n, const char *name, size_t len) {
    for (size_t i = 0; i < n; i++)
        if (vars[i].name && strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return vars[i].value ? vars[i].value : "";
    return NULL;
}

static char *fill(const char *s, const pr_prompt_var *vars, size_t nv, const char *id, pr_err *err, int *rc) {
    size_t cap = strlen(s) + 1, n = 0;
    for (const char *p = strstr(s, "{{"); p; p = strstr(p + 2, "{{")) {
        const char *e = strstr(p, "}}");
        const char *v = lookup(vars, nv, p + 2, (size_t)(e - p - 2));
        if (!v) {
            *rc = pr_err_set(err, PR_ENOTFOUND, "template %s: no value for {{%.*s}}", id, (int)(e - p - 2), p + 2);
            return NULL;
        }
        cap += strlen(v);
        p = e;
    }
    char *o = malloc(cap);
    if (!o) {
        *rc = pr_err_set(err, PR_ENOMEM, "prompt: out of memory");
        return NULL;
    }
    const char *p = s;
    for (const char *q = strstr(p, "{{"); q; q = strstr(p, "{{")) {
        memcpy(o + n, p, (size_t)(q - p));
        n += (size_t)(q - p);
        const char *e = strstr(q, "}}");
        const char *v = lookup(vars, nv, q + 2, (size_t)(e - q - 2));
        size_t vl = strlen(v);
        memcpy(o + n, v, vl);
        n += vl;
        p = e + 2;
    }
    strcpy(o + n, p);
    *rc = PR_OK;
    return o;
}

int pr_prompt_fill(const pr_prompt_template *t, const pr_prompt_var *vars, size_t n, pr_llm_prompt *out,
                   pr_err *err) {
    if (!t || !out || (n && !vars)) return pr_err_set(err, PR_EINVAL, "prompt fill: NULL argument");
    int rc;
    char *sys = fill(t->system, vars, n, t->id, err, &rc);
    if (!sys) return rc;
    char *usr = fill(t->user, vars, n, t->id, err, &rc);
    if (!usr) {
        free(sys);
        return rc;
    }
    return make_owned(t->question, t->id, sys, usr, out, err);
}
