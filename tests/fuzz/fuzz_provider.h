/* Shared by the three provider fuzz targets: one fuzz input is one HTTP
 * response of a provider, fed through pr_llm_call (request, transport hook,
 * the API's response parser, retry decision, redaction, token and cost
 * accounting, verdict validation). */
#ifndef PR_FUZZ_PROVIDER_H
#define PR_FUZZ_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

/* The API key the fuzzed provider holds; seeds echo it to test redaction. */
#define PR_FUZZ_API_KEY "sk-fuzz-7Qm2Vx9LkP4sT8wZ3nR6yB1c"

/* Runs one response for the preset `kind` ("openai", "anthropic", "gemini").
 * Input: an optional head "HTTP/1.1 429 ...\n" with "Name: value" header
 * lines up to a blank line (retry-after, retry-after-ms, x-should-retry,
 * x-ratelimit-reset, and the harness's own x-pr-question: confirm|direction|
 * mtf|regime|levels and x-pr-transport: a failure name such as timeout),
 * then the body. Without the head the status is 200 and the whole input is
 * the body. */
int pr_fuzz_provider(const char *kind, const uint8_t *data, size_t size);

#endif
