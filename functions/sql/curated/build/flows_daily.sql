-- Curated table flows_daily (partitioned by dt): completed ports per Beijing day of completion,
-- province and donor -> recipient pair, from the clean current states of the partition.
SELECT
  CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
  p.province_code,
  p.donor_operator AS donor,
  p.recipient_operator AS recipient,
  count(*) AS ports,
  p.dt
FROM {{port_requests_placed}} p
WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
  AND p.spread = 0 AND p.version_rank = 1
  AND p.port_id IS NOT NULL AND p.port_id <> ''
  AND p.quarantine_reason IS NULL
  AND p.status = 'completed'
GROUP BY CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR), p.province_code, p.donor_operator, p.recipient_operator, p.dt
