/* The insides of rule expressions, shared by rules_parse.c (text to a
 * typed tree, with the errors users see), rules_plan.c (the tree to a
 * postfix program over deduplicated series, declared on and read through
 * the market view) and the rules strategy. Nothing else includes this. */
#ifndef PR_SIGNAL_RULES_INTERNAL_H
#define PR_SIGNAL_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/signal.h"
#include "proratio/signal/rules.h"
#include "proratio/ta.h"

/* A series the plan reads: a bar field or one output of a ta indicator, on
 * the decision timeframe (PR_TF_NONE) or a higher one. Compared bytewise
 * to deduplicate, so it is zeroed before it is filled. */
typedef struct rslot {
    const pr_ta_def *def;           /* NULL: a bar field                       */
    int field;                      /* bar field (RF_*), or the input source   */
    int field2;                     /* > 0: a two-input function's second input
                                       (real1), field2 - 1                    */
    int src_slot;                   /* > 0: the input is slot src_slot - 1, an
                                       indicator (sma of rsi); 0: field       */
    pr_timeframe tf;
    int output;
    double params[PR_TA_MAX_PARAMS];  /* complete (defaults filled)           */
} rslot;

enum { RF_OPEN = 0, RF_HIGH, RF_LOW, RF_CLOSE, RF_VOLUME, RF_HL2, RF_HLC3, RF_OHLC4, RF_COUNT };
extern const char *const pr_rule_field_names[RF_COUNT + 1];

/* Tree nodes (indices into the parser's array). */
typedef enum rkind {
    RN_NUM, RN_SERIES, RN_NEG, RN_NOT, RN_BIN, RN_PREV, RN_HIGHEST, RN_LOWEST, RN_CROSS_UP, RN_CROSS_DN,
    RN_MIN, RN_MAX, RN_ABS
} rkind;

/* Binary operators (RN_BIN) and, shifted, the program's opcodes. */
typedef enum rbin { RB_ADD, RB_SUB, RB_MUL, RB_DIV, RB_LT, RB_LE, RB_GT, RB_GE, RB_EQ, RB_NE, RB_AND, RB_OR } rbin;

typedef struct rnode {
    rkind kind;
    int op;                  /* RN_BIN: rbin                                 */
    int cond;                /* 1: a condition, 0: a number                   */
    int col;                 /* where it starts in the text (1-based)         */
    int a, b;                /* children (-1: none)                           */
    int slot;                /* RN_SERIES                                     */
    double num;              /* RN_NUM: value; RN_PREV/HIGHEST/LOWEST: bars   */
} rnode;

typedef struct rtree {
    rnode *nodes;
    size_t n, cap;
    int root;
} rtree;

/* Series go into the plan's slot table (rules_plan.c) through this. */
typedef int (*rule_slot_fn)(void *ctx, const rslot *s, int *index, pr_err *err);
/* Parses text into out (errors "KEY: column N: ..."), checking that the
 * whole is of type `want`. */
int pr_rule_parse(const char *key, const char *text, pr_rule_type want, rule_slot_fn add_slot, void *ctx,
                  rtree *out, pr_err *err);
/* Parses a targets list "DIST @ FRACTION, ..." into up to cap trees. */
int pr_rule_parse_list(const char *key, const char *text, rule_slot_fn add_slot, void *ctx, rtree *trees,
                       double *fracs, int cap, int *n, pr_err *err);
void pr_rule_tree_free(rtree *t);
/* Sets err to "KEY: column COL: msg" (PR_EINVAL). */
int pr_rule_error(pr_err *err, const char *key, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
