-- Clean exit-survey answers, one per response_id (a re-delivered file must not count twice):
-- the answer exit_reasons_ranked keeps.
(
  SELECT *
  FROM {{exit_reasons_ranked}} versions
  WHERE versions.quarantine_reason IS NULL AND versions.version_rank = 1
)
