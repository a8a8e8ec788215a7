// The CDK app's entry point (cdk.json: "npx tsx infra/app.ts"). The only place that reads the
// environment: the account and region come from the CDK CLI's defaults, the stage and the
// other settings from context (-c stage=prod, -c sesDomain=..., see docs/aws.md).
import { App } from 'aws-cdk-lib';
import { buildStacks } from './app-builder.ts';
import { readSettings } from './settings.ts';

const app = new App();
const settings = readSettings((key) => app.node.tryGetContext(key));
const account = process.env['CDK_DEFAULT_ACCOUNT'];
const region = process.env['CDK_DEFAULT_REGION'];
buildStacks(app, settings, account && region ? { account, region } : undefined);
app.synth();
