// Short synthetic Chinese sentences for the verbatim column: invented for the lake, never taken
// from real subscribers, and free of anything personal. Keyed by subcategory when one fits.
const BY_CODE: Readonly<Record<string, readonly string[]>> = {
  NETWORK_INDOOR: ['家里室内信号太弱，打电话经常听不清。', '办公室里几乎没有信号。'],
  NETWORK_DATA_SPEED: ['上网速度太慢了，视频总是卡。', '晚上高峰期网速特别慢。'],
  NETWORK_CALL_DROP: ['开车时通话总是掉线。', '打电话经常突然断掉。'],
  NETWORK: ['信号不好，用着很不方便。', '老家那边没有信号。'],
  PRICE_TOO_HIGH: ['套餐太贵了，用不了这么多。', '每个月话费太高。'],
  PRICE_DATA_OVERAGE: ['流量超出后收费太高。', '超出套餐的流量太贵。'],
  PRICE: ['同样的钱别家给的更多。', '资费没有优势。'],
  BILLING_VALUE_ADDED: ['莫名其妙扣了增值业务的费用。', '没订过的业务也在扣钱。'],
  BILLING_UNCLEAR: ['账单看不明白，每月费用都不一样。', '扣费说不清楚。'],
  BILLING: ['扣费问题投诉了也没解决。'],
  SERVICE_STORE: ['营业厅排队太久，态度也不好。', '办业务跑了好几趟还没办好。'],
  SERVICE_HOTLINE: ['打客服热线半天没人接。', '客服总是让我等回复。'],
  SERVICE: ['服务太差了。'],
  CONTRACT_LOCK_IN: ['合约期太长，想换套餐都不行。', '合约还没到期，限制太多。'],
  CONTRACT_UNCLEAR_TERMS: ['签约时没说清楚违约条款。', '协议条款和当初说的不一样。'],
  CONTRACT: ['协议里的限制太多了。'],
  OFFER: ['别家送了流量和话费。', '另一家给的新用户优惠力度更大。'],
  BUNDLE: ['家里宽带是别家的，想合在一起。', '全家都用另一家的融合套餐。'],
  RELATION: ['家里人都换了，亲情号互打免费。', '单位统一办理了别家的号码。'],
  RELOCATION: ['搬家了，新住处信号不好。', '到外地工作了。'],
  OTHER: ['想换一家试试。', '没什么特别原因。'],
};

const GENERIC = ['不想多说。'] as const;

/** A sentence for the answer, chosen by `index` (a random integer). */
export function verbatimFor(categoryCode: string, subcategoryCode: string | null, index: number): string {
  const bank = (subcategoryCode ? BY_CODE[subcategoryCode] : undefined) ?? BY_CODE[categoryCode] ?? GENERIC;
  return bank[index % bank.length] as string;
}
