-- The clean current state of every request in the scan window, from the curated layer: the
-- current states of requests kept in one partition, and the spread requests ranked over the
-- window. The same rows as the raw-feed port_requests_clean, with the leaver's usage.
(
  SELECT
    c.port_id, c.province_code, c.donor_operator, c.recipient_operator, c.status, c.reject_reason,
    c.requested_at, c.completed_at, c.plan_code, c.monthly_fee_cny,
    c.usage_months, c.data_used_mb, c.data_allowance_mb, c.voice_used_min, c.voice_allowance_min
  FROM port_requests_current c
  WHERE c.dt BETWEEN :requests_from_dt AND :requests_to_dt
    AND c.quarantine_reason IS NULL
  UNION ALL
  SELECT
    v.port_id, v.province_code, v.donor_operator, v.recipient_operator, v.status, v.reject_reason,
    v.requested_at, v.completed_at, v.plan_code, v.monthly_fee_cny,
    v.usage_months, v.data_used_mb, v.data_allowance_mb, v.voice_used_min, v.voice_allowance_min
  FROM {{spread_versions}} v
  WHERE v.version_rank = 1 AND v.quarantine_reason IS NULL
)
