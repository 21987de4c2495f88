/* Fuzz target: the configuration loader (src/core/config.c) and the readers
 * that validate a run's configuration with it: `proratio backtest`'s settings
 * and confirmation stages (src/cli/backtest_config.c, backtest_confirm.c, the
 * ai module's provider and stage loaders) and the strategy's parameters. The
 * input is the configuration file. Then every path of the document is read
 * with each typed getter and used as an override path, as --set would.
 * Properties checked beyond memory safety: a rejected document or value
 * comes with a message (naming the path for a bad value). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core.h"
#include "proratio/signal.h"
#include "cli/backtest_config.h"
#include "cli/backtest_confirm.h"
#include "fuzz.h"

/* Reads the value at path with every getter; each either succeeds or fails
 * with a message that names the path. */
static void read_all_ways(const pr_config *cfg, const char *path) {
    static const char *const allowed[] = {"a", "kind", "params", NULL};
    pr_err e;
    double d;
    long l;
    int b, idx;
    char buf[24];
    size_t n;
    int rc[] = {
        (pr_err_clear(&e), pr_config_number(cfg, path, 0, 0, 1, 1, &d, &e)),
        (pr_err_clear(&e), pr_config_number(cfg, path, 0, -INFINITY, INFINITY, 0, &d, &e)),
        (pr_err_clear(&e), pr_config_int(cfg, path, 0, -5, 5, &l, &e)),
        (pr_err_clear(&e), pr_config_int(cfg, path, 0, LONG_MIN, LONG_MAX, &l, &e)),
        (pr_err_clear(&e), pr_config_bool(cfg, path, 0, &b, &e)),
        (pr_err_clear(&e), pr_config_string(cfg, path, "", buf, sizeof buf, &e)),
        (pr_err_clear(&e), pr_config_enum(cfg, path, "kind", allowed, &idx, &e)),
        (pr_err_clear(&e), pr_config_array_len(cfg, path, &n, &e)),
        (pr_err_clear(&e), pr_config_check_keys(cfg, path, allowed, &e)),
    };
    (void)rc;
    pr_config_has(cfg, path);
}

/* Walks the document depth-first (bounded), reading each path and, for
 * string leaves, using the string as an override path of a copy. */
static void walk(pr_config *cfg, json_t *node, char *path, size_t len, size_t cap, int depth, int *budget) {
    if (depth > 6 || --*budget < 0) return;
    read_all_ways(cfg, path);
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(node)) {
        json_object_foreach(node, key, v) {
            int n = snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
            if (n > 0 && (size_t)n < cap - len) walk(cfg, v, path, len + (size_t)n, cap, depth + 1, budget);
            path[len] = '\0';
        }
    } else if (json_is_array(node)) {
        json_array_foreach(node, i, v) {
            int n = snprintf(path + len, cap - len, "%s%zu", len ? "." : "", i);
            if (n > 0 && (size_t)n < cap - len) walk(cfg, v, path, len + (size_t)n, cap, depth + 1, budget);
            path[len] = '\0';
        }
    }
}

static void overrides(const pr_config *cfg, json_t *node, int depth, int *budget) {
    if (depth > 6 || --*budget < 0) return;
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_string(node)) {
        pr_config *copy = NULL;
        pr_err e;
        pr_err_clear(&e);
        char *text = json_dumps(pr_config_json(cfg), JSON_COMPACT);
        if (text && pr_config_parse(text, &copy, &e) == PR_OK) {
            pr_err_clear(&e);
            const char *path = json_string_value(node);
            if (pr_config_set(copy, path, "{\"x\": [1, \"y\"]}", &e) != PR_OK)
                PR_FUZZ_CHECK(e.msg[0] != '\0', "a refused override has a message");
            else
                PR_FUZZ_CHECK(pr_config_has(copy, path), "an override is readable at its path");
            pr_err_clear(&e);
            pr_config_set(copy, path, path, &e); /* the value as JSON, else as a string */
        }
        pr_config_free(copy);
        free(text);
    } else if (json_is_object(node)) {
        json_object_foreach(node, key, v) overrides(cfg, v, depth + 1, budget);
    } else if (json_is_array(node)) {
        json_array_foreach(node, i, v) overrides(cfg, v, depth + 1, budget);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    pr_config *cfg = NULL;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_config_parse(text, &cfg, &e);
    free(text);
    if (rc != PR_OK) {
        PR_FUZZ_CHECK(e.msg[0] != '\0', "a rejected configuration has a message");
        return 0;
    }

    bt_settings *s = calloc(1, sizeof *s);
    bt_errors *errs = calloc(1, sizeof *errs);
    bt_confirm conf;
    if (s && errs) {
        size_t bad = bt_settings_read(cfg, s, errs);
        bad += bt_confirm_read(cfg, &conf, errs);
        PR_FUZZ_CHECK(bad == errs->n + errs->dropped, "every problem is counted");
        for (size_t i = 0; i < errs->n; i++) PR_FUZZ_CHECK(errs->msg[i][0] != '\0', "a problem has a message");
        bt_confirm_free(&conf);
        pr_strategy *st = NULL;
        pr_err_clear(&e);
        if (s->strategy[0] && pr_strategy_create(s->strategy, cfg, "strategy.params", &st, &e) != PR_OK)
            PR_FUZZ_CHECK(e.msg[0] != '\0', "rejected strategy parameters have a message");
        pr_strategy_free(st);
    }
    free(s);
    free(errs);

    char path[PR_ERR_PATH_MAX] = "";
    int budget = 200;
    walk(cfg, pr_config_json(cfg), path, 0, sizeof path, 0, &budget);
    budget = 50;
    overrides(cfg, pr_config_json(cfg), 0, &budget);
    pr_config_free(cfg);
    return 0;
}
