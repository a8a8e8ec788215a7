-- The placed rows of the target partitions that a curated table keeps (a request's state, or
-- every version of a spread request), with the leaver's usage where the row is a clean
-- completed port. msisdn_hash stays behind: no curated table carries it.
(
  SELECT
    p.port_id,
    p.province_code,
    p.donor_operator,
    p.recipient_operator,
    p.status,
    p.reject_reason,
    p.requested_at,
    p.completed_at,
    p.updated_at,
    p.plan_code,
    p.monthly_fee_cny,
    p.quarantine_reason,
    p.spread,
    CASE WHEN p.quarantine_reason IS NULL AND p.status = 'completed' THEN lu.usage_months END AS usage_months,
    CASE WHEN p.quarantine_reason IS NULL AND p.status = 'completed' THEN lu.data_used_mb END AS data_used_mb,
    CASE WHEN p.quarantine_reason IS NULL AND p.status = 'completed' THEN lu.data_allowance_mb END AS data_allowance_mb,
    CASE WHEN p.quarantine_reason IS NULL AND p.status = 'completed' THEN lu.voice_used_min END AS voice_used_min,
    CASE WHEN p.quarantine_reason IS NULL AND p.status = 'completed' THEN lu.voice_allowance_min END AS voice_allowance_min,
    p.dt
  FROM {{port_requests_placed}} p
  LEFT JOIN {{leaver_usage}} lu
    -- equality only, so that engines hash-join; the usage is kept for clean completed rows above
    ON lu.msisdn_hash = p.msisdn_hash
    AND lu.operator_code = p.donor_operator
    AND lu.leave_month = substr(CAST(CAST(p.completed_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR), 1, 7)
  WHERE p.dt BETWEEN :target_from_dt AND :target_to_dt
    AND p.port_id IS NOT NULL AND p.port_id <> ''
    AND (p.spread = 1 OR p.version_rank = 1)
)
