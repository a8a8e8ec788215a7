-- Curated table usage_quality (partitioned by month, as the raw usage table): the month's
-- usage rows per province (as found in the row) and outcome, 'clean' or the quarantine reason.
SELECT u.province_code, coalesce(u.quarantine_reason, 'clean') AS outcome, count(*) AS row_count, u."month"
FROM {{usage_monthly_checked}} u
GROUP BY u.province_code, coalesce(u.quarantine_reason, 'clean'), u."month"
