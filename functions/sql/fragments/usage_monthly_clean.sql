-- Clean usage rows.
(
  SELECT *
  FROM {{usage_monthly_checked}} c
  WHERE c.quarantine_reason IS NULL
)
