/* `proratio ta`'s candlestick part: parses --candle-setting and runs the
 * patterns asked for in one pass over the bars (pr_ta_cdl_all). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ta_candles.h"

int pr_cli_ta_candle_setting(const char *cmd, const char *text, pr_ta_candle_settings *cs) {
    static const char *form = "expected NAME=RANGE,PERIOD,FACTOR, e.g. BodyDoji=HighLow,10,0.1";
    const char *eq = strchr(text, '=');
    char name[32], range[32];
    size_t nl = eq ? (size_t)(eq - text) : 0;
    if (!eq || nl == 0 || nl >= sizeof name) return pr_cli_usage_error(cmd, "--candle-setting '%s': %s", text, form);
    memcpy(name, text, nl);
    name[nl] = '\0';
    int id = pr_ta_candle_setting_find(name);
    if (id < 0)
        return pr_cli_usage_error(cmd,
                                  "--candle-setting '%s': unknown setting '%s' (BodyLong, BodyVeryLong, BodyShort, "
                                  "BodyDoji, ShadowLong, ShadowVeryLong, ShadowShort, ShadowVeryShort, Near, Far, "
                                  "Equal)",
                                  text, name);
    const char *r = eq + 1, *c1 = strchr(r, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c1 || !c2 || strchr(c2 + 1, ',') || (size_t)(c1 - r) >= sizeof range)
        return pr_cli_usage_error(cmd, "--candle-setting '%s': %s", text, form);
    memcpy(range, r, (size_t)(c1 - r));
    range[c1 - r] = '\0';
    pr_ta_candle_setting s;
    s.range = pr_ta_candle_range_find(range);
    if (s.range < 0)
        return pr_cli_usage_error(cmd, "--candle-setting '%s': range '%s' is not RealBody, HighLow or Shadows", text,
                                  range);
    int64_t per;
    if (pr_parse_int64(c1 + 1, (size_t)(c2 - c1 - 1), &per) != PR_OK || per < 0 || per > PR_TA_CANDLE_PERIOD_MAX)
        return pr_cli_usage_error(cmd, "--candle-setting '%s': period '%.*s' is not a whole number in [0, %d]", text,
                                  (int)(c2 - c1 - 1), c1 + 1, PR_TA_CANDLE_PERIOD_MAX);
    s.period = (int)per;
    if (pr_parse_double(c2 + 1, strlen(c2 + 1), &s.factor) != PR_OK || !(s.factor >= 0 && s.factor <= 3e37))
        return pr_cli_usage_error(cmd, "--candle-setting '%s': factor '%s' is not a number in [0, 3e37]", text,
                                  c2 + 1);
    cs->s[id] = s;
    return PR_EXIT_OK;
}

int pr_cli_ta_patterns(int n, const pr_ta_def *const *defs, const double *const *params, double *const *outs,
                       const pr_ta_input *in, const pr_ta_candle_settings *cs, int *done) {
    double *all[PR_TA_CDL_COUNT] = {0}, pens[PR_TA_CDL_COUNT];
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) pens[p] = -1.0;
    for (int j = 0; j < n; j++) {
        pr_ta_cdl_pattern p;
        if (pr_ta_cdl_pattern_find(defs[j]->name, &p) != PR_OK) continue;
        double pen = defs[j]->n_params > 0 ? params[j][0] : -1.0;
        if (all[p]) {   /* same pattern, another penetration (labels are unique) */
            int rc = pr_ta_cdl_ex(p, in->n, in->open, in->high, in->low, in->close, pen, cs, outs[j]);
            if (rc != PR_OK) return rc;
        } else {
            all[p] = outs[j];
            pens[p] = pen;
        }
        done[j] = 1;
    }
    return pr_ta_cdl_all(in->n, in->open, in->high, in->low, in->close, pens, cs, all);
}
