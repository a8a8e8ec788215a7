-- Rows read per table and what became of them: clean, or the quarantine reason; and how many
-- clean port_requests rows were superseded by a later version of the same request. Grouped by
-- province code as found in the row, so a province's report can show its own share.
-- port_requests is read once: its outcomes and its superseded versions come from one grouping
-- (superseded only from the clean group, where the quarantine reason is NULL).
WITH port_request_outcomes AS (
  SELECT
    c.province_code,
    c.quarantine_reason,
    count(*) AS row_count,
    count(*) - count(DISTINCT c.port_id) AS superseded_count
  FROM {{port_requests_checked}} c
  GROUP BY c.province_code, c.quarantine_reason
)
SELECT 'port_requests' AS table_name, o.province_code, coalesce(o.quarantine_reason, 'clean') AS outcome, o.row_count
FROM port_request_outcomes o
UNION ALL
SELECT 'port_requests' AS table_name, o.province_code, 'superseded' AS outcome, o.superseded_count AS row_count
FROM port_request_outcomes o
WHERE o.quarantine_reason IS NULL
UNION ALL
SELECT 'exit_reasons' AS table_name, c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count
FROM {{exit_reasons_checked}} c
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean')
UNION ALL
SELECT 'usage_monthly' AS table_name, c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count
FROM {{usage_monthly_checked}} c
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean')
UNION ALL
SELECT 'subscriber_base' AS table_name, c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count
FROM {{subscriber_base_checked}} c
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean')
