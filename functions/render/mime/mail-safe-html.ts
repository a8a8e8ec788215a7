// Checks that a briefing's mail HTML is fit to send: CSS inlined (only media queries left in a
// <style> block), no script, nothing fetched from outside (every image is an inline part named
// by cid:), and every inline image referred to. The renderer is meant to guarantee all this;
// checking here means a template change cannot mail a broken or tracking-prone page.

import { DeliveryError } from '#core/errors.ts';
import type { RenderedBriefing } from '#core/ports.ts';

/** The briefing's HTML or images cannot go out as a mail. */
export class MessageError extends DeliveryError {}

const FORBIDDEN_ELEMENTS = /<(script|iframe|object|embed|form|link|base|meta\s+http-equiv)\b/i;
const EXTERNAL_ATTRIBUTE = /\b(src|background|poster|srcset|data)\s*=\s*["']?\s*(https?:|\/\/|ftp:|file:)/i;
const EXTERNAL_CSS = /(@import|url\(\s*["']?\s*(https?:|\/\/|file:))/i;
const CID_LINK = /\bcid:([^"'\s)>]+)/gi;

/** The contents of the <style> blocks with their @media rules removed: what juice left behind. */
export function cssOutsideMediaQueries(html: string): string {
  const blocks = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((match) => match[1] ?? '');
  return blocks
    .map((css) => withoutMediaRules(css.replace(/\/\*[\s\S]*?\*\//g, '')))
    .join('')
    .trim();
}

function withoutMediaRules(css: string): string {
  let out = '';
  let index = 0;
  while (index < css.length) {
    const at = css.indexOf('@media', index);
    if (at < 0) return out + css.slice(index);
    out += css.slice(index, at);
    const open = css.indexOf('{', at);
    if (open < 0) return out;
    let depth = 1;
    let cursor = open + 1;
    while (cursor < css.length && depth > 0) {
      if (css[cursor] === '{') depth += 1;
      else if (css[cursor] === '}') depth -= 1;
      cursor += 1;
    }
    index = cursor;
  }
  return out;
}

export function cidLinksOf(html: string): string[] {
  return [...new Set([...html.matchAll(CID_LINK)].map((match) => match[1]!))];
}

/** Throws a MessageError naming the first problem found. */
export function assertMailSafeHtml(rendered: Pick<RenderedBriefing, 'html' | 'images'>, label: string): void {
  const { html, images } = rendered;
  const problem = (what: string) => new MessageError(`${label}: the mail HTML ${what}`);
  const forbidden = FORBIDDEN_ELEMENTS.exec(html);
  if (forbidden) throw problem(`contains <${forbidden[1]!.toLowerCase()}>, which mail must not carry`);
  const external = EXTERNAL_ATTRIBUTE.exec(html);
  if (external)
    throw problem(`fetches from outside (${external[0].trim()}...); images must be inline parts named by cid:`);
  const externalCss = EXTERNAL_CSS.exec(html);
  if (externalCss) throw problem(`has CSS that fetches from outside (${externalCss[0]})`);
  const leftover = cssOutsideMediaQueries(html);
  if (leftover)
    throw problem(`has CSS outside media queries in a <style> block, not inlined: ${leftover.slice(0, 60)}...`);
  const cids = new Set(images.map((image) => image.cid));
  const links = cidLinksOf(html);
  const unresolved = links.filter((cid) => !cids.has(cid));
  if (unresolved.length > 0) throw problem(`refers to cid:${unresolved.join(', cid:')}, which no image carries`);
  const unused = images.filter((image) => !links.includes(image.cid));
  if (unused.length > 0) throw problem(`never shows the image ${unused.map((image) => image.cid).join(', ')}`);
}
