-- Completed ports per period of the report (metrics/flows.sql), province and donor -> recipient
-- pair, from the curated layer: the daily rollup of requests kept in one partition, plus the spread
-- requests ranked over the window. Same rows as metrics/flows.sql on the raw feed.
SELECT b.period_start, b.province_code, b.donor, b.recipient, sum(b.ports) AS ports
FROM (
  SELECT
    CAST(CAST(date_trunc(:period_unit, CAST(t.day AS DATE)) AS DATE) AS VARCHAR) AS period_start,
    t.province_code, t.donor, t.recipient, t.ports
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
) b
GROUP BY b.period_start, b.province_code, b.donor, b.recipient
