-- Rows read per table and what became of them: clean, or the quarantine reason; how many
-- clean port_requests rows are not their request's current version, and how many clean exit
-- answers and base rows are re-delivered copies ('superseded'); and how
-- many requests were left out because their latest version is quarantined although an older
-- version was clean ('latest_quarantined', counted per request under the province its clean
-- versions name). Grouped by province code as found in the row, so a province's report can
-- show its own share. port_requests is read and ranked once for all three: ranked over the
-- partitions read (a week either side of those counted, where a request's misfiled versions may
-- lie), counted over the partitions the figures draw on (:counted_from_dt..:counted_to_dt).
WITH port_request_versions AS (
  SELECT
    v.port_id,
    v.province_code,
    v.quarantine_reason,
    v.version_rank,
    CASE WHEN v.dt BETWEEN :counted_from_dt AND :counted_to_dt THEN 1 ELSE 0 END AS counted
  FROM {{port_requests_versions}} v
),
port_request_outcomes AS (
  SELECT
    v.province_code,
    v.quarantine_reason,
    count(*) AS row_count,
    sum(CASE WHEN v.version_rank > 1 THEN 1 ELSE 0 END) AS superseded_count
  FROM port_request_versions v
  WHERE v.counted = 1
  GROUP BY v.province_code, v.quarantine_reason
),
requests_left_out AS (
  SELECT
    max(CASE WHEN v.quarantine_reason IS NULL THEN v.province_code END) AS province_code
  FROM port_request_versions v
  WHERE v.port_id IS NOT NULL AND v.port_id <> ''
  GROUP BY v.port_id
  HAVING max(CASE WHEN v.version_rank = 1 AND v.quarantine_reason IS NOT NULL THEN 1 ELSE 0 END) = 1
    AND max(CASE WHEN v.quarantine_reason IS NULL THEN 1 ELSE 0 END) = 1
    AND max(v.counted) = 1
),
-- exit answers read once for both counts: a clean answer ranked after the one the categories
-- keep is a re-delivered copy; ranked with the week after the partitions counted (where a later
-- copy may lie), counted up to :counted_exits_to_dt
exit_answer_outcomes AS (
  SELECT
    r.province_code,
    r.quarantine_reason,
    count(*) AS row_count,
    sum(CASE WHEN r.quarantine_reason IS NULL AND r.version_rank > 1 THEN 1 ELSE 0 END) AS superseded_count
  FROM {{exit_reasons_ranked}} r
  WHERE r.dt <= :counted_exits_to_dt
  GROUP BY r.province_code, r.quarantine_reason
)
SELECT 'port_requests' AS table_name, o.province_code, coalesce(o.quarantine_reason, 'clean') AS outcome, o.row_count
FROM port_request_outcomes o
UNION ALL
SELECT 'port_requests' AS table_name, o.province_code, 'superseded' AS outcome, o.superseded_count AS row_count
FROM port_request_outcomes o
WHERE o.quarantine_reason IS NULL
UNION ALL
SELECT 'port_requests' AS table_name, l.province_code, 'latest_quarantined' AS outcome, count(*) AS row_count
FROM requests_left_out l
GROUP BY l.province_code
UNION ALL
SELECT 'exit_reasons' AS table_name, e.province_code, coalesce(e.quarantine_reason, 'clean') AS outcome, e.row_count
FROM exit_answer_outcomes e
UNION ALL
SELECT 'exit_reasons' AS table_name, e.province_code, 'superseded' AS outcome, e.superseded_count AS row_count
FROM exit_answer_outcomes e
WHERE e.quarantine_reason IS NULL AND e.superseded_count > 0
UNION ALL
SELECT 'usage_monthly' AS table_name, c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count
FROM {{usage_monthly_checked}} c
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean')
UNION ALL
SELECT 'subscriber_base' AS table_name, c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count
FROM {{subscriber_base_checked}} c
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean')
UNION ALL
-- re-delivered copies that agree with the row kept
SELECT 'subscriber_base' AS table_name, c.province_code, 'superseded' AS outcome, count(*) AS row_count
FROM {{subscriber_base_checked}} c
WHERE c.quarantine_reason IS NULL AND c.copy_rank > 1
GROUP BY c.province_code
