-- Curated table exit_answers_superseded (partitioned by dt): for the partition's clean answers
-- that have a clean copy in an earlier partition, the group of the latest such copy (its day,
-- province, operator, category), counted. A report subtracts the rows of its window's partitions
-- whose day lies in the window too: each earlier copy it counted gives way to the later one.
SELECT
  a.previous_day AS day,
  a.previous_province_code AS province_code,
  a.previous_operator_code AS operator_code,
  a.previous_category_code AS category_code,
  count(*) AS responses,
  a.dt
FROM {{exit_answers_chained}} a
WHERE a.dt BETWEEN :target_from_dt AND :target_to_dt
  AND a.previous_day IS NOT NULL
GROUP BY a.previous_day, a.previous_province_code, a.previous_operator_code, a.previous_category_code, a.dt
