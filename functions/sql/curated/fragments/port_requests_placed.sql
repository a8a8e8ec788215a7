-- Every port_requests row of the target partitions, with its quarantine reason, its rank among
-- the versions of its request filed in the same partition, and whether the request is "spread":
-- it has a version in another partition up to 7 days away (NEIGHBOUR_DAYS in core/curation.ts).
-- A clean version is filed under its request's Beijing date, so only a misfiled (quarantined)
-- version sits elsewhere: most often a day off (a UTC date), or up to the 7 days in which a
-- request is decided (a loader filing a status update by its own date). A spread request keeps
-- every version in the curated layer and is ranked by each report over its own scan window, as
-- the raw-feed queries do. A request that is not spread has its versions in one partition, so
-- its current state (rank 1) is the same whatever window reads it (docs/curated-layer.md: the
-- one limit). Rows without a port_id are never a request's state (they are quarantined as
-- missing_key) and count only as rows read. Only port_id and dt of the neighbouring partitions
-- are read: what makes a request spread, not its rows.
-- Ranking: port_request_version_order, over whole rows as in port_requests_versions.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.port_id, c.dt
      ORDER BY {{port_request_version_order}},
        c.channel NULLS LAST, c.tenure_months NULLS LAST, c.msisdn_hash NULLS LAST
    ) AS version_rank,
    max(CASE WHEN c.quarantine_reason IS NULL THEN c.province_code END) OVER (PARTITION BY c.port_id, c.dt) AS clean_province_code,
    CASE WHEN s.port_id IS NULL THEN 0 ELSE 1 END AS spread
  FROM {{port_requests_checked}} c
  LEFT JOIN {{port_requests_spread_keys}} s
    ON s.port_id = c.port_id AND s.dt = c.dt
  WHERE c.dt BETWEEN :target_from_dt AND :target_to_dt
)
