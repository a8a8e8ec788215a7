// Holding a report whose data is not ready, within its grace window.
import { describe, expect, it } from 'vitest';
import { decideReadiness } from '#core/readiness.ts';

const policy = { graceHours: 6, retryEveryMinutes: 60, whenGraceEnds: 'send-with-banner' as const };
const first = new Date('2019-12-02T00:30:00Z');
const hours = (n: number) => new Date(first.getTime() + n * 3_600_000);
const missing = ['port_requests/dt=2019-12-01'];

describe('readiness', () => {
  it('sends when every partition is ready', () => {
    expect(decideReadiness([], policy, { firstAttemptAt: first, now: first })).toEqual({ action: 'send' });
  });

  it('holds within the grace window and says when to try again', () => {
    expect(decideReadiness(missing, policy, { firstAttemptAt: first, now: hours(1) })).toEqual({
      action: 'hold',
      retryAt: hours(2),
      missing,
    });
    expect(decideReadiness(missing, policy, { firstAttemptAt: first, now: hours(5.5) })).toMatchObject({
      action: 'hold',
      retryAt: hours(6),
    });
  });

  it('sends with a banner or stays held when the window closes, per report definition', () => {
    expect(decideReadiness(missing, policy, { firstAttemptAt: first, now: hours(6) })).toEqual({
      action: 'send-with-banner',
      missing,
    });
    expect(
      decideReadiness(missing, { ...policy, whenGraceEnds: 'hold' }, { firstAttemptAt: first, now: hours(7) }),
    ).toEqual({ action: 'stay-held', missing });
  });

  it('stays held when the window closes on a period with no data at all, unless an operator allows it', () => {
    const timing = { firstAttemptAt: first, now: hours(6), periodWithoutData: true };
    expect(decideReadiness(missing, policy, timing)).toEqual({ action: 'stay-held', missing });
    expect(decideReadiness(missing, policy, { ...timing, allowIncomplete: true })).toMatchObject({
      action: 'send-with-banner',
    });
  });

  it('sends with a banner at once when an operator allows incomplete data', () => {
    expect(
      decideReadiness(missing, policy, { firstAttemptAt: first, now: first, allowIncomplete: true }),
    ).toMatchObject({ action: 'send-with-banner' });
  });
});
