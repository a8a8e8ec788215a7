// Mail clients drop <style> blocks or parts of them, so the mail HTML carries its CSS inline.
// The inlining is done once, at build time, on the email templates (scripts/inline-mail-css.ts
// runs juice and writes templates/email-inlined/); only the rules that cannot be inline stay in
// a <style> block: the media queries for phones and for dark mode, which override the inline
// styles with !important.
//
// Gmail clips a message whose HTML passes about 102 KB, and a full headquarters week has some
// 550 table cells, each with the same long inline style. The HTML is slimmed without changing
// what any client shows:
// - each style attribute is written without the spaces and the last semicolon juice leaves;
// - a cell's inline text-align or vertical-align that juice also wrote as an align or valign
//   attribute is dropped from the style: the attribute says the same in fewer bytes, and every
//   client in the caniemail database, Outlook's Word engine included, honours it on a cell;
// - class names that no rule of the remaining <style> block names are dropped (they did their
//   work when juice inlined them), except "content", where the correction notice goes;
// - the <style> block loses its comments, indentation and spaces, and the line breaks between
//   blocks and table parts go (white space there shows in no client).
// The tags and the <style> block are slimmed at build time with the inlining (slimMailTags,
// compactCss); only the white space, which the templates' loops write, is removed at run time.

/** Classes kept even when no CSS names them: correction-notice.ts finds the content cell by it. */
const ANCHOR_CLASSES: ReadonlySet<string> = new Set(['content']);

const STYLE_BLOCK = /<style\b[^>]*>([\s\S]*?)<\/style>/gi;
/** A start tag: its name and its attributes (the renderer quotes every value with "). */
const START_TAG = /<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*"[^"]*")?)*)\s*(\/?)>/g;
const ATTRIBUTE = /\s+([^\s"'>/=]+)(?:\s*=\s*"([^"]*)")?/g;

/**
 * The mail HTML after juice, smaller and showing the same in every client (see above): all the
 * steps at once, as they were run after juice at run time (the tests' reference).
 */
export function slimMailHtml(html: string): string {
  const css = [...html.matchAll(STYLE_BLOCK)].map((match) => match[1] ?? '').join('\n');
  return withoutLayoutWhitespace(slimMailTags(html, css)).replace(STYLE_BLOCK, (block, body: string) =>
    block.replace(body, compactCss(body)),
  );
}

/**
 * The slimming of the tags alone (style, align, class), given the CSS of the <style> block. It
 * depends only on each tag, so scripts/inline-mail-css.ts applies it to the inlined templates
 * at build time, and the renderer only removes the white space (withoutLayoutWhitespace).
 */
export function slimMailTags(html: string, css: string): string {
  const usedClasses = new Set([...css.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].map((match) => match[1]!));
  return html.replace(START_TAG, (tag, name: string, attributes: string, selfClosing: string) => {
    const slim = slimAttributes(name.toLowerCase(), attributes, usedClasses);
    return slim === null ? tag : `<${name}${slim}${selfClosing ? ' /' : ''}>`;
  });
}

/** Elements whose start or end makes the white space next to it invisible (blocks and table parts). */
const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'div',
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
]);
const TAG_THEN_SPACE =
  /(<\/?([a-zA-Z][a-zA-Z0-9]*)(?:\s+[^\s"'>/=]+(?:\s*=\s*"[^"]*")?)*\s*\/?>)\s+(?=<\/?([a-zA-Z][a-zA-Z0-9]*)[\s/>])/g;

/** The line breaks between tags where no client shows them: beside a block or a table part. */
export function withoutLayoutWhitespace(html: string): string {
  return html.replace(TAG_THEN_SPACE, (whole, tag: string, before: string, after: string) =>
    BLOCK_ELEMENTS.has(before.toLowerCase()) || BLOCK_ELEMENTS.has(after.toLowerCase()) ? tag : whole,
  );
}

function slimAttributes(tagName: string, attributes: string, usedClasses: ReadonlySet<string>): string | null {
  if (!attributes) return null;
  const parsed = [...attributes.matchAll(ATTRIBUTE)].map((match) => ({ name: match[1]!, value: match[2] }));
  if (parsed.some((attribute) => attribute.name.includes('<'))) return null;
  const attributeValue = (attributeName: string) =>
    parsed.find((attribute) => attribute.name.toLowerCase() === attributeName)?.value;
  const style = attributeValue('style');
  const isCell = tagName === 'td' || tagName === 'th';
  // A cell's alignment, which juice wrote both as CSS and as an attribute, stays an attribute.
  const sameAsAttribute = (declaration: Declaration) =>
    isCell &&
    (declaration.property === 'text-align' || declaration.property === 'vertical-align') &&
    attributeValue(declaration.property === 'text-align' ? 'align' : 'valign')?.toLowerCase() ===
      declaration.value.toLowerCase();
  const declarations =
    style === undefined ? [] : declarationsOf(style).filter((declaration) => !sameAsAttribute(declaration));
  const kept: string[] = [];
  for (const { name, value } of parsed) {
    const lower = name.toLowerCase();
    if (value === undefined) {
      kept.push(` ${name}`);
      continue;
    }
    if (lower === 'style') {
      if (declarations.length > 0)
        kept.push(` style="${declarations.map((d) => `${d.property}:${d.value}`).join(';')}"`);
      continue;
    }
    if (lower === 'class') {
      const classes = value.split(/\s+/).filter((item) => item && (usedClasses.has(item) || ANCHOR_CLASSES.has(item)));
      if (classes.length > 0) kept.push(` class="${classes.join(' ')}"`);
      continue;
    }
    kept.push(` ${name}="${value}"`);
  }
  return kept.join('');
}

interface Declaration {
  readonly property: string;
  readonly value: string;
}

/** "a: 1; b: 'x;y' 2;" -> a:1, b:'x;y' 2 (a semicolon in quotes, brackets or an entity stays). */
function declarationsOf(style: string): Declaration[] {
  const parts: string[] = [];
  let current = '';
  let quote = '';
  let depth = 0;
  for (let index = 0; index < style.length; index += 1) {
    const char = style[index]!;
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === "'") {
      quote = char;
    } else if (char === '(') {
      depth += 1;
    } else if (char === ')') {
      depth = Math.max(0, depth - 1);
    } else if (char === ';' && depth === 0 && !/&(#\d+|#x[0-9a-f]+|[a-z]+)$/i.test(current)) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts.flatMap((part) => {
    const colon = part.indexOf(':');
    const property = part.slice(0, colon).trim().toLowerCase();
    const value = part
      .slice(colon + 1)
      .trim()
      .replace(/\s+/g, ' ');
    return colon > 0 && property && value ? [{ property, value }] : [];
  });
}

/** The preserved media queries without comments, indentation and line breaks. */
export function compactCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/([{;][\w-]+):\s+/g, '$1:')
    .replace(/;}/g, '}')
    .trim();
}
