// Generates one Beijing day of the lake: the day's port requests (with their status updates),
// the exit answers and usage history of those leavers, and the day's share of bad rows. The
// run state carries what must run on across days: the pair quotas, the subscriber counter and
// the bad-row schedules.

import {
  BadRowSchedule,
  type BadRowTally,
  EXIT_REASON_CORRUPTIONS,
  PORT_REQUEST_CORRUPTIONS,
  USAGE_CORRUPTIONS,
} from './bad-rows.ts';
import { dayDifference, dayStartUtc, monthOf } from './calendar.ts';
import { type ExitDayContext, exitAnswer, exitAnswersFor } from './exit-reasons.ts';
import type { LakeWriter } from './lake-writer.ts';
import { type FlowPair, flowsForMonth } from './market.ts';
import { PairQuota } from './pair-quota.ts';
import {
  draftCompletedOutsideQuota,
  draftDayRequests,
  type PortRequest,
  portRequestRow,
  portRequestRows,
  type RequestDayContext,
} from './port-requests.ts';
import { createRandom, labelSeed, mixSeed, type Random } from './prng.ts';
import { SubscriberFactory } from './subscribers.ts';
import { type UsageRecord, usageMonthsBefore, usageRecordsFor } from './usage.ts';
import { requestsForDay } from './volume.ts';
import { type WeightedPicker, weightedPicker } from './weighted.ts';

interface FlowEra {
  readonly quota: PairQuota;
  readonly pairPicker: WeightedPicker<FlowPair>;
}

export class GenerationRun {
  readonly subscribers: SubscriberFactory;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  completedPorts = 0;
  requests = 0;
  private readonly eras = new Map<readonly FlowPair[], FlowEra>();
  private readonly cleanRows = { port_requests: 0, exit_reasons: 0, usage_monthly: 0 };
  private readonly schedules;

  constructor(
    readonly seed: number,
    readonly scale: number,
    from: string,
    to: string,
    readonly tally: BadRowTally,
  ) {
    this.subscribers = new SubscriberFactory(seed);
    this.rangeStart = dayStartUtc(from);
    this.rangeEnd = dayStartUtc(to) + 24 * 3_600_000;
    this.schedules = {
      port_requests: new BadRowSchedule(PORT_REQUEST_CORRUPTIONS, tally),
      exit_reasons: new BadRowSchedule(EXIT_REASON_CORRUPTIONS, tally),
      usage_monthly: new BadRowSchedule(USAGE_CORRUPTIONS, tally),
    };
  }

  /** One quota per flow matrix: China Broadnet's arrival starts a new one. */
  era(month: string): FlowEra {
    const flows = flowsForMonth(month);
    let era = this.eras.get(flows);
    if (!era) {
      era = {
        quota: new PairQuota(flows),
        pairPicker: weightedPicker(flows.map((pair) => [pair, pair.fraction] as const)),
      };
      this.eras.set(flows, era);
    }
    return era;
  }

  /** Independent streams per day and purpose: changing one model leaves the others' rows alone. */
  random(day: string, purpose: string): Random {
    return createRandom(mixSeed(this.seed, dayDifference('1970-01-01', day), labelSeed(purpose)));
  }

  generateDay(day: string, writer: LakeWriter): void {
    const requests = this.writeRequests(day, writer);
    if (requests.length === 0) return;
    this.writeExitAnswers(day, requests, writer);
    this.writeUsage(day, requests, writer);
  }

  private writeRequests(day: string, writer: LakeWriter): PortRequest[] {
    const era = this.era(monthOf(day));
    const context: RequestDayContext = {
      day,
      dayStart: dayStartUtc(day),
      rangeEnd: this.rangeEnd,
      random: this.random(day, 'requests'),
      quota: era.quota,
      pairPicker: era.pairPicker,
      subscribers: this.subscribers,
      nextSequence: 1,
    };
    const requests = draftDayRequests(context, requestsForDay(day, this.scale, context.random));
    for (const request of requests) {
      for (const row of portRequestRows(request, context.random)) writer.append('port_requests', day, row);
      this.cleanRows.port_requests += request.announcedPending ? 2 : 1;
      if (request.status === 'completed') this.completedPorts++;
    }
    this.requests += requests.length;
    for (const corruption of this.schedules.port_requests.due(this.cleanRows.port_requests)) {
      writer.append('port_requests', day, corruption.apply(portRequestRow(draftCompletedOutsideQuota(context))));
    }
    return requests;
  }

  private writeExitAnswers(day: string, requests: readonly PortRequest[], writer: LakeWriter): void {
    const context: ExitDayContext = {
      day,
      random: this.random(day, 'exits'),
      rangeStart: this.rangeStart,
      nextSequence: 1,
    };
    for (const request of requests) {
      for (const answer of exitAnswersFor(context, request)) {
        writer.append('exit_reasons', answer.dt, answer.row);
        this.cleanRows.exit_reasons++;
      }
    }
    for (const corruption of this.schedules.exit_reasons.due(this.cleanRows.exit_reasons)) {
      const answer = exitAnswer(context, pickOne(context.random, requests));
      writer.append('exit_reasons', answer.dt, corruption.apply(answer.row));
    }
  }

  private writeUsage(day: string, requests: readonly PortRequest[], writer: LakeWriter): void {
    const random = this.random(day, 'usage');
    const months = usageMonthsBefore(monthOf(day));
    const records: UsageRecord[] = [];
    for (const request of requests) {
      for (const record of usageRecordsFor(random, request, months)) {
        writer.append('usage_monthly', record.month, record.row);
        records.push(record);
      }
    }
    this.cleanRows.usage_monthly += records.length;
    for (const corruption of this.schedules.usage_monthly.due(this.cleanRows.usage_monthly)) {
      const record = pickOne(random, records);
      writer.append('usage_monthly', record.month, corruption.apply(record.row));
    }
  }
}

function pickOne<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
