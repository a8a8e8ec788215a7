-- Clean exit-survey answers ranked within their response_id (a re-delivered file repeats an
-- answer): version_rank = 1 is the answer kept (exit_answer_copy_order). The others are copies;
-- the data-quality line ranks them in the same order to count them as superseded.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.response_id
      ORDER BY {{exit_answer_copy_order}}
    ) AS version_rank
  FROM {{exit_reasons_checked}} c
  WHERE c.quarantine_reason IS NULL
)
