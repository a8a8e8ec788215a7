-- Subscriber-base rows of the scanned months with their quarantine reason. A month folder may
-- hold a re-delivered file: copies that agree are one row (see subscriber_base_clean); rows of
-- one month, province and operator that disagree on the count are all quarantined, since
-- neither can be trusted over the other.
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
      WHEN b.lowest_count <> b.highest_count
        THEN 'conflicting_versions'
    END AS quarantine_reason,
    row_number() OVER (PARTITION BY b."month", b.province_code, b.operator_code, b.subscribers ORDER BY b.subscribers) AS copy_rank
  FROM (
    SELECT
      s.*,
      -- compared among the rows that pass the checks above, so a bad row never knocks out a good one
      min(CASE WHEN s.subscribers >= 0 THEN s.subscribers END) OVER (PARTITION BY s."month", s.province_code, s.operator_code) AS lowest_count,
      max(CASE WHEN s.subscribers >= 0 THEN s.subscribers END) OVER (PARTITION BY s."month", s.province_code, s.operator_code) AS highest_count
    FROM subscriber_base s
    WHERE s."month" BETWEEN :base_from_month AND :base_to_month
  ) b
)
