-- The requests of the target partitions that are spread, as (port_id, dt): a request with a
-- version in another partition up to 7 days away (NEIGHBOUR_DAYS in core/curation.ts; see
-- port_requests_placed.sql). Only port_id and dt of the partitions a week either side are read.
-- A unit's curated rows depend on its neighbours through this set alone, so a unit whose set is
-- unchanged need not be rebuilt when a neighbour changes (docs/curated-layer.md, Freshness).
-- A join of the targets' rows against those of the partitions around them, not an ordered
-- window over every request of three weeks: spread requests are few, so is what the join keeps.
(
  SELECT DISTINCT t.port_id, t.dt
  FROM (
    SELECT r.port_id, r.dt, date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS day_number
    FROM port_requests r
    WHERE r.dt BETWEEN :target_from_dt AND :target_to_dt
      AND r.port_id IS NOT NULL AND r.port_id <> ''
  ) t
  JOIN (
    SELECT r.port_id, r.dt, date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS day_number
    FROM port_requests r
    WHERE r.dt BETWEEN :requests_from_dt AND :requests_to_dt
      AND r.port_id IS NOT NULL AND r.port_id <> ''
  ) n
    ON n.port_id = t.port_id
    AND n.dt <> t.dt
    AND n.day_number BETWEEN t.day_number - 7 AND t.day_number + 7
)
