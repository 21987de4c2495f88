/* The LLM providers' response bodies redacted for storage: the core
 * redaction (core/redact.h) of the text, and of each JSON string apart,
 * since a key split across two strings is only found string by string. */
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"

char *pr_ai_redact_body(const char *key, const char *body, size_t len) {
    char *raw = pr_redact(key, body);
    if (!raw || !key || !*key) return raw;
    /* Each JSON string is a text of its own: a key split across two of
     * them (two content blocks) is only found string by string. */
    json_t *j = json_loadb(body, len, 0, NULL);
    json_t *red = j ? json_deep_copy(j) : NULL;
    pr_redact_json(key, red);
    if (red && !json_equal(j, red)) {
        char *d = pr_ai_dumps(red);
        char *d2 = d ? pr_redact(key, d) : NULL;
        free(d);
        if (d2) {
            free(raw);
            raw = d2;
        }
    }
    json_decref(j);
    json_decref(red);
    return raw;
}
