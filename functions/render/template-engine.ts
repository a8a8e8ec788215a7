// The Handlebars side of rendering: isolated instances (never the global one), for HTML (escaping
// on, so model text such as a plan code arrives as text) and for the plain-text part (escaping
// off: entities would be noise in a terminal). The mail HTML has an HTML instance of its own,
// on the email templates whose CSS was inlined at build time (scripts/inline-mail-css.ts).
// All get the same helpers, so a figure reads the same in every part. Templates and partials
// are read once, at creation, and compiled on first use, once per process (or taken as compiled
// at build time, where the caller passes those and the source is unchanged): the compiled form
// names helpers but does not hold them, so both locales' instances share it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { assetUrl } from '#asset-root';
import type { Briefing, Locale } from '#core/report-model.ts';
import { createFormatter, type Formatter } from './format.ts';
import { createTranslator, hasMessage, LOCALES, labelsOf } from './locale.ts';
import { periodNames } from './period-label.ts';
import { rejectReasonNameOf } from './sentences.ts';
import { registerTextHelpers } from './text-helpers.ts';
import type { BriefingView } from './view-model.ts';

type Instance = typeof Handlebars;
type Template = Handlebars.TemplateDelegate<BriefingView>;
type CompileOptions = CompileOptionsOf<typeof Handlebars.compile>;
type CompileOptionsOf<T> = T extends (input: never, options?: infer O) => unknown ? O : never;

/** The steps of Handlebars.compile, which the Handlebars object exposes but its types do not. */
interface HandlebarsCompiler {
  Compiler: new () => { compile(ast: unknown, options: CompileOptions): unknown };
  JavaScriptCompiler: new () => {
    compile(environment: unknown, options: CompileOptions, context: undefined, asObject: true): TemplateSpecification;
  };
}
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

const specifications = new Map<string, TemplateSpecification>();

/** Templates compiled at build time, by templateKey (functions/render/precompiled-templates.ts). */
export type PrecompiledTemplates = Readonly<Record<string, object>>;

/** A template source with its compile options, as the precompiled templates are keyed. */
export function templateKey(source: string, options: CompileOptions): string {
  return createHash('sha256')
    .update(`${JSON.stringify(options)}\n${source}`)
    .digest('hex');
}

/**
 * The compiled form of a template source, as Handlebars.compile builds it, once per source and
 * options: precompiled at build time where the source is the one it was precompiled from
 * (scripts/precompile-templates.ts; compiling every template cost a run about 0.2 s), else
 * compiled here (a changed or another folder's template, or no precompiled templates given).
 */
function specificationOf(
  source: string,
  options: CompileOptions,
  precompiled: PrecompiledTemplates | undefined,
): TemplateSpecification {
  const key = templateKey(source, options);
  const cached = (precompiled?.[key] as TemplateSpecification | undefined) ?? specifications.get(key);
  if (cached) return cached;
  // What Handlebars.compile does before it binds the result to its instance.
  const full = { data: true, ...options };
  const compiler = Handlebars as unknown as HandlebarsCompiler;
  const environment = new compiler.Compiler().compile(Handlebars.parse(source, full), full);
  const specification = new compiler.JavaScriptCompiler().compile(environment, full, undefined, true);
  specifications.set(key, specification);
  return specification;
}

/** Like hbs.compile(source, options): compiled on first use, from the process's shared compiled form. */
function compileShared(
  hbs: Instance,
  source: string,
  options: CompileOptions,
  precompiled: PrecompiledTemplates | undefined,
): Template {
  let template: Template | undefined;
  return (view, runtimeOptions) => {
    template ??= hbs.template<BriefingView>(specificationOf(source, options, precompiled));
    return template(view, runtimeOptions);
  };
}

/** Where the templates live; override when a bundler moves this module away from the tree. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(assetUrl('templates/'));

export interface BriefingTemplates {
  email(view: BriefingView): string;
  page(view: BriefingView): string;
  text(view: BriefingView): string;
}

interface HelperOptions {
  hash: Record<string, string | number>;
  data: { root: BriefingView };
}

/** Handlebars passes its options object last; helpers with optional arguments need to tell. */
function isOptions(value: unknown): value is HelperOptions {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

function registerHelpers(hbs: Instance, locale: Locale): void {
  const t = createTranslator(locale);
  const format: Formatter = createFormatter(locale);
  const labels = labelsOf(locale);
  const periods = periodNames(locale, format);
  const kindOf = (options: HelperOptions) => (options.data.root.model as Briefing).period.kind;
  const figure = (fn: (value: number | null) => string) => (value: unknown) =>
    fn(typeof value === 'number' ? value : null);
  const labelOr = (prefix: string) => (code: string) =>
    hasMessage(locale, `${prefix}.${code}`) ? t(`${prefix}.${code}`) : code;

  hbs.registerHelper({
    t: (key: string, options: HelperOptions) => t(key, options.hash),
    tp: (key: string, options: HelperOptions) => t(`period.${kindOf(options)}.${key}`, options.hash),
    fmtCount: figure(format.count),
    fmtSigned: figure(format.signed),
    fmtShare: figure(format.share),
    fmtRate: figure(format.rate),
    fmtChange: figure(format.change),
    fmtPoints: figure(format.points),
    fmtCny: figure(format.cny),
    fmtDateTime: (instant: string) => format.dateTime(instant),
    periodShort: (id: string) => periods.short(id),
    operatorLabel: (code: string) => labels.operator(code),
    provinceLabel: (code: string) => labels.province(code),
    categoryLabel: (code: string) => labels.category(code),
    rejectReasonLabel: (code: string) => rejectReasonNameOf(code, labels, t),
    quarantineLabel: labelOr('dataQuality.reasons'),
    tableLabel: labelOr('dataQuality.tables'),
    /** The first and last partition a table's rows were counted from: 2019-09-30 – 2019-12-01. */
    partitionRange: (first: string | null, last: string | null) =>
      first === null || last === null ? '\u2014' : `${first} \u2013 ${last}`,
    attentionReasonLabel: (reason: string) => t(`attention.reasons.${reason}`),
    /** Why a category has guidance, as one clause: "weighs more here than nationally and is among the three largest". */
    guidanceReasons: (reasons: readonly string[]) =>
      reasons.map((reason) => t(`guidance.reasons.${reason}`)).join(t('words.and')),
    isPositive: (value: unknown) => typeof value === 'number' && value > 0,
    /**
     * A column heading that may wrap between words but never inside "port-ins": the block is the
     * markup of one hyphenated word, {{#keepWhole (t "...")}}<span class="fig">{{this}}</span>{{/keepWhole}},
     * written in the template so that the mail's CSS inlining (at build time) sees it.
     */
    keepWhole: (text: string, options: Handlebars.HelperOptions) =>
      new hbs.SafeString(
        text
          .split(' ')
          .map((word) => (word.includes('-') ? options.fn(word) : hbs.escapeExpression(word)))
          .join(' '),
      ),
    /** A rule line of a display width, for text headings: {{rule 72}} or {{rule 72 "="}}. */
    rule: (width: unknown, char: unknown) => (isOptions(char) ? '-' : String(char)).repeat(Number(width)),
  });
}

function hbsFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.hbs'))
    .sort();
}

