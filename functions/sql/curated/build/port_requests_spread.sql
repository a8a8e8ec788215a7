-- Curated table port_requests_spread (partitioned by dt): every version, clean or quarantined,
-- of the requests with versions in partitions up to seven days apart (port_requests_placed.sql). A report ranks these over
-- its own scan window, exactly as the raw-feed queries rank every version.
SELECT
  w.port_id, w.province_code, w.donor_operator, w.recipient_operator, w.status, w.reject_reason,
  w.requested_at, w.completed_at, w.updated_at, w.plan_code, w.monthly_fee_cny, w.quarantine_reason,
  w.usage_months, w.data_used_mb, w.data_allowance_mb, w.voice_used_min, w.voice_allowance_min,
  w.dt
FROM {{placed_with_usage}} w
WHERE w.spread = 1
