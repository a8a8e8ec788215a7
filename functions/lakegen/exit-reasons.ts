// Exit-survey answers for port requests: about 60 % of leavers answer once (some twice), in the
// two days before their request, through a retention call, SMS survey, app or store form.
import { categoryByCode, channels } from '#reference/index.ts';
import { beijingDay, compactDay, DAY_MS } from './calendar.ts';
import { categoryPickers } from './exit-mix.ts';
import type { PortRequest } from './port-requests.ts';
import { chance, type Random } from './prng.ts';
import type { LakeRow } from './table-schemas.ts';
import { verbatimFor } from './verbatims.ts';
import { weightedPicker, weightsForCodes } from './weighted.ts';

const ANSWER_SHARE = 0.6;
const SECOND_ANSWER_SHARE = 0.15;
/** Some answers cannot be matched to a request (a store form without the request number). */
const UNLINKED_SHARE = 0.1;
const SUBCATEGORY_SHARE = 0.8;
const VERBATIM_SHARE = 0.55;
const COLLECTION_WINDOW_MS = 2 * DAY_MS;

const exitChannelPicker = weightedPicker(
  weightsForCodes(channels.exit_reasons, { call: 0.4, sms: 0.3, app: 0.2, store: 0.1 }),
);

export interface ExitAnswer {
  /** The Beijing date of collected_at: the partition. */
  readonly dt: string;
  readonly row: LakeRow;
}

export interface ExitDayContext {
  readonly day: string;
  readonly random: Random;
  /** Answers are never dated before the range starts. */
  readonly rangeStart: number;
  nextSequence: number;
}

export function nextResponseId(context: ExitDayContext): string {
  return `ER${compactDay(context.day)}${String(context.nextSequence++).padStart(7, '0')}`;
}

function pickSubcategory(random: Random, categoryCode: string): string | null {
  const subcategories = categoryByCode.get(categoryCode)?.subcategories ?? [];
  if (subcategories.length === 0 || !chance(random, SUBCATEGORY_SHARE)) return null;
  return subcategories[Math.floor(random() * subcategories.length)]?.code ?? null;
}

function collectedAt(random: Random, request: PortRequest, rangeStart: number): number {
  const earliest = Math.max(rangeStart, request.requestedAt - COLLECTION_WINDOW_MS);
  return earliest + Math.floor((random() * (request.requestedAt - earliest)) / 1000) * 1000;
}

export function exitAnswer(context: ExitDayContext, request: PortRequest): ExitAnswer {
  const { random } = context;
  const category = categoryPickers.get(request.provinceCode)?.pick(random) ?? 'OTHER';
  const subcategory = pickSubcategory(random, category);
  const collected = collectedAt(random, request, context.rangeStart);
  const row: LakeRow = {
    response_id: nextResponseId(context),
    port_id: chance(random, UNLINKED_SHARE) ? null : request.portId,
    msisdn_hash: request.msisdnHash,
    province_code: request.provinceCode,
    operator_code: request.donor,
    category_code: category,
    subcategory_code: subcategory,
    collected_at: collected,
    channel: exitChannelPicker.pick(random),
    verbatim: chance(random, VERBATIM_SHARE) ? verbatimFor(category, subcategory, Math.floor(random() * 1000)) : null,
  };
  return { dt: beijingDay(collected), row };
}

/** None, one or two answers for a request. */
export function exitAnswersFor(context: ExitDayContext, request: PortRequest): ExitAnswer[] {
  if (!chance(context.random, ANSWER_SHARE)) return [];
  const count = chance(context.random, SECOND_ANSWER_SHARE) ? 2 : 1;
  return Array.from({ length: count }, () => exitAnswer(context, request));
}
