-- Clean usage rows. A re-delivered copy (a row that repeats another in every column) is still
-- here: the joins that sum a leaver's usage keep one of each set of copies, after the join, where
-- there are few rows (DISTINCT over the whole usage doubled the raw value mirror's time).
(
  SELECT *
  FROM {{usage_monthly_checked}} c
  WHERE c.quarantine_reason IS NULL
)
