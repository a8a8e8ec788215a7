// Headquarters' playbook, applied: for each dissatisfaction category that matters in a
// province (it over-indexes against the national mix, or is among the province's top
// categories), the actions headquarters recommends. Guidance, never a target.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { dissatisfactionCategories } from '#reference/index.ts';
import playbookJson from '../../config/guidance-playbook.json' with { type: 'json' };
import type { GuidanceEntry, Locale, ProvinceCategoryFigure } from './report-model.ts';

const words = z.string().check(z.minLength(1));
const text = z.object({ title: words, why: words, actions: z.array(words).check(z.minLength(1)) });
const rule = z.object({
  overIndexPoints: z.number().check(z.positive(), z.maximum(1)),
  topCategories: z.int().check(z.minimum(0)),
});
const playbookSchema = z.object({
  reviewedBy: words,
  reviewedOn: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  defaultRule: rule,
  entries: z.array(z.object({ category: z.string(), rule: z.optional(rule), zh: text, en: text })),
});

export type Playbook = z.infer<typeof playbookSchema>;

export function loadPlaybook(raw: unknown): Playbook {
  const playbook = playbookSchema.parse(raw);
  const known = new Set(dissatisfactionCategories.map((category) => category.code));
  const listed = playbook.entries.map((entry) => entry.category);
  const unknown = listed.filter((code) => !known.has(code));
  const missing = [...known].filter((code) => !listed.includes(code));
  if (unknown.length > 0 || missing.length > 0 || new Set(listed).size !== listed.length) {
    throw new Error(
      `guidance playbook: one entry per category (unknown: ${unknown.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'})`,
    );
  }
  return playbook;
}

export const playbook = loadPlaybook(playbookJson);

/** Far below the smallest real difference of two shares (one answer in a billion), far above rounding. */
const SHARE_TOLERANCE = 1e-9;

/**
 * Whether a count is among the `top` largest (`sizes`, largest first), counting every category
 * tied with the last of them: which of two equal categories is "third" is no reason to guide one
 * and not the other.
 */
function amongLargest(sizes: readonly number[], count: number, top: number): boolean {
  const last = sizes[Math.min(top, sizes.length) - 1];
  return last !== undefined && count >= last;
}

/** The entries a province sees, in the order of its categories (largest first). */
export function guidanceFor(
  categories: readonly ProvinceCategoryFigure[],
  locale: Locale,
  book: Playbook = playbook,
): GuidanceEntry[] {
  const sizes = categories.map((category) => category.count).sort((a, b) => b - a);
  return categories.flatMap((figure) => {
    const entry = book.entries.find((candidate) => candidate.category === figure.category);
    if (!entry || figure.count === 0) return [];
    const { overIndexPoints, topCategories } = entry.rule ?? book.defaultRule;
    const reasons: GuidanceEntry['reasons'] = [];
    // 8.333 % against 5.333 % is 3 points, though the difference of the two doubles is 2.9999…
    if (figure.overIndex !== null && figure.overIndex >= overIndexPoints - SHARE_TOLERANCE) reasons.push('over_index');
    if (amongLargest(sizes, figure.count, topCategories)) reasons.push('top_category');
    if (reasons.length === 0) return [];
    const words = locale === 'zh-CN' ? entry.zh : entry.en;
    return [{ category: figure.category, reasons, title: words.title, why: words.why, actions: [...words.actions] }];
  });
}
