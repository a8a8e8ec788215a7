-- Rows read per table and what became of them: clean, or the quarantine reason; and how many
-- clean port_requests rows were superseded by a later version of the same request. Grouped by
-- province code as found in the row, so a province's report can show its own share.
SELECT 'port_requests' AS table_name, c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count
FROM {{port_requests_checked}} c
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean')
UNION ALL
SELECT 'port_requests' AS table_name, s.province_code, 'superseded' AS outcome, count(*) - count(DISTINCT s.port_id) AS row_count
FROM {{port_requests_checked}} s
WHERE s.quarantine_reason IS NULL
GROUP BY s.province_code
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
