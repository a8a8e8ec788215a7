// The reader's language: the locale files hold every word a briefing shows, and reference data
// holds the zh/en names of operators, provinces, categories and reject reasons. Lookups fail
// loudly on a missing key so that a typo in a template never ships an empty heading.

import type { Locale } from '#core/report-model.ts';
import { categoryByCode, operatorByCode, provinceByCode, rejectReasonByCode } from '#reference/index.ts';
import en from '#templates/locales/en.json' with { type: 'json' };
import zhCN from '#templates/locales/zh-CN.json' with { type: 'json' };

export type Messages = typeof zhCN;
export type MessageParams = Readonly<Record<string, string | number>>;

// Typing en as Messages makes tsc reject an English file that lacks a Chinese key; the
// locale test checks the other direction.
const catalogues: Readonly<Record<Locale, Messages>> = { 'zh-CN': zhCN, en: en satisfies Messages };

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export function messagesOf(locale: Locale): Messages {
  return catalogues[locale];
}

/** The Intl tag: British English gives "25 Nov 2019", the date order the briefings use. */
export function intlTagOf(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : 'zh-CN';
}

// Keys found, per catalogue: a briefing looks the same few hundred keys up many times over.
const found = new WeakMap<object, Map<string, string>>();

function lookup(messages: object, key: string): string {
  let known = found.get(messages);
  if (!known) {
    known = new Map();
    found.set(messages, known);
  }
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const message = walk(messages, key);
  known.set(key, message);
  return message;
}

function walk(messages: object, key: string): string {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== 'string') throw new Error(`locale key "${key}" is missing or not a string`);
  return node;
}

/** Fills {name} placeholders in one pass, so a value that itself holds braces stays as it is. */
export function interpolate(pattern: string, params: MessageParams = {}): string {
  return pattern.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`placeholder {${name}} has no value in "${pattern}"`);
    return String(value);
  });
}

export type Translate = (key: string, params?: MessageParams) => string;

export function createTranslator(locale: Locale): Translate {
  const messages = messagesOf(locale);
  return (key, params) => interpolate(lookup(messages, key), params);
}

/** Names of reference codes in the reader's language; an unknown code shows as itself. */
export interface Labels {
  operator(code: string): string;
  province(code: string): string;
  category(code: string): string;
  rejectReason(code: string): string;
}

export function labelsOf(locale: Locale): Labels {
  const pick = (entry: { zh: string; en: string } | undefined, code: string) =>
    entry ? (locale === 'en' ? entry.en : entry.zh) : code;
  return {
    operator: (code) => pick(operatorByCode.get(code), code),
    province: (code) => pick(provinceByCode.get(code), code),
    category: (code) => pick(categoryByCode.get(code), code),
    rejectReason: (code) => pick(rejectReasonByCode.get(code), code),
  };
}

/** Whether the locale has a key: for codes that may be new (a quarantine reason, a table). */
export function hasMessage(locale: Locale, key: string): boolean {
  try {
    lookup(messagesOf(locale), key);
    return true;
  } catch {
    return false;
  }
}
