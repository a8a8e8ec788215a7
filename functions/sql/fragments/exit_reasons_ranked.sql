-- Exit-survey answers ranked within their response_id, the clean ones apart from the quarantined
-- (a re-delivered file repeats an answer): the clean answer of version_rank 1 is the one kept
-- (exit_answer_copy_order); the other clean ones are copies, which the data-quality line counts
-- as superseded. One ranking for both, so the data-quality line reads the answers once.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.response_id, c.quarantine_reason IS NULL
      ORDER BY {{exit_answer_copy_order}}
    ) AS version_rank
  FROM {{exit_reasons_checked}} c
)
