-- The versions of spread requests in the query's scan window, ranked within the window as the
-- raw-feed queries rank every version (see port_requests_versions).
(
  SELECT
    s.*,
    row_number() OVER (
      PARTITION BY s.port_id
      ORDER BY
        s.updated_at DESC NULLS LAST,
        CASE WHEN s.quarantine_reason IS NULL THEN 0 ELSE 1 END DESC,
        CASE s.status WHEN 'completed' THEN 4 WHEN 'rejected' THEN 3 WHEN 'cancelled' THEN 2 ELSE 1 END DESC,
        s.completed_at DESC NULLS LAST
    ) AS version_rank
  FROM port_requests_spread s
  WHERE s.dt BETWEEN :requests_from_dt AND :requests_to_dt
)
