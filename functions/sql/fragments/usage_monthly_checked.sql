-- Plan-against-usage rows of the scanned months with their quarantine reason.
(
  SELECT
    u.msisdn_hash,
    u.province_code,
    u.operator_code,
    u.plan_code,
    CAST(u.plan_fee_cny AS DECIMAL(12, 2)) AS plan_fee_cny,
    u.data_allowance_mb,
    u.data_used_mb,
    u.voice_allowance_min,
    u.voice_used_min,
    u."month",
    CASE
      WHEN u.msisdn_hash IS NULL OR u.msisdn_hash = ''
        OR u.province_code IS NULL OR u.operator_code IS NULL
        OR u.plan_code IS NULL OR u.plan_code = '' OR u.plan_fee_cny IS NULL
        OR u.data_allowance_mb IS NULL OR u.data_used_mb IS NULL
        OR u.voice_allowance_min IS NULL OR u.voice_used_min IS NULL
        THEN 'missing_key'
      WHEN u.province_code NOT IN ({{codes.provinces}})
        OR u.operator_code NOT IN ({{codes.operators}})
        THEN 'unknown_code'
      WHEN u.plan_fee_cny < 0 OR u.data_allowance_mb < 0 OR u.data_used_mb < 0
        OR u.voice_allowance_min < 0 OR u.voice_used_min < 0
        THEN 'negative_value'
    END AS quarantine_reason
  FROM usage_monthly u
  WHERE u."month" BETWEEN :usage_from_month AND :usage_to_month
)
