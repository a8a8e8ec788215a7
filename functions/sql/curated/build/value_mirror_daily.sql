-- Curated table value_mirror_daily (partitioned by dt): the leavers among the clean current
-- states of the partition, per Beijing day of completion, province, donor -> recipient pair and
-- plan: how many, how many with usage, how many overpaying (fragments/leaver_overpaying.sql),
-- and the sum of their monthly fees.
SELECT
  CAST(CAST(w.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
  w.province_code,
  w.donor_operator AS donor,
  w.recipient_operator AS recipient,
  w.plan_code,
  count(*) AS leavers,
  CAST(sum(CASE WHEN w.usage_months > 0 THEN 1 ELSE 0 END) AS BIGINT) AS with_usage,
  CAST(sum({{leaver_overpaying}}) AS BIGINT) AS overpaying,
  CAST(sum(w.monthly_fee_cny) AS DECIMAL(38, 2)) AS fee_sum_cny,
  w.dt
FROM {{placed_with_usage}} w
WHERE w.spread = 0
  AND w.quarantine_reason IS NULL
  AND w.status = 'completed'
GROUP BY
  CAST(CAST(w.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR),
  w.province_code, w.donor_operator, w.recipient_operator, w.plan_code, w.dt
