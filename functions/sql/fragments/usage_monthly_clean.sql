-- Clean usage rows, a re-delivered copy counted once: rows that agree in every column are one
-- row (data-contract.md: one row per subscriber and month). Rows that differ are all kept.
(
  SELECT DISTINCT c.*
  FROM {{usage_monthly_checked}} c
  WHERE c.quarantine_reason IS NULL
)
