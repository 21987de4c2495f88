/* Internal to the CLI: the confirmation stages of a run configuration —
 * "confirm": [{"type": "llm", ...}, ...] applied in order to every signal of
 * any strategy, and "ai": {...}, the shorthand for one "llm" stage — read
 * and validated with dotted paths, then created and added to a pipeline.
 * Kept apart so the rest of the command does not depend on the ai headers. */
#ifndef PR_BACKTEST_CONFIRM_H
#define PR_BACKTEST_CONFIRM_H
#include "proratio/engine.h"
#include "proratio/engine/runlog.h"
#include "backtest_config.h"

#define BT_MAX_STAGES 8

typedef enum bt_stage_type {
    BT_STAGE_LLM = 0
} bt_stage_type;

/* The configured stages. Each stage's settings sit in `view` at path[i]
 * ("confirm.0", or "ai" for the shorthand) without their "type" key, so the
 * stage's own loader names paths exactly as the file does. */
typedef struct bt_confirm {
    size_t n;
    bt_stage_type type[BT_MAX_STAGES];
    char path[BT_MAX_STAGES][32];
    pr_config *view;
    /* 1: each LLM stage's consensus.reduce_factor is 1, because the risk
     * stage's ai_verdict table sizes a REDUCE_SIZE entry itself (it would
     * be reduced twice otherwise). */
    int reduce_by_risk;
} bt_confirm;

/* Reads "confirm" or "ai" from cfg into c (which bt_confirm_free releases),
 * appending one message per problem to errs; returns the messages added. */
size_t bt_confirm_read(const pr_config *cfg, bt_confirm *c, bt_errors *errs);
void bt_confirm_free(bt_confirm *c);
/* The first stage path (e.g. "confirm.0") whose file sets a
 * consensus.reduce_factor other than 1 that reduce_by_risk replaces, with
 * that factor in *factor; NULL when none does. */
const char *bt_confirm_reduce_ignored(const bt_confirm *c, double *factor);

/* The stages of one pipeline, with what they did; the pipeline owns them. */
struct pr_llm_stage;
typedef struct bt_stages {
    size_t n;
    int gate_only;                       /* the TA side of an A/B              */
    bt_stage_type type[BT_MAX_STAGES];
    struct pr_llm_stage *llm[BT_MAX_STAGES];
    pr_runlog_ai ai[BT_MAX_STAGES];      /* filled by bt_stages_finish          */
    pr_runlog_stage rl[BT_MAX_STAGES];   /* for the summary line                */
    char taint[BT_MAX_STAGES][1024];     /* contamination, "" when clean        */
} bt_stages;

/* Creates c's stages and adds them to pipe in order. store (a pr_store*)
 * holds the LLM response cache; log (may be NULL) gets the AI decisions. An
 * LLM stage without any provider key is disabled (every signal passes), except
 * in replay mode, which needs no key. gate_only: each stage applies its
 * ta_threshold rule only and asks no model (the TA side of --ab, so the
 * comparison measures the models' decisions alone). */
int bt_confirm_attach(const bt_confirm *c, void *store, pr_log *log, int gate_only, pr_pipeline *pipe,
                      bt_stages *out, pr_err *err);
/* After the run: logs each LLM stage's "ai_summary" line and fills ai/rl. */
void bt_stages_finish(bt_stages *s);
/* Number of stages with at least one usable provider. */
size_t bt_stages_enabled(const bt_stages *s);
/* Sum of the stages' AI figures. */
void bt_stages_total(const bt_stages *s, pr_runlog_ai *out);
/* One line on the stages' prompts: why they are contaminated when a stage
 * is (see pr_llm_stage_contaminated), else which prompts were used. Returns
 * 1 when contaminated. "" and 0 for the gate-only side. */
int bt_stages_note(const bt_stages *s, char *buf, size_t cap);
/* Prints every replay miss of the stages to f, one line each; returns how
 * many there were. */
size_t bt_stages_print_misses(const bt_stages *s, FILE *f);

#endif
