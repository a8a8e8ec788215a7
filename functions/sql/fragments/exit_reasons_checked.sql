-- Exit-survey answers of the scanned partitions with their quarantine reason. The free-text
-- verbatim column is never selected: it may hold personal data and must not leave the lake.
(
  SELECT
    e.response_id,
    e.port_id,
    e.province_code,
    e.operator_code,
    e.category_code,
    CAST(e.collected_at AS TIMESTAMP) AS collected_at,
    e.channel,
    e.dt,
    CASE
      WHEN e.response_id IS NULL OR e.response_id = ''
        OR e.msisdn_hash IS NULL OR e.msisdn_hash = ''
        OR e.province_code IS NULL OR e.operator_code IS NULL OR e.category_code IS NULL
        OR e.collected_at IS NULL OR e.channel IS NULL
        THEN 'missing_key'
      WHEN e.province_code NOT IN ({{codes.provinces}})
        OR e.operator_code NOT IN ({{codes.operators}})
        OR e.category_code NOT IN ({{codes.categories}})
        OR e.channel NOT IN ({{codes.exit_channels}})
        -- the subcategory is optional: empty text, as a loader from CSV writes it, holds no code
        OR (e.subcategory_code IS NOT NULL AND e.subcategory_code <> ''
          AND e.category_code || '/' || e.subcategory_code NOT IN ({{codes.category_subcategories}}))
        THEN 'unknown_code'
      -- filed under another date than the Beijing date of collection (see port_requests_checked)
      WHEN CAST(e.dt AS DATE) <> CAST(e.collected_at + INTERVAL '8' HOUR AS DATE)
        THEN 'malformed_timestamp'
    END AS quarantine_reason
  FROM exit_reasons e
  WHERE e.dt BETWEEN :exits_from_dt AND :exits_to_dt
)
