-- Every port_requests row of the scanned partitions, clean or quarantined, ranked within its
-- port_id: version_rank = 1 is the request's current state (data-contract.md: the latest
-- updated_at wins). Quarantined versions take part, so a bad latest version is not skipped in
-- favour of an older clean one. Order and ties: port_request_version_order.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.port_id
      ORDER BY {{port_request_version_order}},
        c.channel NULLS LAST, c.tenure_months NULLS LAST, c.msisdn_hash NULLS LAST
    ) AS version_rank
  FROM {{port_requests_checked}} c
)
