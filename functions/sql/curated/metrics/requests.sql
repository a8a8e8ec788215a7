-- Port requests per period of the report (metrics/requests.sql), province, donor and outcome, from
-- the curated layer: the daily rollup plus the spread requests ranked over the window. Same rows as
-- metrics/requests.sql on the raw feed.
SELECT b.period_start, b.province_code, b.donor, b.status, b.reject_reason, sum(b.requests) AS requests
FROM (
  SELECT
    CAST(CAST(date_trunc(:period_unit, CAST(t.day AS DATE)) AS DATE) AS VARCHAR) AS period_start,
    t.province_code, t.donor, t.status, t.reject_reason, t.requests
  FROM (
    SELECT r.day, r.province_code, r.donor, r.status, r.reject_reason, r.requests
    FROM requests_daily r
    WHERE r.dt BETWEEN :requests_from_dt AND :requests_to_dt
      AND CAST(r.day AS DATE) >= CAST(CAST(:from_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
      AND CAST(r.day AS DATE) < CAST(CAST(:to_ts AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)
    UNION ALL
    SELECT
      CAST(CAST(v.requested_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
      v.province_code,
      v.donor_operator AS donor,
      v.status,
      CASE WHEN v.status = 'rejected' THEN v.reject_reason END AS reject_reason,
      1 AS requests
    FROM {{spread_versions}} v
    WHERE v.version_rank = 1 AND v.quarantine_reason IS NULL
      AND v.requested_at >= CAST(:from_ts AS TIMESTAMP)
      AND v.requested_at < CAST(:to_ts AS TIMESTAMP)
  ) t
) b
GROUP BY b.period_start, b.province_code, b.donor, b.status, b.reject_reason
