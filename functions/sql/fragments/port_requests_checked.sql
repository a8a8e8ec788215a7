-- Every port_requests row of the scanned partitions with the quarantine reason that applies
-- to it (NULL when clean). The first matching rule wins, so each bad row is counted once.
(
  SELECT
    r.port_id,
    r.msisdn_hash,
    r.province_code,
    r.donor_operator,
    r.recipient_operator,
    r.status,
    r.reject_reason,
    CAST(r.requested_at AS TIMESTAMP) AS requested_at,
    CAST(r.completed_at AS TIMESTAMP) AS completed_at,
    CAST(r.updated_at AS TIMESTAMP) AS updated_at,
    r.channel,
    r.tenure_months,
    r.plan_code,
    CAST(r.monthly_fee_cny AS DECIMAL(12, 2)) AS monthly_fee_cny,
    r.dt,
    CASE
      WHEN r.port_id IS NULL OR r.port_id = ''
        OR r.msisdn_hash IS NULL OR r.msisdn_hash = ''
        OR r.province_code IS NULL OR r.donor_operator IS NULL OR r.recipient_operator IS NULL
        OR r.status IS NULL OR r.requested_at IS NULL OR r.updated_at IS NULL
        OR r.channel IS NULL OR r.tenure_months IS NULL
        OR r.plan_code IS NULL OR r.plan_code = '' OR r.monthly_fee_cny IS NULL
        -- a rejection without a reason: empty text holds no code, as in the optional code columns
        OR (r.status = 'rejected' AND (r.reject_reason IS NULL OR r.reject_reason = ''))
        THEN 'missing_key'
      WHEN r.province_code NOT IN ({{codes.provinces}})
        OR r.donor_operator NOT IN ({{codes.operators}})
        OR r.recipient_operator NOT IN ({{codes.operators}})
        OR r.status NOT IN ({{codes.statuses}})
        OR r.channel NOT IN ({{codes.request_channels}})
        OR (r.status = 'rejected' AND r.reject_reason NOT IN ({{codes.reject_reasons}}))
        -- a reason on a request that was not rejected is still a code (empty text holds none)
        OR (r.reject_reason <> '' AND r.reject_reason NOT IN ({{codes.reject_reasons}}))
        THEN 'unknown_code'
      WHEN (r.status = 'completed' AND r.completed_at IS NULL)
        OR r.completed_at < r.requested_at
        OR r.completed_at > r.requested_at + INTERVAL '7' DAY
        OR r.updated_at < r.requested_at
        -- the contract files a row under the Beijing date of its request, exactly: a row filed
        -- under another date carries a broken timestamp (or a broken loader), and the scans
        -- start at a period's first partition, so no tolerance would be applied evenly
        OR CAST(r.dt AS DATE) <> CAST(r.requested_at + INTERVAL '8' HOUR AS DATE)
        THEN 'malformed_timestamp'
      WHEN r.monthly_fee_cny < 0 OR r.tenure_months < 0
        THEN 'negative_value'
      WHEN r.donor_operator = r.recipient_operator
        THEN 'donor_equals_recipient'
    END AS quarantine_reason
  FROM port_requests r
  WHERE r.dt BETWEEN :requests_from_dt AND :requests_to_dt
)
