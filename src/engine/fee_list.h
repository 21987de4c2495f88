/* The fee schedules, one row each: PR_FEE_ROW(name) for the
 * `const pr_fee_schedule_info pr_fee_<name>_info` that src/engine/fee_<name>.c
 * defines. The order is `proratio fees list`'s; flat is the default. */
PR_FEE_ROW(flat)
PR_FEE_ROW(tiered)
PR_FEE_ROW(per_share)
PR_FEE_ROW(per_contract)
PR_FEE_ROW(percent)
