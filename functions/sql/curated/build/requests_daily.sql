-- Curated table requests_daily (partitioned by dt): requests per Beijing day of request,
-- province, donor and outcome (with the reject reason), from the clean current states.
SELECT
  CAST(CAST(p.requested_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
  p.province_code,
  p.donor_operator AS donor,
  p.status,
  CASE WHEN p.status = 'rejected' THEN p.reject_reason END AS reject_reason,
  count(*) AS requests,
  p.dt
FROM {{port_requests_placed}} p
WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
  AND p.spread = 0 AND p.version_rank = 1
  AND p.port_id IS NOT NULL AND p.port_id <> ''
  AND p.quarantine_reason IS NULL
GROUP BY CAST(CAST(p.requested_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR), p.province_code, p.donor_operator, p.status,
  CASE WHEN p.status = 'rejected' THEN p.reject_reason END, p.dt
