-- Clean usage rows that repeat another in every column: per set of copies, its province and
-- month and how many copies it has beyond the one row usage_monthly_clean keeps.
(
  SELECT c.province_code, c."month", count(*) - 1 AS copies
  FROM {{usage_monthly_checked}} c
  WHERE c.quarantine_reason IS NULL
  GROUP BY
    c.msisdn_hash, c.province_code, c.operator_code, c.plan_code, c.plan_fee_cny, c.data_allowance_mb,
    c.data_used_mb, c.voice_allowance_min, c.voice_used_min, c."month"
  HAVING count(*) > 1
)
