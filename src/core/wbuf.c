/* The buffered writer behind every large output (trades/equity CSV, ta
 * tables, data export): numbers and fields are appended to one big block
 * that goes to the FILE with a single fwrite when full, which is what makes
 * writing millions of numbers cost about as much as parsing them. */
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"

#define PR_WBUF_DEFAULT (1u << 20)

int pr_wbuf_open(pr_wbuf *w, FILE *f, size_t cap) {
    memset(w, 0, sizeof *w);
    w->f = f;
    w->cap = cap ? cap : PR_WBUF_DEFAULT;
    if (w->cap < 2 * PR_DTOA_MAX) w->cap = 2 * PR_DTOA_MAX;
    w->buf = malloc(w->cap);
    if (!w->buf) w->status = PR_ENOMEM;
    return w->status;
}

static int drain(pr_wbuf *w) {
    if (w->status) return w->status;
    if (w->len && fwrite(w->buf, 1, w->len, w->f) != w->len) w->status = PR_EIO;
    w->len = 0;
    return w->status;
}

int pr_wbuf_put(pr_wbuf *w, const char *s, size_t n) {
    if (w->status) return w->status;
    if (w->cap - w->len < n) {
        if (drain(w)) return w->status;
        if (n >= w->cap) { /* larger than the block: straight through */
            if (fwrite(s, 1, n, w->f) != n) w->status = PR_EIO;
            return w->status;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    return PR_OK;
}

int pr_wbuf_str(pr_wbuf *w, const char *s) { return pr_wbuf_put(w, s, strlen(s)); }

int pr_wbuf_char(pr_wbuf *w, char c) {
    if (w->status) return w->status;
    if (w->len == w->cap && drain(w)) return w->status;
    w->buf[w->len++] = c;
    return PR_OK;
}

int pr_wbuf_num(pr_wbuf *w, double x) {
    if (w->status) return w->status;
    if (w->cap - w->len < PR_DTOA_MAX && drain(w)) return w->status;
    w->len += pr_dtoa(x, w->buf + w->len);
    return PR_OK;
}

int pr_wbuf_flush(pr_wbuf *w) {
    if (drain(w)) return w->status;
    if (fflush(w->f) != 0) w->status = PR_EIO;
    return w->status;
}

int pr_wbuf_close(pr_wbuf *w) {
    int rc = w->buf ? pr_wbuf_flush(w) : w->status;
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
    return rc;
}

int pr_wbuf_sink(void *w, const char *s, size_t n) { return pr_wbuf_put((pr_wbuf *)w, s, n); }