/** The folder of the templates dir with the email templates, CSS inlined (scripts/inline-mail-css.ts writes it). */
export const INLINED_EMAIL_DIR = 'email-inlined';

/**
 * One isolated instance: its helpers, the partials of one folder and the report bodies of one
 * folder (the source templates, or the email ones with their CSS inlined at build time).
 */
function createInstance(
  locale: Locale,
  flavour: 'html' | 'text',
  partialsDir: string,
  reportsDir: string,
  sources: SourceSink,
): { hbs: Instance; compile(file: string): Template } {
  const hbs = Handlebars.create();
  // strict: a field a template names must exist in the view (null is fine), so a typo fails loudly.
  const options = { strict: true, noEscape: flavour === 'text' };
  const compile = (file: string): Template => {
    const source = readFileSync(file, 'utf8');
    sources.onSource?.(source, options);
    return compileShared(hbs, source, options, sources.precompiled);
  };
  registerHelpers(hbs, locale);
  if (flavour === 'text') registerTextHelpers(hbs);
  for (const name of hbsFiles(partialsDir))
    hbs.registerPartial(basename(name, '.hbs'), compile(join(partialsDir, name)));
  for (const name of hbsFiles(reportsDir).filter((file) => file.endsWith(`.${flavour}.hbs`))) {
    hbs.registerPartial(basename(name, `.${flavour}.hbs`), compile(join(reportsDir, name)));
  }
  return { hbs, compile };
}

export interface TemplateOptions {
  /**
   * The email from the source templates, its CSS not inlined: what the build-time inlining starts
   * from (the tests compare the two). Never used to send.
   * @default false
   */
  readonly emailBeforeInlining?: boolean;
  /**
   * Templates precompiled at build time (functions/render/precompiled-templates.ts), used where a
   * source is the one they were built from. The CLI passes them; a Lambda bundle leaves them out,
   * as they would take the Deliver bundle past its 1.5 MB.
   * @default none: every template is compiled on first use
   */
  readonly precompiled?: PrecompiledTemplates;
}

interface SourceSink {
  readonly precompiled: PrecompiledTemplates | undefined;
  /** Told each template source read, with its compile options (scripts/precompile-templates.ts). */
  readonly onSource?: (source: string, options: CompileOptions) => void;
}

export function loadTemplates(
  locale: Locale,
  templatesDir: string = DEFAULT_TEMPLATES_DIR,
  options: TemplateOptions = {},
): BriefingTemplates {
  return loadTemplatesWith(locale, templatesDir, options, { precompiled: options.precompiled });
}

/** Every template source the renderers of both locales read, with its compile options, by templateKey. */
export function templateSources(
  templatesDir: string = DEFAULT_TEMPLATES_DIR,
): Map<string, { source: string; options: CompileOptions }> {
  const found = new Map<string, { source: string; options: CompileOptions }>();
  const onSource = (source: string, options: CompileOptions) =>
    found.set(templateKey(source, options), { source, options });
  for (const locale of LOCALES) loadTemplatesWith(locale, templatesDir, {}, { precompiled: undefined, onSource });
  return found;
}

function loadTemplatesWith(
  locale: Locale,
  templatesDir: string,
  options: TemplateOptions,
  sources: SourceSink,
): BriefingTemplates {
  const reportsDir = join(templatesDir, 'reports');
  const html = createInstance(locale, 'html', join(templatesDir, 'partials', 'html'), reportsDir, sources);
  const text = createInstance(locale, 'text', join(templatesDir, 'partials', 'text'), reportsDir, sources);
  const inlinedDir = join(templatesDir, INLINED_EMAIL_DIR);
  const email = options.emailBeforeInlining
    ? html.compile(join(templatesDir, 'layouts', 'email.hbs'))
    : createInstance(locale, 'html', join(inlinedDir, 'partials'), join(inlinedDir, 'reports'), sources).compile(
        join(inlinedDir, 'layouts', 'email.hbs'),
      );
  const page = html.compile(join(templatesDir, 'layouts', 'page.hbs'));
  const plain = text.compile(join(templatesDir, 'layouts', 'text.hbs'));
  return { email: (view) => email(view), page: (view) => page(view), text: (view) => plain(view) };
}
