// Hand-made briefing models for the render tests: small enough to check by eye, with figures
// chosen so that each formats distinctly (a thousands separator, a negative net, a tiny rate).
import type { HqWeeklyBriefing, ProvinceMonthlyBriefing } from '#core/report-model.ts';
import { provinces } from '#reference/index.ts';

const quality = {
  rowsRead: 12_345,
  rowsUsed: 12_300,
  quarantinedTotal: 45,
  quarantined: [
    { reason: 'missing_key', count: 40 },
    { reason: 'unknown_code', count: 5 },
    { reason: 'malformed_timestamp', count: 0 },
    { reason: 'negative_value', count: 0 },
    { reason: 'donor_equals_recipient', count: 0 },
  ],
  supersededVersions: 7,
  latestQuarantined: 0,
  tables: [
    {
      table: 'port_requests',
      firstPartition: '2019-09-30',
      lastPartition: '2019-12-01',
      rowsRead: 10_000,
      quarantined: 44,
    },
    {
      table: 'exit_reasons',
      firstPartition: '2019-10-28',
      lastPartition: '2019-12-01',
      rowsRead: 2_345,
      quarantined: 1,
    },
  ],
  partitionsMissing: [],
};

/** A week of headquarters figures: three operators, two provinces, two trend weeks. */
export function smallHqModel(): HqWeeklyBriefing {
  return {
    report: 'hq-weekly',
    audience: 'hq',
    locale: 'zh-CN',
    generatedAt: '2019-12-02T00:30:00.000Z',
    homeOperator: 'CMCC',
    period: {
      id: '2019-W48',
      kind: 'week',
      start: '2019-11-25',
      end: '2019-12-01',
      timezone: 'Asia/Shanghai',
      startUtc: '2019-11-24T16:00:00Z',
      endUtc: '2019-12-01T16:00:00Z',
    },
    dataIncomplete: false,
    lakeStartsOn: null,
    headline: {
      net: -1_234,
      netChange: -210,
      portOuts: 5_678,
      portOutsChange: 0.12,
      portOutRate: 0.002,
      portOutRateChange: 0.0004,
      topCategory: { category: 'NETWORK', share: 0.576, shareChange: 0.025, tiedWith: [] },
    },
    flows: {
      totalCompleted: 9_876,
      home: {
        current: { portIns: 4_444, portOuts: 5_678, net: -1_234, subscriberBase: 2_839_000, portOutRate: 0.002 },
        previous: { portIns: 4_046, portOuts: 5_070, net: -1_024, subscriberBase: 3_168_750, portOutRate: 0.0016 },
        netChange: -210,
        portOutsChange: 0.12,
        portInsChange: 0.0984,
        portOutRateChange: 0.0004,
      },
      byOperator: [
        {
          operator: 'CMCC',
          portIns: 4_444,
          portOuts: 5_678,
          net: -1_234,
          shareOfPortIns: 0.45,
          shareOfPortOuts: 0.5749,
        },
        {
          operator: 'CUCC',
          portIns: 2_222,
          portOuts: 2_577,
          net: -355,
          shareOfPortIns: 0.225,
          shareOfPortOuts: 0.2609,
        },
        {
          operator: 'CTCC',
          portIns: 3_210,
          portOuts: 1_621,
          net: 1_589,
          shareOfPortIns: 0.325,
          shareOfPortOuts: 0.1641,
        },
      ],
      matrix: [
        { donor: 'CMCC', recipient: 'CUCC', ports: 1_900 },
        { donor: 'CMCC', recipient: 'CTCC', ports: 3_778 },
        { donor: 'CUCC', recipient: 'CMCC', ports: 2_555 },
        { donor: 'CUCC', recipient: 'CTCC', ports: 22 },
        { donor: 'CTCC', recipient: 'CMCC', ports: 1_889 },
        { donor: 'CTCC', recipient: 'CUCC', ports: 322 },
      ],
      byProvince: [
        {
          provinceCode: '44',
          portIns: 300,
          portOuts: 1_300,
          net: -1_000,
          previousNet: -700,
          netChange: -300,
          portOutRate: 0.0031,
        },
        {
          provinceCode: '11',
          portIns: 4_144,
          portOuts: 4_378,
          net: -234,
          previousNet: -324,
          netChange: 90,
          portOutRate: 0.0019,
        },
      ],
      attention: [
        { provinceCode: '44', reason: 'largest_net_decline', net: -1_000, netChange: -300 },
        { provinceCode: '11', reason: 'largest_net_outflow', net: -234, netChange: 90 },
        { provinceCode: '44', reason: 'largest_net_outflow', net: -1_000, netChange: -300 },
      ],
      trend: [
        {
          period: '2019-W47',
          totalCompleted: 8_555,
          portIns: 4_046,
          portOuts: 5_070,
          net: -1_024,
          subscriberBase: 3_168_750,
          portOutRate: 0.0016,
        },
        {
          period: '2019-W48',
          totalCompleted: 9_876,
          portIns: 4_444,
          portOuts: 5_678,
          net: -1_234,
          subscriberBase: 2_839_000,
          portOutRate: 0.002,
        },
      ],
    },
    dissatisfaction: {
      responses: 1_000,
      previousResponses: 3_980,
      categories: [
        { category: 'NETWORK', count: 576, share: 0.576, previousShare: 0.551, shareChange: 0.025 },
        { category: 'PRICE', count: 312, share: 0.312, previousShare: 0.339, shareChange: -0.027 },
        { category: 'CONTRACT', count: 112, share: 0.112, previousShare: 0.11, shareChange: 0.002 },
      ],
    },
    rejections: {
      requests: 7_000,
      pending: 0,
      previousPending: 0,
      rejected: 1_322,
      rate: 0.188857,
      previousRate: 0.1733,
      rateChange: 0.015557,
      reasons: [
        { reason: 'CONTRACT_ACTIVE', count: 901, share: 0.6815 },
        { reason: 'ARREARS', count: 421, share: 0.3185 },
      ],
    },
    valueMirror: {
      leavers: 5_678,
      leaversWithUsage: 4_990,
      overpaying: 1_747,
      overpayingShare: 0.3501,
      leaverAverageFeeCny: 128.5,
      joiners: 4_444,
      joinerAverageFeeCny: 96.25,
      plans: [
        {
          planCode: '4G-188',
          leavers: 1_210,
          withUsage: 1_100,
          overpaying: 803,
          overpayingShare: 0.73,
          averageFeeCny: 188,
        },
        {
          planCode: '<b>{{oops}}</b>',
          leavers: 96,
          withUsage: 90,
          overpaying: 33,
          overpayingShare: 0.3667,
          averageFeeCny: 58.8,
        },
      ],
    },
    dataQuality: structuredClone(quality),
  };
}

