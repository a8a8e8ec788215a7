-- The requests of the target partitions that are spread, as (port_id, dt): a request with a
-- version in another partition up to 7 days away (NEIGHBOUR_DAYS in core/curation.ts; see
-- port_requests_placed.sql). Only port_id and dt of the partitions a week either side are read.
-- A unit's curated rows depend on its neighbours through this set alone, so a unit whose set is
-- unchanged need not be rebuilt when a neighbour changes (docs/curated-layer.md, Freshness).
(
  SELECT n.port_id, n.dt
  FROM (
    SELECT
      d.port_id,
      d.dt,
      d.day_number,
      min(d.day_number) OVER (PARTITION BY d.port_id ORDER BY d.day_number RANGE BETWEEN 7 PRECEDING AND 7 FOLLOWING) AS first_near,
      max(d.day_number) OVER (PARTITION BY d.port_id ORDER BY d.day_number RANGE BETWEEN 7 PRECEDING AND 7 FOLLOWING) AS last_near
    FROM (
      SELECT DISTINCT r.port_id, r.dt, date_diff('day', DATE '1970-01-01', CAST(r.dt AS DATE)) AS day_number
      FROM port_requests r
      WHERE r.dt BETWEEN :requests_from_dt AND :requests_to_dt
        AND r.port_id IS NOT NULL AND r.port_id <> ''
    ) d
  ) n
  WHERE n.dt BETWEEN :target_from_dt AND :target_to_dt
    AND (n.first_near < n.day_number OR n.last_near > n.day_number)
)
