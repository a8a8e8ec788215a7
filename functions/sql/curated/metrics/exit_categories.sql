-- Exit-survey answers per Beijing day of collection, province, operator left and category, from
-- the curated layer: each partition's answers, less the earlier copies that a later copy in the
-- window supersedes (exit_answers_superseded rows whose day is in the window). Same rows as
-- metrics/exit_categories.sql on the raw feed: a clean answer lies in the partition of its day.
SELECT t.day, t.province_code, t.operator_code, t.category_code, sum(t.responses) AS responses
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
GROUP BY t.day, t.province_code, t.operator_code, t.category_code
HAVING sum(t.responses) > 0
