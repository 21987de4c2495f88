/* Fuzz target: anthropic's response parser, through pr_llm_call (fuzz_provider.c). */
#include "fuzz.h"
#include "fuzz_provider.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return pr_fuzz_provider("anthropic", data, size); }
