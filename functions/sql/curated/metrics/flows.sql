-- Completed ports per Beijing day of completion, province and donor -> recipient pair, from the
-- curated layer: the daily rollup of requests kept in one partition, plus the spread requests
-- ranked over the window. Same rows as metrics/flows.sql on the raw feed.
SELECT t.day, t.province_code, t.donor, t.recipient, sum(t.ports) AS ports
FROM (
  SELECT f.day, f.province_code, f.donor, f.recipient, f.ports
  FROM flows_daily f
  WHERE f.dt BETWEEN :requests_from_dt AND :requests_to_dt
    AND CAST(f.day AS DATE) >= CAST(CAST(:from_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
    AND CAST(f.day AS DATE) < CAST(CAST(:to_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
  UNION ALL
  SELECT
    CAST(CAST(v.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
    v.province_code,
    v.donor_operator AS donor,
    v.recipient_operator AS recipient,
    1 AS ports
  FROM {{spread_versions}} v
  WHERE v.version_rank = 1 AND v.quarantine_reason IS NULL
    AND v.status = 'completed'
    AND v.completed_at >= CAST(:from_ts AS TIMESTAMP)
    AND v.completed_at < CAST(:to_ts AS TIMESTAMP)
) t
GROUP BY t.day, t.province_code, t.donor, t.recipient
