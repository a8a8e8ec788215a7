-- The versions of spread requests in the query's scan window, ranked within the window as the
-- raw-feed queries rank every version (see port_requests_versions).
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.port_id
      ORDER BY {{port_request_version_order}}
    ) AS version_rank
  FROM port_requests_spread c
  WHERE c.dt BETWEEN :requests_from_dt AND :requests_to_dt
)
