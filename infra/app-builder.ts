// Builds the app's two stacks for one stage from its settings: the stateful data stack and the
// stateless briefings stack, in the account and region given at the edge (app.ts), with the
// AWS Solutions checks of cdk-nag as a validation plugin.
import { App, Tags, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { reportDefinitions } from '#core/report-definitions.ts';
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

export function buildStacks(app: App, settings: AppSettings, env?: Environment): BriefingsApp {
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
