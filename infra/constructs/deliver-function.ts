// The Deliver function: renders one audience's briefing (Vega charts rasterised by resvg, a CJK
// font, Handlebars), archives it and sends it through SES, idempotent through the ledger. Its
// environment is the handler's deliverConfigSchema, every key and no other. Its grants: the
// snapshot, the recipients file and the report folders of the archive; GetItem, Query and
// PutItem on the ledger (nothing else the adapter calls); and sending through the configuration
// set from the sending domain only.
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { deliverConfigSchema, FunctionEnvironment } from '#handlers/support/config.ts';
import { BriefingFunction } from './briefing-function.ts';

/** Messages per second one Deliver instance sends (its throttle is per container). */
export const SEND_RATE_PER_INSTANCE = 1;

/**
 * Deliver instances that may run at once: all of them together stay within the account's SES
 * sending rate, floor(sesMaxSendRate / SEND_RATE_PER_INSTANCE), at least one.
 */
export function deliverConcurrency(sesMaxSendRate: number): number {
  return Math.max(1, Math.floor(sesMaxSendRate / SEND_RATE_PER_INSTANCE));
}

export interface DeliverFunctionProps {
  readonly archiveBucket: s3.IBucket;
  readonly ledgerTable: dynamodb.ITableV2;
  readonly configurationSetName: string;
  /** The SES domain identity; the recipients file's sender must lie in it. */
  readonly sendingDomain: string;
  /** The recipients file's key in the archive bucket. */
  readonly recipientsKey: string;
  /** The report ids: each has its folder of archived briefings. */
  readonly reportIds: readonly string[];
  /** The SES account's sending rate, messages per second. */
  readonly sesMaxSendRate: number;
  /** @default X86_64 */
  readonly architecture?: lambda.Architecture;
}

export class DeliverFunction extends BriefingFunction {
  /** Reserved concurrency, which the state machine's Map also runs at. */
  readonly concurrency: number;

  constructor(scope: Construct, id: string, props: DeliverFunctionProps) {
    const timeout = Duration.minutes(2);
    const concurrency = deliverConcurrency(props.sesMaxSendRate);
    const environment: FunctionEnvironment<typeof deliverConfigSchema> = {
      ARCHIVE_BUCKET: props.archiveBucket.bucketName,
      LEDGER_TABLE: props.ledgerTable.tableName,
      SES_CONFIGURATION_SET: props.configurationSetName,
      SES_SENDING_DOMAIN: props.sendingDomain,
      RECIPIENTS_KEY: props.recipientsKey,
      SES_SEND_RATE_PER_SECOND: String(SEND_RATE_PER_INSTANCE),
      // A claim outlives the invocation that made it, so a retry after a timeout can take it over.
      DELIVERY_LEASE_SECONDS: String(timeout.toSeconds() + 30),
    };
    // Memory buys CPU for the rasteriser: 1024 MB renders a briefing in about a second;
    // 2 minutes leaves room for SES retries.
    super(scope, id, {
      handlerFile: 'deliver.ts',
      description:
        "Renders and archives one audience's briefing, then sends it through SES (idempotent via the ledger)",
      memorySize: 1024,
      timeout,
      runtimeFiles: ['templates', 'assets'],
      nativePackages: ['@resvg/resvg-js'],
      architecture: props.architecture ?? lambda.Architecture.X86_64,
      reservedConcurrentExecutions: concurrency,
      environment,
    });
    this.concurrency = concurrency;
    const { archiveBucket } = props;
    archiveBucket.grantRead(this.function, 'runs/*');
    archiveBucket.grantRead(this.function, props.recipientsKey);
    for (const reportId of props.reportIds) {
      archiveBucket.grantRead(this.function, `${reportId}/*`);
      archiveBucket.grantPut(this.function, `${reportId}/*`);
    }
    props.ledgerTable.grant(this.function, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
    this.grantSending(props);
  }

  /**
   * In the SES sandbox a send is authorized against the sender's identity and each verified
   * recipient identity, so the resource is every identity; the sender is held to the sending
   * domain by ses:FromAddress. SES v2 SendEmail with raw MIME is authorized as SendRawEmail.
   */
  private grantSending(props: DeliverFunctionProps): void {
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendFromTheSendingDomainThroughTheConfigurationSet',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: props.configurationSetName }),
        ],
        conditions: { StringLike: { 'ses:FromAddress': `*@${props.sendingDomain}` } },
      }),
    );
  }
}
