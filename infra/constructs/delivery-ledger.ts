// The delivery ledger: one item per message sent (or attempted), so that a retried or re-run
// delivery skips what was already sent. Contract: partition key pk (S), sort key sk (S),
// on-demand, point-in-time recovery, encrypted with a KMS key.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface DeliveryLedgerProps {
  readonly tableName: string;
  /** Refuse CloudFormation deletes of the table. @default true */
  readonly deletionProtection?: boolean;
}

export class DeliveryLedger extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: DeliveryLedgerProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