/** A week with empty bases: the shares, rates and changes the model leaves null. */
export function hqModelWithNulls(): HqWeeklyBriefing {
  const model = smallHqModel();
  model.headline = {
    ...model.headline,
    portOutsChange: null,
    portOutRate: null,
    portOutRateChange: null,
    topCategory: null,
  };
  model.flows.home = {
    ...model.flows.home,
    current: { ...model.flows.home.current, subscriberBase: null, portOutRate: null },
    portOutsChange: null,
    portOutRateChange: null,
  };
  model.valueMirror = { ...model.valueMirror, joiners: 0, joinerAverageFeeCny: null };
  return model;
}

const CATEGORY_CODES = [
  'NETWORK',
  'PRICE',
  'BILLING',
  'SERVICE',
  'CONTRACT',
  'OFFER',
  'BUNDLE',
  'RELATION',
  'RELOCATION',
  'OTHER',
];
const REASON_CODES = [
  'ARREARS',
  'CONTRACT_ACTIVE',
  'TENURE_TOO_SHORT',
  'REAL_NAME_MISMATCH',
  'NUMBER_SUSPENDED',
  'PENDING_DISPUTE',
  'OTHER',
];

/** A full-size week: every province, four operators, eight trend weeks, every category and reason. */
export function fullHqModel(): HqWeeklyBriefing {
  const model = smallHqModel();
  const operators = ['CMCC', 'CUCC', 'CTCC', 'CBN'];
  model.flows.byOperator = operators.map((operator, i) => ({
    operator,
    portIns: 10_000 + i * 1_111,
    portOuts: 9_000 + i * 777,
    net: 1_000 + i * 334,
    shareOfPortIns: 0.25 + i * 0.01,
    shareOfPortOuts: 0.24 - i * 0.01,
  }));
  model.flows.matrix = operators.flatMap((donor, d) =>
    operators.filter((r) => r !== donor).map((recipient, r) => ({ donor, recipient, ports: 1_000 * (d + 1) + r })),
  );
  model.flows.byProvince = provinces.map((province, i) => ({
    provinceCode: province.code,
    portIns: 1_000 + i,
    portOuts: 1_100 + 2 * i,
    net: -100 - i,
    previousNet: -90 - i,
    netChange: -10,
    portOutRate: 0.001 + i / 100_000,
  }));
  model.flows.trend = Array.from({ length: 8 }, (_, i) => ({
    period: `2019-W${41 + i}`,
    totalCompleted: 20_000 + i * 100,
    portIns: 4_000 + i * 10,
    portOuts: 5_000 + i * 20,
    net: -1_000 - i * 10,
    subscriberBase: 2_800_000 + i * 1_000,
    portOutRate: 0.0018 + i / 10_000,
  }));
  model.dissatisfaction.categories = CATEGORY_CODES.map((category, i) => ({
    category,
    count: 300 - i * 20,
    share: 0.19 - i * 0.01,
    previousShare: 0.18 - i * 0.01,
    shareChange: 0.01,
  }));
  model.rejections.reasons = REASON_CODES.map((reason, i) => ({ reason, count: 400 - i * 30, share: 0.2 - i * 0.02 }));
  model.valueMirror.plans = Array.from({ length: 5 }, (_, i) => ({
    planCode: `PLAN-${i}`,
    leavers: 900 - i,
    withUsage: 800 - i,
    overpaying: 500 - i,
    overpayingShare: 0.6 - i / 100,
    averageFeeCny: 100 + i,
  }));
  return model;
}

