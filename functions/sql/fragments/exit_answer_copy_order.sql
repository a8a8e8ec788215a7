-- The order of the copies of one exit answer (alias c), the first being the one kept: the latest
-- collected_at; on a tie, the smallest codes (category, operator, province, channel, port_id) in
-- binary order, so that both engines keep the same answer.
c.collected_at DESC, c.category_code, c.operator_code, c.province_code, c.channel, c.port_id NULLS LAST
