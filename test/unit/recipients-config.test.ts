// The recipients configuration is checked as a set: an address twice in one audience (also
// when only its case differs) is refused with the file and the entry named.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#core/errors.ts';
import { parseRecipients } from '#core/recipients.ts';

const sample = () =>
  JSON.parse(readFileSync('config/recipients.json', 'utf8')) as { audiences: Record<string, { to: string[] }> };

describe('recipients configuration', () => {
  it('accepts the sample configuration', () => {
    expect(parseRecipients(sample(), 'config/recipients.json').audiences['44']!.to).toHaveLength(2);
  });

  it('refuses an address listed twice in one audience, naming the file and both entries', () => {
    const config = sample();
    config.audiences['44']!.to.push(config.audiences['44']!.to[0]!);

    expect(() => parseRecipients(config, 'config/recipients.json')).toThrow(ConfigurationError);
    expect(() => parseRecipients(config, 'config/recipients.json')).toThrow(
      'config/recipients.json: audiences.44.to[2]: branch-44-manager@example.com repeats audiences.44.to[0] (addresses compare without case): list each recipient once',
    );
  });

  it('refuses the same address differing only in case', () => {
    const config = sample();
    config.audiences['hq']!.to.push('Strategy-Office@Example.com');

    expect(() => parseRecipients(config, 'recipients.json')).toThrow(
      /^recipients\.json: audiences\.hq\.to\[2\]: Strategy-Office@Example\.com repeats audiences\.hq\.to\[1\]/,
    );
  });

  it('reads a group without a locale as Chinese, the default the README gives, and refuses another language', () => {
    const config = sample() as { audiences: Record<string, { to: string[]; locale?: string }> };
    delete config.audiences['44']!.locale;
    config.audiences['hq']!.locale = 'en';

    const parsed = parseRecipients(config, 'recipients.json');
    expect([parsed.audiences['44']!.locale, parsed.audiences['hq']!.locale]).toEqual(['zh-CN', 'en']);
    config.audiences['11']!.locale = 'fr';
    expect(() => parseRecipients(config, 'recipients.json')).toThrow(/audiences\.11\.locale/);
  });

  it('lets one address receive two audiences', () => {
    const config = sample();
    config.audiences['11']!.to.push('executive-office@example.com');

    expect(parseRecipients(config, 'recipients.json').audiences['11']!.to).toContain('executive-office@example.com');
  });
});
