-- Exit-survey answers per period of the report (the week or month holding the Beijing day of
-- collection, named by its first day), province, operator left and category.
SELECT d.period_start, d.province_code, d.operator_code, d.category_code, count(*) AS responses
FROM (
  SELECT
    CAST(CAST(date_trunc(:period_unit, CAST(e.collected_at + INTERVAL '8' HOUR AS DATE)) AS DATE) AS VARCHAR)
      AS period_start,
    e.province_code,
    e.operator_code,
    e.category_code
  FROM {{exit_reasons_clean}} e
  WHERE e.collected_at >= CAST(:from_ts AS TIMESTAMP)
    AND e.collected_at < CAST(:to_ts AS TIMESTAMP)
) d
GROUP BY d.period_start, d.province_code, d.operator_code, d.category_code
