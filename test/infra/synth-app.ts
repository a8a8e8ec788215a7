// Synthesises the CDK app as `cdk synth` would (cdk.json's context, plus overrides) into a
// temporary folder. Bundling is skipped unless asked for: the template tests do not need the
// Lambda code, and skipping it keeps them fast.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type BriefingsApp, buildStacks } from '../../infra/app-builder.ts';
import { readSettings } from '../../infra/settings.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface SynthOptions {
  readonly context?: Record<string, unknown>;
  /** Run esbuild for the functions. @default false */
  readonly bundle?: boolean;
  /** Synthesize environment-agnostic, as `cdk synth` does without credentials. @default false */
  readonly agnostic?: boolean;
}

export interface SynthesisedApp extends BriefingsApp {
  readonly outdir: string;
  readonly assembly: CloudAssembly;
  readonly dataTemplate: Template;
  readonly briefingsTemplate: Template;
}

export function createApp(options: SynthOptions = {}): BriefingsApp & { outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'mnp-cdk-'));
  const context: Record<string, unknown> = { ...cdkJson.context, ...options.context };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  return {
    ...buildStacks(app, settings, options.agnostic ? undefined : { account: '111122223333', region: 'ap-southeast-1' }),
    outdir,
  };
}

export function synthApp(options: SynthOptions = {}): SynthesisedApp {
  const built = createApp(options);
  const assembly = built.app.synth();
  return {
    ...built,
    assembly,
    dataTemplate: Template.fromStack(built.data),
    briefingsTemplate: Template.fromStack(built.briefings),
  };
}

/**
 * The context of a prod stage sending from `domain`: a recipients file (the shipped one with its
 * sender moved into that domain) and the operations address that prod requires.
 */
export function prodContext(
  domain = 'mail.operator.example',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const recipients = JSON.parse(readFileSync(new URL('../../config/recipients.json', import.meta.url), 'utf8')) as {
    from: string;
  };
  const file = join(mkdtempSync(join(tmpdir(), 'mnp-recipients-')), 'recipients.json');
  writeFileSync(file, JSON.stringify({ ...recipients, from: `MNP Briefings <briefings@${domain}>` }));
  return { stage: 'prod', sesDomain: domain, opsEmail: 'operations@operator.example', recipientsFile: file, ...extra };
}
