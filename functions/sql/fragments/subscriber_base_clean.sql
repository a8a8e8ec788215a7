-- Clean subscriber-base rows, one per month, province and operator (a re-delivered copy that
-- agrees counts once).
(
  SELECT *
  FROM {{subscriber_base_checked}} c
  WHERE c.quarantine_reason IS NULL
    AND c.copy_rank = 1
)
