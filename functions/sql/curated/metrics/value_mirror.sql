-- The value mirror from the curated layer: the leavers of the period with their usage already
-- set against their plan (see metrics/value_mirror.sql on the raw feed for the rule: under
-- half of both the data and the voice allowance over the three months before leaving).
WITH leavers AS (
  SELECT p.province_code, p.donor_operator AS operator_code, p.recipient_operator, p.plan_code, p.monthly_fee_cny,
    p.usage_months, p.data_used_mb, p.data_allowance_mb, p.voice_used_min, p.voice_allowance_min
  FROM {{port_requests_current_clean}} p
  WHERE p.status = 'completed'
    AND p.completed_at >= CAST(:from_ts AS TIMESTAMP)
    AND p.completed_at < CAST(:to_ts AS TIMESTAMP)
),
leaver_rows AS (
  SELECT
    'leaver' AS side,
    l.province_code,
    l.operator_code,
    l.plan_code,
    l.monthly_fee_cny,
    CASE WHEN l.usage_months > 0 THEN 1 ELSE 0 END AS with_usage,
    CASE
      WHEN l.usage_months > 0
        AND l.data_used_mb * 2 < l.data_allowance_mb
        AND l.voice_used_min * 2 < l.voice_allowance_min
      THEN 1 ELSE 0
    END AS overpaying
  FROM leavers l
),
joiner_rows AS (
  SELECT 'joiner' AS side, l.province_code, l.recipient_operator AS operator_code, l.plan_code, l.monthly_fee_cny,
    0 AS with_usage, 0 AS overpaying
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
  CAST(sum(r.monthly_fee_cny) AS DOUBLE) AS fee_sum_cny
FROM (
  SELECT * FROM leaver_rows
  UNION ALL
  SELECT * FROM joiner_rows
) r
GROUP BY r.side, r.province_code, r.operator_code, r.plan_code
