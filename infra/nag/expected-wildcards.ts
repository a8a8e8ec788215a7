// cdk-nag's AwsSolutions-IAM5 flags every "*" in an IAM policy. Some are the narrowest form
// AWS offers, and this aspect acknowledges exactly those, each with its reason: the action
// groups of CDK's grant helpers, object ARNs under a prefix named here, Glue tables matching a
// name pattern named here (the curated tables and their staging tables), a function's versions,
// "*" for the few actions that have no resource-level permissions (X-Ray, log delivery), and
// SES identity/* when the statement holds the sender to a domain with ses:FromAddress.
// Any other wildcard stays a finding and fails the check.
import { type IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

const GRANT_ACTION_GROUPS: Record<string, string> = {
  's3:GetObject*':
    'CDK grantRead: GetObject, GetObjectVersion, GetObjectTagging... on the objects of this statement only',
  's3:GetBucket*': 'CDK grantRead: GetBucketLocation and friends, on the bucket of this statement only',
  's3:List*': 'CDK grantRead: ListBucket (and multipart listings) on the bucket of this statement only',
  's3:DeleteObject*':
    'CDK grantDelete: DeleteObject and DeleteObjectVersion, on the objects of this statement only (the curated layer replaces its partitions)',
  's3:Abort*':
    'CDK grantPut: AbortMultipartUpload, so that a failed upload can be cleaned up, on the objects of this statement only',
};

/** Actions that accept no resource other than "*" (AWS service authorization reference). */
const RESOURCE_STAR_ONLY = new Set([
  'cloudwatch:PutMetricData',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'states:ListStateMachines',
]);

export interface ObjectGrant {
  readonly bucket: s3.IBucket;
  /** The key prefix; the grant covers `<prefix>*`. An exact key is allowed too. */
  readonly prefix: string;
  /** What lives there. */
  readonly reason: string;
}

/** Glue tables of one database whose names match a pattern ("flows_daily*"). */
export interface GlueTableGrant {
  readonly databaseName: string;
  readonly pattern: string;
  readonly reason: string;
}

export interface ExpectedWildcardsProps {
  readonly objectGrants: readonly ObjectGrant[];
  /** @default none */
  readonly glueTableGrants?: readonly GlueTableGrant[];
}

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** SES authorizes a sandbox send against each recipient identity too: identity/* with the sender held by ses:FromAddress. */
function sesIdentitiesReason(resource: string, actions: readonly string[], statement: Statement): string | undefined {
  const from = statement.Condition?.['StringLike']?.['ses:FromAddress'];
  if (!/:ses:.*:identity\/\*$/.test(resource) || typeof from !== 'string' || from.startsWith('*@*')) return undefined;
  if (!actions.every((action) => action === 'ses:SendEmail' || action === 'ses:SendRawEmail')) return undefined;
  return `SES checks a send against the sender's and (in the sandbox) every recipient's identity; the sender is held to ${from} by ses:FromAddress`;
}

export class ExpectedWildcards implements IAspect {
  constructor(private readonly props: ExpectedWildcardsProps) {}

  visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy || node instanceof iam.CfnManagedPolicy)) return;
    const stack = Stack.of(node);
    const document = stack.resolve(node.policyDocument) as { Statement?: Statement[] };
    const objectArns = new Map(
      this.props.objectGrants.map(
        (grant) => [flattenCfnReference(stack.resolve(grant.bucket.arnForObjects(`${grant.prefix}*`))), grant] as const,
      ),
    );
    const acknowledged = new Map<string, string>();
    for (const statement of document.Statement ?? []) {
      if (statement.Effect !== 'Allow') continue;
      const actions = asArray(statement.Action);
      for (const action of actions.filter((a) => a.includes('*'))) {
        const reason = GRANT_ACTION_GROUPS[action];
        if (reason) acknowledged.set(`Action::${action}`, reason);
      }
      for (const resource of asArray(statement.Resource).map((r) => flattenCfnReference(r))) {
        if (!resource.includes('*')) continue;
        const reason =
          this.resourceReason(resource, actions, objectArns) ?? sesIdentitiesReason(resource, actions, statement);
        if (reason) acknowledged.set(`Resource::${resource}`, reason);
      }
    }
    for (const [finding, reason] of acknowledged)
      Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }

  private resourceReason(
    resource: string,
    actions: readonly string[],
    objectArns: ReadonlyMap<string, ObjectGrant>,
  ): string | undefined {
    if (resource === '*') {
      return actions.every((action) => RESOURCE_STAR_ONLY.has(action))
        ? `${actions.join(', ')} support no resource-level permissions; "*" is the only resource AWS accepts for them`
        : undefined;
    }
    if (/^<[A-Za-z0-9]+\.Arn>:\*$/.test(resource) && actions.every((action) => action === 'lambda:InvokeFunction')) {
      return 'The versions and aliases of this one function (CDK grantInvoke), invoked by the state machine';
    }
    const grant = objectArns.get(resource);
    if (grant && actions.every((action) => action.startsWith('s3:'))) {
      return `Objects under "${grant.prefix}" of this bucket only: ${grant.reason}`;
    }
    const tables = (this.props.glueTableGrants ?? []).find((candidate) =>
      resource.endsWith(`:table/${candidate.databaseName}/${candidate.pattern}`),
    );
    if (tables && resource.includes(':glue:') && actions.every((action) => action.startsWith('glue:'))) {
      return `Glue tables "${tables.pattern}" of ${tables.databaseName} only: ${tables.reason}`;
    }
    return undefined;
  }
}
