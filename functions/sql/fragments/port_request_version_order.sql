-- The order of a request's versions (alias c), the first being its current state: the latest
-- updated_at wins (data-contract.md); a version without updated_at cannot be placed in time and
-- ranks last. Ties on updated_at: a quarantined version first (the state is then unknown), then
-- the later status in the request's life, the later completion, then the smallest codes and
-- values, column by column (byte order of ASCII codes, as on every engine), so that versions
-- that differ in anything a figure reads give the same state on every read, whatever their order
-- in the files. These are the columns port_requests_spread keeps; a ranking over whole raw rows
-- goes on with channel, tenure_months and msisdn_hash (port_requests_versions, _placed).
c.updated_at DESC NULLS LAST,
CASE WHEN c.quarantine_reason IS NULL THEN 0 ELSE 1 END DESC,
CASE c.status WHEN 'completed' THEN 4 WHEN 'rejected' THEN 3 WHEN 'cancelled' THEN 2 ELSE 1 END DESC,
c.completed_at DESC NULLS LAST,
c.province_code NULLS LAST,
c.donor_operator NULLS LAST,
c.recipient_operator NULLS LAST,
c.status NULLS LAST,
c.reject_reason NULLS LAST,
c.requested_at NULLS LAST,
c.plan_code NULLS LAST,
c.monthly_fee_cny NULLS LAST
