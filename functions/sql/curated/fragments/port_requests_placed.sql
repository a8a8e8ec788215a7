-- Every port_requests row of the read partitions (the targets and a day either side), with its
-- quarantine reason, its rank among the versions of its request filed in the same partition,
-- and whether the request is "spread": it has a version in a neighbouring partition. A clean
-- version is filed under its Beijing request date, so only a misfiled (quarantined) version
-- sits elsewhere, most often a day off; a spread request keeps every version in the curated
-- layer and is ranked by each report over its own scan window, as the raw-feed queries do.
-- A request that is not spread has its versions in one partition, so its current state
-- (rank 1) is the same whatever window reads it (docs/curated-layer.md: the one limit). Rows without a port_id are never a
-- request's state (they are quarantined as missing_key) and count only as rows read.
-- Ranking: the latest updated_at wins (data-contract.md); ties as in port_requests_versions.
(
  SELECT
    c.*,
    row_number() OVER (
      PARTITION BY c.port_id, c.dt
      ORDER BY
        c.updated_at DESC NULLS LAST,
        CASE WHEN c.quarantine_reason IS NULL THEN 0 ELSE 1 END DESC,
        CASE c.status WHEN 'completed' THEN 4 WHEN 'rejected' THEN 3 WHEN 'cancelled' THEN 2 ELSE 1 END DESC,
        c.completed_at DESC NULLS LAST
    ) AS version_rank,
    max(CASE WHEN c.quarantine_reason IS NULL THEN c.province_code END) OVER (PARTITION BY c.port_id, c.dt) AS clean_province_code,
    CASE
      WHEN c.port_id IS NULL OR c.port_id = '' THEN 0
      WHEN min(c.day_number) OVER (PARTITION BY c.port_id ORDER BY c.day_number RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) < c.day_number
        OR max(c.day_number) OVER (PARTITION BY c.port_id ORDER BY c.day_number RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) > c.day_number
        THEN 1
      ELSE 0
    END AS spread
  FROM (
    SELECT k.*, date_diff('day', DATE '1970-01-01', CAST(k.dt AS DATE)) AS day_number
    FROM {{port_requests_checked}} k
  ) c
)
