-- 1 when a leaver is overpaying, else 0: summed over the three months before the month they left,
-- they used under half of both the data and the voice allowance (the value mirror's rule, written
-- once for the raw-feed query, the curated rollup and the curated query). Over the usage columns
-- of the leaver's row, unqualified: each query reads them from one source.
CASE
  WHEN usage_months > 0
    AND data_used_mb * 2 < data_allowance_mb
    AND voice_used_min * 2 < voice_allowance_min
  THEN 1 ELSE 0
END