/** A month of Guangdong (44): its own figures beside national aggregates, and guidance. */
export function provinceModel(): ProvinceMonthlyBriefing {
  const hq = smallHqModel();
  return {
    report: 'province-monthly',
    audience: '44',
    provinceCode: '44',
    locale: 'zh-CN',
    generatedAt: '2019-12-03T01:00:00.000Z',
    homeOperator: 'CMCC',
    period: {
      id: '2019-11',
      kind: 'month',
      start: '2019-11-01',
      end: '2019-11-30',
      timezone: 'Asia/Shanghai',
      startUtc: '2019-10-31T16:00:00Z',
      endUtc: '2019-11-30T16:00:00Z',
    },
    dataIncomplete: false,
    lakeStartsOn: null,
    headline: {
      net: -2_345,
      netChange: -45,
      portOuts: 6_789,
      portOutsChange: -0.034,
      portOutRate: 0.0123,
      portOutRateChange: -0.0011,
      topCategory: { category: 'PRICE', share: 0.41, shareChange: 0.013, tiedWith: [] },
    },
    flows: {
      totalCompleted: 15_432,
      home: {
        current: { portIns: 4_444, portOuts: 6_789, net: -2_345, subscriberBase: 551_951, portOutRate: 0.0123 },
        previous: { portIns: 4_728, portOuts: 7_028, net: -2_300, subscriberBase: 523_692, portOutRate: 0.0134 },
        netChange: -45,
        portOutsChange: -0.034,
        portInsChange: -0.0601,
        portOutRateChange: -0.0011,
      },
      withOperators: [
        { operator: 'CUCC', portIns: 1_500, portOuts: 2_100, net: -600 },
        { operator: 'CTCC', portIns: 2_944, portOuts: 4_689, net: -1_745 },
      ],
      trend: [
        {
          period: '2019-10',
          totalCompleted: 14_001,
          portIns: 4_728,
          portOuts: 7_028,
          net: -2_300,
          subscriberBase: 523_692,
          portOutRate: 0.0134,
        },
        {
          period: '2019-11',
          totalCompleted: 15_432,
          portIns: 4_444,
          portOuts: 6_789,
          net: -2_345,
          subscriberBase: 551_951,
          portOutRate: 0.0123,
        },
      ],
    },
    dissatisfaction: {
      responses: 2_000,
      previousResponses: 1_900,
      categories: [
        {
          category: 'PRICE',
          count: 820,
          share: 0.41,
          previousShare: 0.397,
          shareChange: 0.013,
          nationalShare: 0.312,
          overIndex: 0.098,
        },
        {
          category: 'NETWORK',
          count: 700,
          share: 0.35,
          previousShare: 0.362,
          shareChange: -0.012,
          nationalShare: 0.576,
          overIndex: -0.226,
        },
        {
          category: 'SERVICE',
          count: 480,
          share: 0.24,
          previousShare: 0.241,
          shareChange: -0.001,
          nationalShare: 0.112,
          overIndex: 0.128,
        },
      ],
    },
    rejections: {
      requests: 8_100,
      pending: 0,
      previousPending: 0,
      rejected: 1_215,
      rate: 0.15,
      previousRate: 0.161,
      rateChange: -0.011,
      reasons: [
        { reason: 'CONTRACT_ACTIVE', count: 729, share: 0.6, nationalShare: 0.6815 },
        { reason: 'TENURE_TOO_SHORT', count: 486, share: 0.4, nationalShare: 0.0412 },
      ],
    },
    valueMirror: {
      ...hq.valueMirror,
      leavers: 6_789,
      leaversWithUsage: 6_001,
      overpaying: 2_222,
      overpayingShare: 0.3703,
    },
    guidance: [
      {
        category: 'PRICE',
        reasons: ['over_index', 'top_category'],
        title: '资费水平',
        why: '离网用户认为套餐价格偏高。',
        actions: ['核对高套餐低使用的用户，主动推荐更合适的套餐。', '在营业厅公示套餐对比。'],
      },
      {
        category: 'SERVICE',
        reasons: ['over_index'],
        title: '服务与办理',
        why: '营业厅与客服热线的办理体验有待改进。',
        actions: ['复盘投诉工单，缩短办理时长。'],
      },
    ],
    dataQuality: structuredClone(quality),
  };
}
