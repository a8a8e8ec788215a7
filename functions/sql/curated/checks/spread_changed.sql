-- The target request days whose spread requests are no longer those their curated partitions
-- hold (port_requests_spread): a neighbouring partition changed in a way that touches them. A
-- day not listed would be built again with the same rows (its rows depend on its neighbours
-- through this set alone), so the writer only renews its record.
SELECT DISTINCT coalesce(now_spread.dt, held.dt) AS dt
FROM {{port_requests_spread_keys}} now_spread
FULL OUTER JOIN (
  SELECT DISTINCT s.port_id, s.dt
  FROM port_requests_spread s
  WHERE s.dt BETWEEN :target_from_dt AND :target_to_dt
) held
  ON held.port_id = now_spread.port_id AND held.dt = now_spread.dt
WHERE now_spread.port_id IS NULL OR held.port_id IS NULL
