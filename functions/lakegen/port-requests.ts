// A Beijing day of port requests: drafted by chance, then the completed ones receive their
// donor -> recipient pair from the quota, and each request becomes one or two feed rows
// (the status update rule: a pending row first, the final row later, latest updated_at wins).
import { compactDay } from './calendar.ts';
import type { FlowPair } from './market.ts';
import type { PairQuota } from './pair-quota.ts';
import { type PlanTier, planCode, planTierPicker } from './plans.ts';
import { chance, type Random, shuffle } from './prng.ts';
import {
  ANNOUNCED_PENDING_SHARE,
  provincePicker,
  rejectReasonPicker,
  requestChannelPicker,
  requestInstant,
  settlementDelay,
  statusPicker,
  tenureMonths,
} from './request-model.ts';
import type { SubscriberFactory } from './subscribers.ts';
import type { LakeRow } from './table-schemas.ts';
import type { WeightedPicker } from './weighted.ts';

export type RequestStatus = 'completed' | 'rejected' | 'cancelled' | 'pending';

export interface PortRequest {
  portId: string;
  msisdnHash: string;
  provinceCode: string;
  donor: string;
  recipient: string;
  status: RequestStatus;
  rejectReason: string | null;
  requestedAt: number;
  completedAt: number | null;
  updatedAt: number;
  channel: string;
  tenureMonths: number;
  plan: PlanTier;
  /** The feed delivered this request as pending before its final row. */
  announcedPending: boolean;
}

export interface RequestDayContext {
  readonly day: string;
  readonly dayStart: number;
  /** First instant after the range: anything settling later is still pending. */
  readonly rangeEnd: number;
  readonly random: Random;
  readonly quota: PairQuota;
  /** For requests that do not complete: their pair is drawn, not allotted. */
  readonly pairPicker: WeightedPicker<FlowPair>;
  readonly subscribers: SubscriberFactory;
  /** Port ids of the day are numbered from here on. */
  nextSequence: number;
}

export function nextPortId(context: RequestDayContext): string {
  return `MNP${compactDay(context.day)}${String(context.nextSequence++).padStart(7, '0')}`;
}

/** A request without its operators yet; settled (or still pending) as of the range end. */
function draftRequest(context: RequestDayContext, requestedAt: number): PortRequest {
  const { random } = context;
  const planned = statusPicker.pick(random);
  const settledAt = requestedAt + settlementDelay(random, planned);
  const settled = settledAt < context.rangeEnd;
  const status: RequestStatus = settled ? planned : 'pending';
  return {
    portId: '',
    msisdnHash: '',
    provinceCode: provincePicker.pick(random),
    donor: '',
    recipient: '',
    status,
    rejectReason: status === 'rejected' ? rejectReasonPicker.pick(random) : null,
    requestedAt,
    completedAt: status === 'completed' ? settledAt : null,
    updatedAt: settled ? settledAt : requestedAt,
    channel: requestChannelPicker.pick(random),
    tenureMonths: tenureMonths(random),
    plan: planTierPicker.pick(random),
    announcedPending: status === 'completed' && chance(random, ANNOUNCED_PENDING_SHARE),
  };
}

function assignParty(context: RequestDayContext, request: PortRequest, pair: FlowPair): void {
  request.donor = pair.donor;
  request.recipient = pair.recipient;
  request.msisdnHash = context.subscribers.nextHash(pair.donor);
}

/** The day's requests in time order, port ids following that order. */
export function draftDayRequests(context: RequestDayContext, count: number): PortRequest[] {
  const instants = Array.from({ length: count }, () => requestInstant(context.random, context.dayStart)).sort(
    (a, b) => a - b,
  );
  const requests = instants.map((instant) => draftRequest(context, instant));
  const completed = requests.filter((request) => request.status === 'completed');
  const pairs = shuffle(context.random, context.quota.take(completed.length));
  for (const [i, request] of completed.entries()) assignParty(context, request, pairs[i] as FlowPair);
  for (const request of requests) {
    if (request.status !== 'completed') assignParty(context, request, context.pairPicker.pick(context.random));
    request.portId = nextPortId(context);
  }
  return requests;
}

/** A clean completed request outside the quota: the raw material of a bad row. */
export function draftCompletedOutsideQuota(context: RequestDayContext): PortRequest {
  const { random } = context;
  const requestedAt = requestInstant(random, context.dayStart);
  const latest = Math.max(requestedAt + 1000, context.rangeEnd - 1000);
  const completedAt = Math.min(requestedAt + settlementDelay(random, 'completed'), latest);
  const request: PortRequest = {
    ...draftRequest(context, requestedAt),
    status: 'completed',
    rejectReason: null,
    completedAt,
    updatedAt: completedAt,
    announcedPending: false,
  };
  assignParty(context, request, context.pairPicker.pick(random));
  request.portId = nextPortId(context);
  return request;
}

export function portRequestRow(request: PortRequest): LakeRow {
  return {
    port_id: request.portId,
    msisdn_hash: request.msisdnHash,
    province_code: request.provinceCode,
    donor_operator: request.donor,
    recipient_operator: request.recipient,
    status: request.status,
    reject_reason: request.rejectReason,
    requested_at: request.requestedAt,
    completed_at: request.completedAt,
    channel: request.channel,
    tenure_months: request.tenureMonths,
    plan_code: planCode(request.donor, request.plan),
    monthly_fee_cny: request.plan.feeCny,
    updated_at: request.updatedAt,
  };
}

/** The feed rows of a request: an announced pending row (a few minutes in) before the final one. */
export function portRequestRows(request: PortRequest, random: Random): LakeRow[] {
  const final = portRequestRow(request);
  if (!request.announcedPending) return [final];
  const acceptedAt = request.requestedAt + (60 + Math.floor(random() * 1800)) * 1000;
  return [{ ...final, status: 'pending', completed_at: null, updated_at: acceptedAt }, final];
}
