-- Curated table port_requests_current (partitioned by dt, as the raw table): the current state
-- of every request whose versions all lie in one partition, quarantined or not (the reason is
-- a column), with the leaver's usage for the value mirror.
SELECT
  w.port_id, w.province_code, w.donor_operator, w.recipient_operator, w.status, w.reject_reason,
  w.requested_at, w.completed_at, w.plan_code, w.monthly_fee_cny, w.quarantine_reason,
  w.usage_months, w.data_used_mb, w.data_allowance_mb, w.voice_used_min, w.voice_allowance_min,
  w.dt
FROM {{placed_with_usage}} w
WHERE w.spread = 0
