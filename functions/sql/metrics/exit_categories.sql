-- Exit-survey answers per Beijing day of collection, province, operator left and category.
SELECT
  CAST(CAST(e.collected_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
  e.province_code,
  e.operator_code,
  e.category_code,
  count(*) AS responses
FROM {{exit_reasons_clean}} e
WHERE e.collected_at >= CAST(:from_ts AS TIMESTAMP)
  AND e.collected_at < CAST(:to_ts AS TIMESTAMP)
GROUP BY
  CAST(CAST(e.collected_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR),
  e.province_code,
  e.operator_code,
  e.category_code
