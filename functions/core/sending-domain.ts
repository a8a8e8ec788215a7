// The sender of every briefing must lie in the SES sending domain: SES authorizes a send against
// the domain identity and the function's policy allows only `ses:FromAddress` in that domain, so
// a sender elsewhere would be refused at every send. Checked when Deliver loads the recipients
// file, when `cdk synth` reads the file to be uploaded, and by `mnp-briefings validate`, with an
// error naming both.
import { ConfigurationError } from './errors.ts';
import { domainOf } from './recipients.ts';

/** The address of a From header value: "Name <a@b>" or a bare "a@b". */
export function senderAddress(from: string): string {
  const bracketed = /<([^<>]+)>\s*$/.exec(from);
  return (bracketed ? bracketed[1]! : from).trim();
}

/** Exactly the sending domain, as the IAM condition `ses:FromAddress *@<domain>` allows (no subdomain). */
export function senderInDomain(from: string, sendingDomain: string): boolean {
  return domainOf(senderAddress(from)) === sendingDomain.toLowerCase();
}

export function assertSenderInDomain(from: string, sendingDomain: string, source: string): void {
  const address = senderAddress(from);
  const domain = sendingDomain.toLowerCase();
  if (!senderInDomain(from, sendingDomain)) {
    throw new ConfigurationError(
      `${source}: the sender ${address} is outside the SES sending domain ${domain}; ` +
        `set "from" to an address @${domain}, or deploy with the sender's domain (-c sesDomain=${domainOf(address)})`,
    );
  }
}
