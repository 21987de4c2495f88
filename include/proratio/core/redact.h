/* Secret redaction: a key, token or secret URL masked as "[REDACTED]"
 * wherever it appears in a text, raw or JSON-escaped, and a part of it
 * left by a cut (see src/core/redact.c). Used on every text that came from
 * a remote service or carries a request's address before it is logged,
 * shown or stored (LLM providers, notifiers). Not in core.h, which does
 * not depend on jansson. */
#ifndef PRORATIO_CORE_REDACT_H
#define PRORATIO_CORE_REDACT_H

#include <stddef.h>
#include <jansson.h>

#include "proratio/core.h"

/* malloc'd copy of s with key masked: raw or JSON-escaped, and a prefix of
 * it left by a cut; a plain copy when key is NULL or "". NULL when out of
 * memory. */
char *pr_redact(const char *key, const char *s);
/* Redacts the string in buf (capacity cap) in place, masking a key prefix
 * that the copy back leaves at the cut; empties buf when out of memory. */
void pr_redact_buf(const char *key, char *buf, size_t cap);
/* Redacts every string value in j in place, after JSON unescaping. */
void pr_redact_json(const char *key, json_t *j);

#endif
