-- The clean exit answers of every read partition up to the targets whose response_id has a
-- clean answer in a target partition: one copy per response_id and partition (the raw feed's
-- rule of exit_reasons_clean.sql, applied within the partition), each with the group of the
-- same response's copy in the latest earlier partition, if any (previous_day, previous_*).
-- A clean answer is filed under its Beijing day of collection, so a later partition holds a
-- later copy: over any window of days the raw feed keeps the copy in the window's latest
-- partition, and each earlier copy in the window is superseded exactly once, by the next one.
(
  SELECT
    k.*,
    lag(k.day) OVER (PARTITION BY k.response_id ORDER BY k.dt) AS previous_day,
    lag(k.province_code) OVER (PARTITION BY k.response_id ORDER BY k.dt) AS previous_province_code,
    lag(k.operator_code) OVER (PARTITION BY k.response_id ORDER BY k.dt) AS previous_operator_code,
    lag(k.category_code) OVER (PARTITION BY k.response_id ORDER BY k.dt) AS previous_category_code
  FROM (
    SELECT
      c.response_id,
      c.province_code,
      c.operator_code,
      c.category_code,
      c.dt,
      CAST(CAST(c.collected_at + INTERVAL '8' HOUR AS DATE) AS VARCHAR) AS day,
      row_number() OVER (
        PARTITION BY c.response_id, c.dt
        ORDER BY {{exit_answer_copy_order}}
      ) AS copy_rank
    FROM {{exit_reasons_checked}} c
    WHERE c.quarantine_reason IS NULL
      AND c.response_id IN (
        SELECT t.response_id
        FROM {{exit_reasons_checked}} t
        WHERE t.dt BETWEEN :target_from_dt AND :target_to_dt AND t.quarantine_reason IS NULL
      )
  ) k
  WHERE k.copy_rank = 1
)
