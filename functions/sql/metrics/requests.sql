-- Port requests per Beijing day of request, province, donor and outcome (with the reject
-- reason of rejections): the base of the eligibility-rejection figures.
SELECT
  CAST(CAST(p.requested_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
  p.province_code,
  p.donor_operator AS donor,
  p.status,
  CASE WHEN p.status = 'rejected' THEN p.reject_reason END AS reject_reason,
  count(*) AS requests
FROM {{port_requests_clean}} p
WHERE p.requested_at >= CAST(:from_ts AS TIMESTAMP)
  AND p.requested_at < CAST(:to_ts AS TIMESTAMP)
GROUP BY
  CAST(CAST(p.requested_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR),
  p.province_code,
  p.donor_operator,
  p.status,
  CASE WHEN p.status = 'rejected' THEN p.reject_reason END
