// A deployed stage to work on (--target aws), with the AWS SDK loaded only now: commands that
// work locally, --help and argument errors start without it.
import type { AwsTarget } from './aws-target.ts';

export async function openAwsTarget(stage: string, region: string | undefined): Promise<AwsTarget> {
  const { AwsTarget, defaultAwsClients } = await import('./aws-target.ts');
  return new AwsTarget(stage, defaultAwsClients(region));
}
