/* `proratio backtest --ab`: the TA-only and TA+AI runs of one configuration
 * compared figure by figure with the ai module's pr_ab_* functions. */
#include <stdio.h>
#include <stdlib.h>

#include "proratio/ai.h"
#include "backtest_ab.h"

int bt_ab_print(const pr_metrics *a, const pr_metrics *b, size_t calls, double cost, int json, pr_err *err) {
    pr_ab_side sa, sb;
    pr_ab_side_from_metrics("TA-only", a, 0, 0, &sa);
    pr_ab_side_from_metrics("TA+AI", b, calls, cost, &sb);
    pr_ab_result r;
    int rc = pr_ab_compare(&sa, &sb, &r, err);
    if (rc != PR_OK) return rc;
    if (json) {
        char *js = pr_ab_json(&r);
        if (!js) return pr_err_set(err, PR_ENOMEM, "out of memory");
        printf("%s\n", js);
        free(js);
        return PR_OK;
    }
    char buf[4096];
    pr_ab_format(&r, buf, sizeof buf);
    fputs(buf, stdout);
    return PR_OK;
}
