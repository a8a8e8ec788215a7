-- Curated table port_requests_quality (partitioned by dt): the partition's rows per province
-- (as found in the row) and outcome: 'clean' or the quarantine reason; and, for requests that
-- are not spread, 'superseded' (clean versions that are not the request's state) and
-- 'latest_quarantined' (requests left out because their latest version is quarantined while
-- an older one is clean, under the province its clean versions name). Spread requests add
-- their own superseded and left-out counts at report time, over the report's window.
SELECT p.province_code, coalesce(p.quarantine_reason, 'clean') AS outcome, count(*) AS row_count, p.dt
FROM {{port_requests_placed}} p
WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
GROUP BY p.province_code, coalesce(p.quarantine_reason, 'clean'), p.dt
UNION ALL
SELECT p.province_code, 'superseded' AS outcome, count(*) AS row_count, p.dt
FROM {{port_requests_placed}} p
WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
  AND p.spread = 0 AND p.port_id IS NOT NULL AND p.port_id <> ''
  AND p.quarantine_reason IS NULL AND p.version_rank > 1
GROUP BY p.province_code, p.dt
UNION ALL
SELECT p.clean_province_code AS province_code, 'latest_quarantined' AS outcome, count(*) AS row_count, p.dt
FROM {{port_requests_placed}} p
WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
  AND p.spread = 0 AND p.port_id IS NOT NULL AND p.port_id <> ''
  AND p.version_rank = 1 AND p.quarantine_reason IS NOT NULL AND p.clean_province_code IS NOT NULL
GROUP BY p.clean_province_code, p.dt
