-- The target request days whose spread requests are no longer those their curated partitions
-- hold (port_requests_spread): a neighbouring partition changed in a way that touches them. A
-- day not listed would be built again with the same rows (its rows depend on its neighbours
-- through this set alone), so the writer only renews its record.
-- Only the partitions changed_from_dt..changed_to_dt changed since the targets were built (any
-- unchanged ones in between change nothing below), so a target's set can differ in two ways:
-- a port_id it holds meets one in a changed partition up to 7 days away (NEIGHBOUR_DAYS) and was
-- not spread, or a port_id it held as spread has no version in another partition that near now.
-- Both are joins against small sides: no ordered window over every request of three weeks, and
-- no DISTINCT over the targets' rows: they probe the changed partitions' ids (a row without a
-- port_id meets none).
WITH target_rows AS (
  SELECT r.port_id, r.dt, date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS day_number
  FROM port_requests r
  WHERE r.dt BETWEEN :target_from_dt AND :target_to_dt
),
held AS (
  SELECT DISTINCT s.port_id, s.dt, date_diff('day', DATE '1970-01-01', CAST(s.dt AS DATE)) AS day_number
  FROM port_requests_spread s
  WHERE s.dt BETWEEN :target_from_dt AND :target_to_dt
),
changed_ids AS (
  SELECT DISTINCT r.port_id, r.dt, date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS day_number
  FROM port_requests r
  WHERE r.dt BETWEEN :changed_from_dt AND :changed_to_dt
    AND r.port_id IS NOT NULL AND r.port_id <> ''
),
nearby_ids AS (
  SELECT DISTINCT r.port_id, r.dt, date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS day_number
  FROM port_requests r
  WHERE r.dt BETWEEN :requests_from_dt AND :requests_to_dt
    AND r.port_id IN (SELECT h.port_id FROM held h)
)
SELECT t.dt
FROM target_rows t
JOIN changed_ids c
  ON c.port_id = t.port_id
  AND c.dt <> t.dt
  AND c.day_number BETWEEN t.day_number - 7 AND t.day_number + 7
LEFT JOIN held h
  ON h.port_id = t.port_id AND h.dt = t.dt
WHERE h.port_id IS NULL
UNION
SELECT h.dt
FROM held h
WHERE NOT EXISTS (
  SELECT 1
  FROM nearby_ids n
  WHERE n.port_id = h.port_id
    AND n.dt <> h.dt
    AND n.day_number BETWEEN h.day_number - 7 AND h.day_number + 7
)
