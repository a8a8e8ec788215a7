// A transport held to a rate (p-throttle): SES accounts have a maximum send rate, SMTP relays
// their own limits. One throttle is shared by every audience of a run, so the rate holds for
// the run as a whole; retries pass through it too (the delivery awaits ready() before each send).
import pThrottle from 'p-throttle';
import type { MailTransport, OutgoingMail } from '#core/delivery-ports.ts';

export function throttledTransport(inner: MailTransport, perSecond: number): MailTransport {
  if (!(perSecond > 0)) throw new RangeError(`a send rate must be above 0 per second, not ${perSecond}`);
  // Below one per second: one message per 1/rate seconds.
  const limits =
    perSecond >= 1
      ? { limit: Math.floor(perSecond), interval: 1000 }
      : { limit: 1, interval: Math.ceil(1000 / perSecond) };
  // The throttle hands out slots; the delivery awaits one (ready) before it marks a claim handed
  // over, so a message still waiting for its turn when a run stops counts as not sent.
  const slot = pThrottle({ ...limits, strict: true })(() => undefined);
  return {
    name: inner.name,
    ready: async () => {
      await slot();
    },
    send: (mail: OutgoingMail) => inner.send(mail),
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
}
