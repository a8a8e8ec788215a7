// The operations commands against a deployed stage (--target aws --stage S): runs, reruns and
// backfills start the report's state machine (the same orchestration the schedule starts);
// status and preview read the archive bucket and the ledger table. The clients use the standard
// AWS credential chain and region. The resources are found by the names the CDK app gives them
// (infra/data-names.ts, infra/stacks/briefings-stack.ts), so no ARN needs configuring: the
// state machine's ARN supplies the account and region that the bucket names carry.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { paginateListStateMachines, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DynamoDbLedger } from '#adapters/ledger/dynamodb-ledger.ts';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { ConfigurationError } from '#core/errors.ts';
import { type AwsRunInput, stateMachineName } from './aws-run-input.ts';

export { type AwsRunInput, awsRunInput, executionName, stateMachineName } from './aws-run-input.ts';

export interface AwsClients {
  readonly sfn: SFNClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
}

export function defaultAwsClients(region?: string): AwsClients {
  const config = region ? { region } : {};
  return { sfn: new SFNClient(config), s3: new S3Client(config), dynamodb: new DynamoDBClient(config) };
}

export class AwsTarget {
  private readonly arns = new Map<string, string>();

  constructor(
    readonly stage: string,
    private readonly clients: AwsClients,
  ) {}

  async stateMachineArn(reportId: string): Promise<string> {
    const cached = this.arns.get(reportId);
    if (cached) return cached;
    const wanted = stateMachineName(this.stage, reportId);
    for await (const page of paginateListStateMachines({ client: this.clients.sfn }, {})) {
      const found = page.stateMachines?.find((machine) => machine.name === wanted);
      if (found?.stateMachineArn) {
        this.arns.set(reportId, found.stateMachineArn);
        return found.stateMachineArn;
      }
    }
    throw new ConfigurationError(
      `no state machine ${wanted} in this account and region: is stage ${this.stage} deployed (npx cdk deploy -c stage=${this.stage})?`,
    );
  }

  /** Starts one run of the report's state machine and returns the execution's ARN. */
  async startRun(input: AwsRunInput, name: string): Promise<string> {
    const output = await this.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: await this.stateMachineArn(input.reportId),
        name,
        input: JSON.stringify(input),
      }),
    );
    if (!output.executionArn) throw new ConfigurationError(`Step Functions started ${name} without returning its ARN`);
    return output.executionArn;
  }

  /** The archive bucket, named after the stage, account and region (the account and region from the state machine). */
  async archive(reportId: string): Promise<S3ReportStore> {
    return new S3ReportStore({ client: this.clients.s3, bucket: await this.archiveBucket(reportId) });
  }

  async archiveBucket(reportId: string): Promise<string> {
    // arn:<partition>:states:<region>:<account>:stateMachine:<name>
    const [, , , region, account] = (await this.stateMachineArn(reportId)).split(':');
    return `mnp-briefings-${this.stage}-archive-${account}-${region}`;
  }

  ledger(): DynamoDbLedger {
    return new DynamoDbLedger({
      client: this.clients.dynamodb,
      tableName: `mnp-briefings-${this.stage}-delivery-ledger`,
    });
  }

  /** A link that opens an archived object for `expiresIn` seconds without AWS credentials. */
  async presign(reportId: string, key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(
      this.clients.s3,
      new GetObjectCommand({ Bucket: await this.archiveBucket(reportId), Key: key }),
      { expiresIn },
    );
  }
}
