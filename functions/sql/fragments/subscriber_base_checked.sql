-- Subscriber-base rows of the scanned months with their quarantine reason.
(
  SELECT
    b.province_code,
    b.operator_code,
    b.subscribers,
    b."month",
    CASE
      WHEN b.province_code IS NULL OR b.operator_code IS NULL OR b.subscribers IS NULL
        THEN 'missing_key'
      WHEN b.province_code NOT IN ({{codes.provinces}})
        OR b.operator_code NOT IN ({{codes.operators}})
        THEN 'unknown_code'
      WHEN b.subscribers < 0
        THEN 'negative_value'
    END AS quarantine_reason
  FROM subscriber_base b
  WHERE b."month" BETWEEN :base_from_month AND :base_to_month
)
