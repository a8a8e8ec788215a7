// Reference data of the repository (operators, provinces, taxonomies, the lake contract),
// validated once when first imported so that a typo in a JSON file fails loudly at start-up.
// The lake's physical schema has its own module (lake-schema.ts); it is re-exported here.
import * as z from 'zod/mini';
import './schema.ts';
import channelsJson from './channels.json' with { type: 'json' };
import dissatisfactionJson from './dissatisfaction.json' with { type: 'json' };
import operatorsJson from './operators.json' with { type: 'json' };
import provincesJson from './provinces.json' with { type: 'json' };
import rejectReasonsJson from './reject-reasons.json' with { type: 'json' };

export { type LakeColumn, type LakeContract, type LakeTableName, lakeContract, lakeTables } from './lake-schema.ts';

const code = z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'codes are upper-case ASCII'));
const labelled = { zh: z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) };

const operatorSchema = z.object({ code, ...labelled, color: z.string().check(z.regex(/^#[0-9a-f]{6}$/i)) });
const provinceSchema = z.object({
  code: z.string().check(z.regex(/^[1-6][0-9]$/, 'GB/T 2260 two-digit code')),
  ...labelled,
});
const subcategorySchema = z.object({ code, ...labelled });
const categorySchema = z.object({ code, ...labelled, subcategories: z.array(subcategorySchema) });
const rejectReasonSchema = z.object({ code, ...labelled });
const lowerCode = z.string().check(z.regex(/^[a-z_]+$/));
const channelsSchema = z.object({
  port_requests: z.array(lowerCode).check(z.minLength(1)),
  exit_reasons: z.array(lowerCode).check(z.minLength(1)),
  statuses: z.array(lowerCode).check(z.minLength(1)),
});
export type Operator = z.infer<typeof operatorSchema>;
export type Province = z.infer<typeof provinceSchema>;
export type DissatisfactionCategory = z.infer<typeof categorySchema>;
export type RejectReason = z.infer<typeof rejectReasonSchema>;

function uniqueCodes<T extends { code: string }>(what: string, schema: z.ZodMiniType<T>, raw: unknown): readonly T[] {
  const parsed = z.array(schema).check(z.minLength(1)).parse(raw);
  const seen = new Set<string>();
  for (const entry of parsed) {
    if (seen.has(entry.code)) throw new Error(`reference/${what}: duplicate code ${entry.code}`);
    seen.add(entry.code);
  }
  return Object.freeze(parsed);
}

export const operators = uniqueCodes('operators', operatorSchema, operatorsJson);
export const provinces = uniqueCodes('provinces', provinceSchema, provincesJson);
export const dissatisfactionCategories = uniqueCodes('dissatisfaction', categorySchema, dissatisfactionJson);
export const rejectReasons = uniqueCodes('reject-reasons', rejectReasonSchema, rejectReasonsJson);
export const channels = channelsSchema.parse(channelsJson);

if (provinces.length !== 31)
  throw new Error(`reference/provinces: expected 31 provincial-level divisions, found ${provinces.length}`);

const byCode = <T extends { code: string }>(list: readonly T[]) => new Map(list.map((entry) => [entry.code, entry]));
export const operatorByCode = byCode(operators);
export const provinceByCode = byCode(provinces);
export const categoryByCode = byCode(dissatisfactionCategories);
export const rejectReasonByCode = byCode(rejectReasons);
