-- The value mirror from the curated layer: the daily rollup of the leavers among the requests
-- kept in one partition, plus the spread requests ranked over the window with their usage
-- already set against the plan (the rule: fragments/leaver_overpaying.sql). Same rows as the
-- raw-feed query, metrics/value_mirror.sql.
WITH leavers AS (
  SELECT m.province_code, m.donor, m.recipient, m.plan_code, m.leavers, m.with_usage, m.overpaying, m.fee_sum_cny
  FROM value_mirror_daily m
  WHERE m.dt BETWEEN :requests_from_dt AND :requests_to_dt
    AND CAST(m.day AS DATE) >= CAST(CAST(:from_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
    AND CAST(m.day AS DATE) < CAST(CAST(:to_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
  UNION ALL
  SELECT
    v.province_code,
    v.donor_operator AS donor,
    v.recipient_operator AS recipient,
    v.plan_code,
    1 AS leavers,
    CASE WHEN v.usage_months > 0 THEN 1 ELSE 0 END AS with_usage,
    {{leaver_overpaying}} AS overpaying,
    v.monthly_fee_cny AS fee_sum_cny
  FROM {{spread_versions}} v
  WHERE v.version_rank = 1 AND v.quarantine_reason IS NULL
    AND v.status = 'completed'
    AND v.completed_at >= CAST(:from_ts AS TIMESTAMP)
    AND v.completed_at < CAST(:to_ts AS TIMESTAMP)
)
SELECT
  r.side,
  r.province_code,
  r.operator_code,
  r.plan_code,
  sum(r.leavers) AS ports,
  sum(r.with_usage) AS with_usage,
  sum(r.overpaying) AS overpaying,
  -- in fen, a whole number, as metrics/value_mirror.sql
  CAST(sum(r.fee_sum_cny) * 100 AS BIGINT) AS fee_sum_fen
FROM (
  SELECT 'leaver' AS side, l.province_code, l.donor AS operator_code, l.plan_code, l.leavers, l.with_usage,
    l.overpaying, l.fee_sum_cny
  FROM leavers l
  UNION ALL
  SELECT 'joiner' AS side, l.province_code, l.recipient AS operator_code, l.plan_code, l.leavers, 0 AS with_usage,
    0 AS overpaying, l.fee_sum_cny
  FROM leavers l
) r
GROUP BY r.side, r.province_code, r.operator_code, r.plan_code
