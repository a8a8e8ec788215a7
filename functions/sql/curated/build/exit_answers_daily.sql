-- Curated table exit_answers_daily (partitioned by dt, as the raw table): the partition's clean
-- exit answers, one per response_id, per Beijing day of collection, province, operator left and
-- category. A response re-delivered on a later day counts here in both partitions; the later
-- partition's exit_answers_superseded row takes the earlier copy back out.
SELECT a.day, a.province_code, a.operator_code, a.category_code, count(*) AS responses, a.dt
FROM {{exit_answers_chained}} a
WHERE a.dt BETWEEN :target_from_dt AND :target_to_dt
GROUP BY a.day, a.province_code, a.operator_code, a.category_code, a.dt
