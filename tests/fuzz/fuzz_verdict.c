/* Fuzz target: the LLM verdict parser (src/ai/verdict.c). The input is a
 * model's answer text, parsed for every question. Properties checked beyond
 * memory safety: a rejection names its reason and a message; an accepted
 * verdict's texts are valid UTF-8 (they are stored as JSON and printed), and
 * it survives pr_verdict_to_json -> pr_verdict_parse unchanged, as verdict.h
 * promises (the stored verdict of an llm_calls row is that JSON). */
#include <string.h>

#include <jansson.h>

#include "proratio/ai.h"
#include "fuzz.h"
#include "fuzz_texts.h"

static void check_text(const char *s, void *ctx) {
    (void)ctx;
    json_t *j = json_string(s); /* NULL for invalid UTF-8 */
    PR_FUZZ_CHECK(j != NULL, "verdict text is valid UTF-8");
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int q = 0; q < PR_LLM_Q_COUNT; q++) {
        pr_verdict v;
        pr_verdict_reject why = PR_VERDICT_OK;
        pr_err err;
        pr_err_clear(&err);
        int rc = pr_verdict_parse((pr_llm_question)q, (const char *)data, size, &v, &why, &err);
        if (rc != PR_OK) {
            PR_FUZZ_CHECK(why != PR_VERDICT_OK, "a rejected verdict has a reason");
            PR_FUZZ_CHECK(err.msg[0] != '\0', "a rejected verdict has a message");
            continue;
        }
        PR_FUZZ_CHECK(why == PR_VERDICT_OK, "an accepted verdict has no reject reason");
        PR_FUZZ_CHECK(v.question == (pr_llm_question)q, "the verdict answers the question asked");
        pr_fuzz_verdict_texts(&v, check_text, NULL);
        char *json = pr_verdict_to_json(&v);
        PR_FUZZ_CHECK(json != NULL, "an accepted verdict serialises");
        pr_verdict back;
        pr_err_clear(&err);
        rc = pr_verdict_parse((pr_llm_question)q, json, strlen(json), &back, &why, &err);
        if (rc != PR_OK) fprintf(stderr, "serialised verdict %s rejected: %s\n", json, err.msg);
        PR_FUZZ_CHECK(rc == PR_OK, "a serialised verdict parses again");
        char *again = pr_verdict_to_json(&back);
        PR_FUZZ_CHECK(again && strcmp(json, again) == 0, "a verdict survives the JSON round trip");
        free(again);
        free(json);
    }
    return 0;
}
