-- The usage of each subscriber who left in the target partitions (a clean completed version
-- that is a request's state, or any clean completed version of a spread request), summed over
-- the three months before the month they left, at the operator they left: the value mirror's
-- input, set against the plan once. Keyed by what the raw-feed value mirror joins on.
(
  SELECT
    j.msisdn_hash,
    j.operator_code,
    j.leave_month,
    count(j.usage_month) AS usage_months,
    sum(j.data_used_mb) AS data_used_mb,
    sum(j.data_allowance_mb) AS data_allowance_mb,
    sum(j.voice_used_min) AS voice_used_min,
    sum(j.voice_allowance_min) AS voice_allowance_min
  -- a usage row repeated in every column (a re-delivered file) counts once: DISTINCT over the
  -- joined rows
  FROM (
    SELECT DISTINCT
      l.msisdn_hash, l.operator_code, l.leave_month, u.province_code, u.plan_code, u.plan_fee_cny,
      u.data_allowance_mb, u.data_used_mb, u.voice_allowance_min, u.voice_used_min, u."month" AS usage_month
    FROM (
      SELECT DISTINCT
        p.msisdn_hash,
        p.donor_operator AS operator_code,
        substr(CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR), 1, 7) AS leave_month,
        substr(CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) - INTERVAL '3' MONTH AS VARCHAR), 1, 7) AS first_usage_month
      FROM {{port_requests_placed}} p
      WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
        AND p.quarantine_reason IS NULL
        AND p.status = 'completed'
        AND (p.spread = 1 OR p.version_rank = 1)
    ) l
    JOIN {{usage_monthly_clean}} u
      ON u.msisdn_hash = l.msisdn_hash
      AND u.operator_code = l.operator_code
      AND u."month" >= l.first_usage_month
      AND u."month" < l.leave_month
  ) j
  GROUP BY j.msisdn_hash, j.operator_code, j.leave_month
)
