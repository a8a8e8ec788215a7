-- Curated table exit_reasons_quality (partitioned by dt, as the raw table): the partition's exit
-- answers per province (as found in the row) and outcome, 'clean' or the quarantine reason, and
-- 'superseded' for the clean copies of an answer within the partition beyond the one kept
-- (exit_answer_copy_order). Copies in earlier partitions are counted from
-- exit_answers_superseded by the report, over its own window.
SELECT c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count, c.dt
FROM {{exit_reasons_checked}} c
WHERE c.dt BETWEEN :target_from_dt AND :target_to_dt
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean'), c.dt
UNION ALL
SELECT r.province_code, 'superseded' AS outcome, count(*) AS row_count, r.dt
FROM (
  SELECT
    c.province_code,
    c.dt,
    row_number() OVER (
      PARTITION BY c.response_id, c.dt
      ORDER BY {{exit_answer_copy_order}}
    ) AS copy_rank
  FROM {{exit_reasons_checked}} c
  WHERE c.dt BETWEEN :target_from_dt AND :target_to_dt
    AND c.quarantine_reason IS NULL
) r
WHERE r.copy_rank > 1
GROUP BY r.province_code, r.dt
