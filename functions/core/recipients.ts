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

/** Every address listed again after its first listing, compared without case (mailbox names are, in practice). */
function repeats(addresses: readonly string[]): { index: number; first: number; address: string }[] {
  const seen = new Map<string, number>();
  const found: { index: number; first: number; address: string }[] = [];
  for (const [index, address] of addresses.entries()) {
    const first = seen.get(address.toLowerCase());
    if (first !== undefined) found.push({ index, first, address });
    else seen.set(address.toLowerCase(), index);
  }
  return found;
}

/** What the checks across entries read, taken leniently so that they run beside the schema's own issues. */
const listsSchema = z.object({
  allowedDomains: z.array(z.string()),
  audiences: z.record(z.string(), z.object({ to: z.array(z.string()) })),
});

function listProblems(lists: z.infer<typeof listsSchema>): string[] {
  const problems: string[] = [];
  const provinceCodes = provinces.map((province) => province.code);
  for (const key of Object.keys(lists.audiences))
    if (key !== 'hq' && !provinceCodes.includes(key))
      problems.push(`audiences.${key} is not a province code (GB/T 2260, e.g. 44) nor hq`);
  const without = ['hq', ...provinceCodes].filter((key) => !lists.audiences[key]);
  if (without.length > 0)
    problems.push(`no recipients for ${without.map((key) => (key === 'hq' ? 'hq' : `province ${key}`)).join(', ')}`);
  for (const [key, audience] of Object.entries(lists.audiences)) {
    for (const outside of audience.to.filter((to) => !lists.allowedDomains.includes(domainOf(to))))
      problems.push(`audiences.${key}: ${outside} is outside the allowed domains (${lists.allowedDomains.join(', ')})`);
    for (const repeated of repeats(audience.to))
      problems.push(
        `audiences.${key}.to[${repeated.index}]: ${repeated.address} repeats audiences.${key}.to[${repeated.first}] (addresses compare without case): list each recipient once`,
      );
  }
  // A branch sees its own province only: one address in two provinces' audiences would get both
  // provinces' guidance (headquarters may also be a province's reader: it sees every province).
  const provinceOf = new Map<string, string>();
  for (const [key, audience] of Object.entries(lists.audiences)) {
    if (key === 'hq') continue;
    for (const [index, to] of audience.to.entries()) {
      const other = provinceOf.get(to.toLowerCase());
      if (other !== undefined && other !== key)
        problems.push(
          `audiences.${key}.to[${index}]: ${to} is also a reader of province ${other}: a branch reads its own province's guidance only`,
        );
      else provinceOf.set(to.toLowerCase(), key);
    }
  }
  return problems;
}

/** A recipients configuration and every problem in it, each naming its entry; the config only when there is none. */
export function checkRecipients(raw: unknown): { config?: RecipientsConfig; problems: string[] } {
  const parsed = recipientsSchema.safeParse(raw);
  const lists = listsSchema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map(describeIssue)),
    ...(lists.success ? listProblems(lists.data) : []),
  ];
  return parsed.success && problems.length === 0 ? { config: parsed.data, problems } : { problems };
}

export function parseRecipients(raw: unknown, source = 'recipients configuration'): RecipientsConfig {
  const { config, problems } = checkRecipients(raw);
  if (!config) throw new ConfigurationError(`${source}: ${problems.join('; ')}`);
  return config;
}

export function recipientsOf(config: RecipientsConfig, audience: string): AudienceRecipients {
  const entry = config.audiences[audience];
  if (!entry) throw new ConfigurationError(`no recipients for audience ${audience}`);
  return entry;
}
