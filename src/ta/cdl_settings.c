/* TA-Lib's candle settings as a per-call parameter: the defaults, the names
 * TA-Lib gives them (TA_CandleSettingType, TA_RangeType) and their bounds. */
#include <strings.h>
#include "cdl_internal.h"

static const char *const cdl_setting_names[CDL_SETTING_COUNT] = {
    "BodyLong", "BodyVeryLong", "BodyShort", "BodyDoji", "ShadowLong", "ShadowVeryLong",
    "ShadowShort", "ShadowVeryShort", "Near", "Far", "Equal",
};
static const char *const cdl_range_names[3] = {"RealBody", "HighLow", "Shadows"};

void pr_ta_candle_settings_default(pr_ta_candle_settings *out) {
    if (out) memcpy(out->s, pr_cdl_settings, sizeof out->s);
}

static int find_name(const char *const *names, int count, const char *name) {
    for (int k = 0; name && k < count; k++)
        if (strcasecmp(names[k], name) == 0) return k;
    return -1;
}

int pr_ta_candle_setting_find(const char *name) { return find_name(cdl_setting_names, CDL_SETTING_COUNT, name); }
int pr_ta_candle_range_find(const char *name) { return find_name(cdl_range_names, 3, name); }

const char *pr_ta_candle_setting_name(int id) {
    return id >= 0 && id < CDL_SETTING_COUNT ? cdl_setting_names[id] : NULL;
}

const char *pr_ta_candle_range_name(int range) { return range >= 0 && range < 3 ? cdl_range_names[range] : NULL; }

int pr_ta_candle_settings_check(const pr_ta_candle_settings *cs) {
    if (!cs) return PR_EINVAL;
    for (int k = 0; k < CDL_SETTING_COUNT; k++) {
        const cdl_setting *s = &cs->s[k];
        if (s->range < CDL_RANGE_REALBODY || s->range > CDL_RANGE_SHADOWS || s->period < 0 ||
            s->period > PR_TA_CANDLE_PERIOD_MAX || !(s->factor >= 0 && s->factor <= 3e37))
            return PR_EINVAL;
    }
    return PR_OK;
}

static const char *const cdl_table_names[PR_TA_CDL_COUNT] = {
#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)("cdl" #name, )
#include "proratio/ta/list.h"
#undef PR_TA_ROW
};

int pr_ta_cdl_pattern_find(const char *name, pr_ta_cdl_pattern *out) {
    if (!name || !out) return PR_EINVAL;
    int k = find_name(cdl_table_names, PR_TA_CDL_COUNT, name);
    if (k < 0) return PR_ENOTFOUND;
    *out = (pr_ta_cdl_pattern)k;
    return PR_OK;
}
