-- Completed ports per period of the report (the week or month holding the Beijing day of
-- completion, named by its first day), province and donor -> recipient pair: rows at the grain
-- the figures read, not one per day, so that an engine hands over few (Athena pages its results
-- a thousand rows at a time).
SELECT d.period_start, d.province_code, d.donor, d.recipient, count(*) AS ports
FROM (
  SELECT
    CAST(CAST(date_trunc(:period_unit, CAST(p.completed_at + INTERVAL '8' HOUR AS DATE)) AS DATE) AS VARCHAR)
      AS period_start,
    p.province_code,
    p.donor_operator AS donor,
    p.recipient_operator AS recipient
  FROM {{port_requests_clean}} p
  WHERE p.status = 'completed'
    AND p.completed_at >= CAST(:from_ts AS TIMESTAMP)
    AND p.completed_at < CAST(:to_ts AS TIMESTAMP)
) d
GROUP BY d.period_start, d.province_code, d.donor, d.recipient
