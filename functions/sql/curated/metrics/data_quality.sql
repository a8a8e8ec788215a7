-- The data-quality line from the curated layer (see metrics/data_quality.sql on the raw feed for
-- what each outcome means). port_requests: the partitions' counts kept by curate, plus the
-- spread requests' superseded versions and left-out requests ranked over this scan window (a
-- week either side of the partitions counted, :counted_from_dt..:counted_to_dt);
-- exit_reasons and usage_monthly: the partitions' counts kept by curate (and the exit answers'
-- copies in earlier partitions of the window); the subscriber base is
-- small and still read raw. Same rows as the raw-feed form.
WITH spread_ranked AS (
  SELECT
    v.port_id,
    v.province_code,
    v.quarantine_reason,
    v.version_rank,
    CASE WHEN v.dt BETWEEN :counted_from_dt AND :counted_to_dt THEN 1 ELSE 0 END AS counted
  FROM {{spread_versions}} v
),
spread_left_out AS (
  SELECT max(CASE WHEN v.quarantine_reason IS NULL THEN v.province_code END) AS province_code
  FROM spread_ranked v
  GROUP BY v.port_id
  HAVING max(CASE WHEN v.version_rank = 1 AND v.quarantine_reason IS NOT NULL THEN 1 ELSE 0 END) = 1
    AND max(CASE WHEN v.quarantine_reason IS NULL THEN 1 ELSE 0 END) = 1
    AND max(v.counted) = 1
),
port_request_counts AS (
  SELECT q.province_code, q.outcome, q.row_count
  FROM port_requests_quality q
  WHERE q.dt BETWEEN :counted_from_dt AND :counted_to_dt
  UNION ALL
  SELECT v.province_code, 'superseded' AS outcome, 1 AS row_count
  FROM spread_ranked v
  WHERE v.quarantine_reason IS NULL AND v.version_rank > 1 AND v.counted = 1
  UNION ALL
  SELECT l.province_code, 'latest_quarantined' AS outcome, 1 AS row_count
  FROM spread_left_out l
)
SELECT 'port_requests' AS table_name, p.province_code, p.outcome, sum(p.row_count) AS row_count
FROM port_request_counts p
GROUP BY p.province_code, p.outcome
UNION ALL
SELECT 'exit_reasons' AS table_name, e.province_code, e.outcome, sum(e.row_count) AS row_count
FROM (
  SELECT q.province_code, q.outcome, q.row_count
  FROM exit_reasons_quality q
  WHERE q.dt BETWEEN :exits_from_dt AND :counted_exits_to_dt
  UNION ALL
  -- answers re-delivered in a later partition of the window (the week after the partitions
  -- counted included): the earlier copy, in a partition counted, is superseded, under its own
  -- province
  SELECT s.province_code, 'superseded' AS outcome, s.responses AS row_count
  FROM exit_answers_superseded s
  WHERE s.dt BETWEEN :exits_from_dt AND :exits_to_dt
    AND s.day >= :exits_from_dt
    AND s.day <= :counted_exits_to_dt
) e
GROUP BY e.province_code, e.outcome
UNION ALL
SELECT 'usage_monthly' AS table_name, u.province_code, u.outcome, sum(u.row_count) AS row_count
FROM usage_quality u
WHERE u."month" BETWEEN :usage_from_month AND :usage_to_month
GROUP BY u.province_code, u.outcome
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
