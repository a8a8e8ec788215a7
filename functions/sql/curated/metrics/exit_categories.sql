-- Exit-survey answers per period of the report (metrics/exit_categories.sql), province, operator
-- left and category, from the curated layer: each partition's answers, less the earlier copies that
-- a later copy in the window supersedes (exit_answers_superseded rows whose day is in the window).
-- Same rows as metrics/exit_categories.sql on the raw feed: a clean answer lies in the partition of
-- its day.
SELECT b.period_start, b.province_code, b.operator_code, b.category_code, sum(b.responses) AS responses
FROM (
  SELECT
    CAST(CAST(date_trunc(:period_unit, CAST(t.day AS DATE)) AS DATE) AS VARCHAR) AS period_start,
    t.province_code, t.operator_code, t.category_code, t.responses
  FROM (
    SELECT d.day, d.province_code, d.operator_code, d.category_code, d.responses
    FROM exit_answers_daily d
    WHERE d.dt BETWEEN :exits_from_dt AND :exits_to_dt
      AND CAST(d.day AS DATE) >= CAST(CAST(:from_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
      AND CAST(d.day AS DATE) < CAST(CAST(:to_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
    UNION ALL
    SELECT s.day, s.province_code, s.operator_code, s.category_code, -s.responses AS responses
    FROM exit_answers_superseded s
    WHERE s.dt BETWEEN :exits_from_dt AND :exits_to_dt
      AND CAST(s.day AS DATE) >= CAST(CAST(:from_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
      AND CAST(s.day AS DATE) < CAST(CAST(:to_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
  ) t
) b
GROUP BY b.period_start, b.province_code, b.operator_code, b.category_code
HAVING sum(b.responses) > 0
