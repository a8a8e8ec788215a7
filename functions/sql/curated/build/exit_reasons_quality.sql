-- Curated table exit_reasons_quality (partitioned by dt, as the raw table): the partition's exit
-- answers per province (as found in the row) and outcome, 'clean' or the quarantine reason.
SELECT c.province_code, coalesce(c.quarantine_reason, 'clean') AS outcome, count(*) AS row_count, c.dt
FROM {{exit_reasons_checked}} c
WHERE c.dt BETWEEN :target_from_dt AND :target_to_dt
GROUP BY c.province_code, coalesce(c.quarantine_reason, 'clean'), c.dt
