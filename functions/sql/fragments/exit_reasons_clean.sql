-- Clean exit-survey answers, one per response_id (a re-delivered file must not count twice).
(
  SELECT *
  FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.response_id ORDER BY c.collected_at DESC) AS version_rank
    FROM {{exit_reasons_checked}} c
    WHERE c.quarantine_reason IS NULL
  ) versions
  WHERE versions.version_rank = 1
)
