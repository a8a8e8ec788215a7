// Builds the app's two stacks for one stage from its settings: the stateful data stack and the
// stateless briefings stack, in the account and region given at the edge (app.ts), with the
// AWS Solutions checks of cdk-nag as a validation plugin.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseRecipients } from '#core/recipients.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { assertSenderInDomain } from '#core/sending-domain.ts';
import { REPO_ROOT } from './constructs/briefing-function.ts';
import { dataNames } from './data-names.ts';
import type { AppSettings } from './settings.ts';
import { BriefingsStack } from './stacks/briefings-stack.ts';
import { DataStack } from './stacks/data-stack.ts';

export interface BriefingsApp {
  readonly app: App;
  readonly data: DataStack;
  readonly briefings: BriefingsStack;
}

export function stackNames(settings: Pick<AppSettings, 'stage'>): { data: string; briefings: string } {
  return { data: `MnpBriefings-${settings.stage}-Data`, briefings: `MnpBriefings-${settings.stage}-Service` };
}

/**
 * The recipients file that the deployer uploads (context recipientsFile, relative to the
 * repository) must validate and send from the SES domain: SES would refuse every send otherwise.
 */
export function checkRecipientsFile(settings: Pick<AppSettings, 'recipientsFile' | 'sesDomain'>): void {
  const path = resolve(REPO_ROOT, settings.recipientsFile);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`CDK context recipientsFile: cannot read ${path}: ${(error as Error).message}`);
  }
  const recipients = parseRecipients(raw, settings.recipientsFile);
  assertSenderInDomain(
    recipients.from,
    settings.sesDomain,
    `${settings.recipientsFile} (CDK context sesDomain ${settings.sesDomain})`,
  );
}

export function buildStacks(app: App, settings: AppSettings, env?: Environment): BriefingsApp {
  checkRecipientsFile(settings);
  const stacks = stackNames(settings);
  const names = dataNames(settings.stage, settings.lakeBucketName);
  const data = new DataStack(app, stacks.data, {
    env,
    description: 'mnp-briefings: the lake catalog, archive, ledger and buckets (stateful)',
    terminationProtection: settings.stage === 'prod',
    stage: settings.stage,
    names,
    lakePrefix: settings.lakePrefix,
    lakeDateRange: settings.lakeDateRange,
    sesDomain: settings.sesDomain,
    athenaResultsRetentionDays: settings.athenaResultsRetentionDays,
  });
  const briefings = new BriefingsStack(app, stacks.briefings, {
    env,
    description: 'mnp-briefings: functions, state machines, schedules, alarms (stateless)',
    settings,
    names,
    reportDefinitions,
  });
  // The service finds the data resources by name: deploy the data stack first.
  briefings.addStackDependency(data);
  for (const stack of [data, briefings]) {
    Tags.of(stack).add('project', 'mnp-briefings');
    Tags.of(stack).add('stage', settings.stage);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, data, briefings };
}
