-- Subscribers at the start of each month, per province and operator.
SELECT
  b."month" AS base_month,
  b.province_code,
  b.operator_code,
  sum(b.subscribers) AS subscribers
FROM {{subscriber_base_clean}} b
GROUP BY b."month", b.province_code, b.operator_code
