// Who receives what: headquarters and each province code map to addresses and a locale.
// Validated on load: an unknown province code, a malformed address, an address outside the
// allowed domains, a province without recipients, or an address listed twice in one audience
// (compared without case) is an error that names the entry.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { provinces } from '#reference/index.ts';
import { ConfigurationError } from './errors.ts';
import type { Locale } from './report-model.ts';

const address = z.email({ message: 'not an email address' });
const audienceSchema = z.object({
  // Chinese unless a group asks for English (README, "Recipients").
  locale: z._default(z.enum(['zh-CN', 'en']), 'zh-CN'),
  to: z.array(address).check(z.minLength(1, 'needs at least one recipient')),
});
const recipientsSchema = z.object({
  from: z.string().check(z.minLength(3)),
  replyTo: z.optional(address),
  listId: z.string().check(z.regex(/^[a-z0-9.-]+$/)),
  allowedDomains: z.array(z.string().check(z.regex(/^[a-z0-9.-]+$/))).check(z.minLength(1)),
  audiences: z.record(z.string(), audienceSchema),
});

export type RecipientsConfig = z.infer<typeof recipientsSchema>;
export interface AudienceRecipients {
  readonly locale: Locale;
  readonly to: readonly string[];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(top level)'}: ${issue.message}`;
}

export function domainOf(emailAddress: string): string {
  return emailAddress.slice(emailAddress.lastIndexOf('@') + 1).toLowerCase();
}

/** The first address listed twice, compared without case (mailbox names are, in practice). */
function firstRepeat(addresses: readonly string[]): { index: number; first: number; address: string } | undefined {
  const seen = new Map<string, number>();
  for (const [index, address] of addresses.entries()) {
    const first = seen.get(address.toLowerCase());
    if (first !== undefined) return { index, first, address };
    seen.set(address.toLowerCase(), index);
  }
  return undefined;
}

export function parseRecipients(raw: unknown, source = 'recipients configuration'): RecipientsConfig {
  const parsed = recipientsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigurationError(`${source}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  const config = parsed.data;
  const provinceCodes = provinces.map((province) => province.code);
  const unknown = Object.keys(config.audiences).filter((key) => key !== 'hq' && !provinceCodes.includes(key));
  if (unknown.length > 0)
    throw new ConfigurationError(
      `${source}: audiences.${unknown[0]} is not a province code (GB/T 2260, e.g. 44) nor hq`,
    );
  const without = ['hq', ...provinceCodes].filter((key) => !config.audiences[key]);
  if (without.length > 0)
    throw new ConfigurationError(
      `${source}: no recipients for ${without.map((key) => (key === 'hq' ? 'hq' : `province ${key}`)).join(', ')}`,
    );
  for (const [key, audience] of Object.entries(config.audiences)) {
    const outside = audience.to.find((to) => !config.allowedDomains.includes(domainOf(to)));
    if (outside)
      throw new ConfigurationError(
        `${source}: audiences.${key}: ${outside} is outside the allowed domains (${config.allowedDomains.join(', ')})`,
      );
    const repeated = firstRepeat(audience.to);
    if (repeated) {
      throw new ConfigurationError(
        `${source}: audiences.${key}.to[${repeated.index}]: ${repeated.address} repeats audiences.${key}.to[${repeated.first}] (addresses compare without case): list each recipient once`,
      );
    }
  }
  return config;
}

export function recipientsOf(config: RecipientsConfig, audience: string): AudienceRecipients {
  const entry = config.audiences[audience];
  if (!entry) throw new ConfigurationError(`no recipients for audience ${audience}`);
  return entry;
}
