-- Completed ports per Beijing day of completion, province and donor -> recipient pair.
SELECT
  CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
  p.province_code,
  p.donor_operator AS donor,
  p.recipient_operator AS recipient,
  count(*) AS ports
FROM {{port_requests_clean}} p
WHERE p.status = 'completed'
  AND p.completed_at >= CAST(:from_ts AS TIMESTAMP)
  AND p.completed_at < CAST(:to_ts AS TIMESTAMP)
GROUP BY
  CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR),
  p.province_code,
  p.donor_operator,
  p.recipient_operator
