// cdk-nag's AWS Solutions pack runs on the whole app (both stacks) through the CDK Validations
// API: no finding may be left unacknowledged, every acknowledgement carries a written reason,
// and the check is shown to fail when a finding is introduced.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { createApp, prodContext } from './synth-app.ts';

interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; severity: string }[] }[];
}

function readReport(outdir: string): ValidationReport {
  const path = join(outdir, 'validation-report.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ValidationReport) : { pluginReports: [] };
}

describe('cdk-nag AwsSolutions checks', () => {
  it('leave no unacknowledged error or warning on either stack', () => {
    const { app, outdir } = createApp();

    const synthesise = () => app.synth();

    expect(synthesise).not.toThrow();
    const violations = readReport(outdir).pluginReports.flatMap((report) =>
      report.violations.map((v) => `${report.pluginName} ${v.severity} ${v.ruleName}`),
    );
    expect(violations).toEqual([]);
  });

  it.each([
    ['environment-agnostic (cdk synth without credentials)', { agnostic: true }],
    [
      'prod with an external SSE-KMS lake',
      {
        context: prodContext('mail.operator.example', {
          lakeBucketName: 'operator-lake',
          lakeKmsKeyArn: 'arn:aws:kms:ap-southeast-1:444455556666:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
        }),
      },
    ],
  ] as const)('leave no unacknowledged finding %s', (_name, options) => {
    const { app, outdir } = createApp(options);

    const synthesise = () => app.synth();

    expect(synthesise).not.toThrow();
    expect(readReport(outdir).pluginReports.flatMap((report) => report.violations)).toEqual([]);
  });

  it('acknowledge each finding with a written reason', () => {
    const { app } = createApp();
    app.synth();
    const acknowledged = app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id,
            reason,
          })),
        ),
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) {
      expect({ path, id, reasonLength: reason.trim().length >= 40 }).toEqual({ path, id, reasonLength: true });
    }
    // The kinds of acknowledgement this app makes, so that a new kind is a reviewed change.
    // (aws-cdk-lib stores a plain rule id as "Annotation::<id>"; cdk-nag 3.0.2 matches it so.)
    const kinds = [
      ...new Set(acknowledged.map(({ id }) => id.replace(/\[.*\]$/, '[…]').replace(/^Annotation::/, ''))),
    ].sort();
    expect(kinds).toEqual(['AwsSolutions-IAM5[…]', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SQS3']);
  });

  it('fail the synthesis when an unexpected wildcard appears', () => {
    const { app, briefings, outdir } = createApp();
    briefings.record.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

    const synthesise = () => app.synth();

    expect(synthesise).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
    const rules = readReport(outdir).pluginReports.flatMap((report) => report.violations.map((v) => v.ruleName));
    expect(rules).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
