-- Clean exit-survey answers ranked within their response_id (a re-delivered file repeats an
-- answer): version_rank = 1 is the answer kept, the latest collected_at; on a tie, the smallest
-- codes (category, operator, province, channel, port_id) in binary order, so that both engines
-- keep the same answer. The others are copies, counted as superseded by the data-quality line.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.response_id
      ORDER BY c.collected_at DESC, c.category_code, c.operator_code, c.province_code, c.channel, c.port_id NULLS LAST
    ) AS version_rank
  FROM {{exit_reasons_checked}} c
  WHERE c.quarantine_reason IS NULL
)
