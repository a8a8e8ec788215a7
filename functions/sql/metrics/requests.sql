-- Port requests per period of the report (the week or month holding the Beijing day of the
-- request, named by its first day), province, donor and outcome (with the reject reason of
-- rejections): the base of the eligibility-rejection figures.
SELECT d.period_start, d.province_code, d.donor, d.status, d.reject_reason, count(*) AS requests
FROM (
  SELECT
    CAST(CAST(date_trunc(:period_unit, CAST(p.requested_at + INTERVAL '8' HOUR AS DATE)) AS DATE) AS VARCHAR)
      AS period_start,
    p.province_code,
    p.donor_operator AS donor,
    p.status,
    CASE WHEN p.status = 'rejected' THEN p.reject_reason END AS reject_reason
  FROM {{port_requests_clean}} p
  WHERE p.requested_at >= CAST(:from_ts AS TIMESTAMP)
    AND p.requested_at < CAST(:to_ts AS TIMESTAMP)
) d
GROUP BY d.period_start, d.province_code, d.donor, d.status, d.reject_reason
