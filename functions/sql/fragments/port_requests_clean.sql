-- The clean, current view of port requests: each request's latest version (see
-- port_requests_versions), kept only when that version is clean. A request whose latest
-- version is quarantined is left out of every figure; data_quality counts it.
(
  SELECT *
  FROM {{port_requests_versions}} versions
  WHERE versions.version_rank = 1
    AND versions.quarantine_reason IS NULL
)
