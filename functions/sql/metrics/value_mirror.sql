-- The value mirror. Leavers (completed port-outs of the period) set against their usage in
-- the three months before the month they left: a leaver is overpaying when, summed over
-- those months, they used under half of both the data and the voice allowance. Joiners'
-- fees (their plan at the operator they left) come alongside for comparison.
WITH leavers AS (
  SELECT
    p.port_id,
    p.msisdn_hash,
    p.province_code,
    p.donor_operator AS operator_code,
    p.recipient_operator,
    p.plan_code,
    p.monthly_fee_cny,
    substr(CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR), 1, 7) AS leave_month,
    substr(CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) - INTERVAL '3' MONTH AS VARCHAR), 1, 7) AS first_usage_month
  FROM {{port_requests_clean}} p
  WHERE p.status = 'completed'
    AND p.completed_at >= CAST(:from_ts AS TIMESTAMP)
    AND p.completed_at < CAST(:to_ts AS TIMESTAMP)
),
leaver_usage AS (
  -- a usage row repeated in every column (a re-delivered file) counts once: DISTINCT over the
  -- joined rows, few beside the usage table
  SELECT
    j.port_id,
    count(j.msisdn_hash) AS usage_months,
    sum(j.data_used_mb) AS data_used_mb,
    sum(j.data_allowance_mb) AS data_allowance_mb,
    sum(j.voice_used_min) AS voice_used_min,
    sum(j.voice_allowance_min) AS voice_allowance_min
  FROM (
    SELECT DISTINCT
      l.port_id, u.msisdn_hash, u.province_code, u.operator_code, u.plan_code, u.plan_fee_cny,
      u.data_allowance_mb, u.data_used_mb, u.voice_allowance_min, u.voice_used_min, u."month"
    FROM leavers l
    JOIN {{usage_monthly_clean}} u
      ON u.msisdn_hash = l.msisdn_hash
      AND u.operator_code = l.operator_code
      AND u."month" >= l.first_usage_month
      AND u."month" < l.leave_month
  ) j
  GROUP BY j.port_id
),
leaver_rows AS (
  SELECT
    'leaver' AS side,
    l.province_code,
    l.operator_code,
    l.plan_code,
    l.monthly_fee_cny,
    CASE WHEN lu.usage_months > 0 THEN 1 ELSE 0 END AS with_usage,
    {{leaver_overpaying}} AS overpaying
  FROM leavers l
  LEFT JOIN leaver_usage lu ON lu.port_id = l.port_id
),
joiner_rows AS (
  -- every completed port is a leaver for its donor and a joiner for its recipient
  SELECT
    'joiner' AS side,
    l.province_code,
    l.recipient_operator AS operator_code,
    l.plan_code,
    l.monthly_fee_cny,
    0 AS with_usage,
    0 AS overpaying
  FROM leavers l
)
SELECT
  r.side,
  r.province_code,
  r.operator_code,
  r.plan_code,
  count(*) AS ports,
  sum(r.with_usage) AS with_usage,
  sum(r.overpaying) AS overpaying,
  -- in fen, a whole number: the core adds these sums over groups that come in no fixed order,
  -- and only integers add up to the same figure in every order
  CAST(sum(r.monthly_fee_cny) * 100 AS BIGINT) AS fee_sum_fen
FROM (
  SELECT * FROM leaver_rows
  UNION ALL
  SELECT * FROM joiner_rows
) r
GROUP BY r.side, r.province_code, r.operator_code, r.plan_code
