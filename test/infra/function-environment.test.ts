// The typed contract between the stack and the handlers: each function's environment is built
// from its handler's config schema (the compiler rejects a missing or an extra key: the
// expected-error lines below fail `tsc --noEmit` if it ever accepts one), and the synthesized
// variables are exactly the schema's keys, which the handler then parses without error.
import { describe, expect, it } from 'vitest';
import {
  curateConfigSchema,
  deliverConfigSchema,
  type FunctionEnvironment,
  prepareConfigSchema,
  readConfig,
  recordConfigSchema,
  startConfigSchema,
} from '#handlers/support/config.ts';
import { synthApp } from './synth-app.ts';

type Resource = { Properties: Record<string, any> };

const SCHEMAS = {
  Prepare: prepareConfigSchema,
  Deliver: deliverConfigSchema,
  Record: recordConfigSchema,
  StartScheduledRun: startConfigSchema,
  Curate: curateConfigSchema,
} as const;

describe('function environments', () => {
  it('rejects, at compile time, an environment with a key missing or a key the handler does not read', () => {
    // @ts-expect-error ARCHIVE_BUCKET is missing
    const missing: FunctionEnvironment<typeof recordConfigSchema> = {};
    // @ts-expect-error LAKE_BUCKET is not a key of the Record function's configuration
    const extra: FunctionEnvironment<typeof recordConfigSchema> = { ARCHIVE_BUCKET: 'archive', LAKE_BUCKET: 'lake' };
    // A key with a default in the schema is still one the stack must set.
    // @ts-expect-error DELIVERY_LEASE_SECONDS (and others) are missing
    const withoutDefaulted: FunctionEnvironment<typeof deliverConfigSchema> = {
      ARCHIVE_BUCKET: 'a',
      LEDGER_TABLE: 'l',
      SES_CONFIGURATION_SET: 'c',
      SES_SENDING_DOMAIN: 'example.com',
    };

    expect([missing, extra, withoutDefaulted]).toHaveLength(3);
  });

  it.each(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])(
    "sets exactly the %s handler's configuration, and the handler accepts it",
    (name) => {
      const app = synthApp();
      const functions = app.briefingsTemplate.findResources('AWS::Lambda::Function') as Record<string, Resource>;
      const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(`${name}Function`))!;

      const variables = fn.Properties['Environment'].Variables as Record<string, unknown>;

      const schema = SCHEMAS[name];
      expect(Object.keys(variables).sort()).toEqual([...Object.keys(schema.shape), 'POWERTOOLS_SERVICE_NAME'].sort());
      // Tokens (bucket names from Fn::Join) stand in as a valid name for the parse.
      const stand = (key: string) =>
        key.startsWith('STATE_MACHINE')
          ? 'arn:aws:states:ap-southeast-1:111122223333:stateMachine:mnp-briefings-dev-'
          : 'mnp-briefings-dev-archive-111122223333-ap-southeast-1';
      const asText = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : stand(key)]),
      );
      expect(() => readConfig(schema as never, asText)).not.toThrow();
    },
  );
});
