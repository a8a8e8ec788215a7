-- The clean, current view of port requests: quarantined rows dropped, then the latest
-- updated_at per port_id wins. On a tie, the later status in the request's life wins.
(
  SELECT *
  FROM (
    SELECT
      c.*,
      row_number() OVER (
        PARTITION BY c.port_id
        ORDER BY
          c.updated_at DESC,
          CASE c.status WHEN 'completed' THEN 4 WHEN 'rejected' THEN 3 WHEN 'cancelled' THEN 2 ELSE 1 END DESC,
          c.completed_at DESC
      ) AS version_rank
    FROM {{port_requests_checked}} c
    WHERE c.quarantine_reason IS NULL
  ) versions
  WHERE versions.version_rank = 1
)
