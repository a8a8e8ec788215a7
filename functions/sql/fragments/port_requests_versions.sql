-- Every port_requests row of the scanned partitions, clean or quarantined, ranked within its
-- port_id: version_rank = 1 is the request's current state (data-contract.md: the latest
-- updated_at wins). Quarantined versions take part, so a bad latest version is not skipped in
-- favour of an older clean one. Ties on updated_at: a quarantined version first (the state
-- is then unknown), then the later status in the request's life. A version without
-- updated_at cannot be placed in time and ranks last.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.port_id
      ORDER BY
        c.updated_at DESC NULLS LAST,
        CASE WHEN c.quarantine_reason IS NULL THEN 0 ELSE 1 END DESC,
        CASE c.status WHEN 'completed' THEN 4 WHEN 'rejected' THEN 3 WHEN 'cancelled' THEN 2 ELSE 1 END DESC,
        c.completed_at DESC NULLS LAST
    ) AS version_rank
  FROM {{port_requests_checked}} c
)
