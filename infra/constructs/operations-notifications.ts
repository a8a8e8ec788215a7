// Where operations hear about the briefings: an alarm topic (CloudWatch alarms) and a mail
// events topic (SES bounces, complaints, rejects, delays), both encrypted with a key that
// CloudWatch and SES may use, TLS-only, and optionally subscribed by an operations address.
// enforceSSL writes a topic policy, and a topic policy replaces the default one that let
// CloudWatch publish: allowAlarmsToPublish puts that back, for this account's alarms only.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OperationsNotificationsProps {
  readonly namePrefix: string;
  /** @default - no subscription (subscribe a pager or chat integration outside the stack) */
  readonly opsEmail?: string;
}

export class OperationsNotifications extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly mailEventsTopic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: OperationsNotificationsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'TopicKey', {
      description: `${props.namePrefix}: encrypts the operations topics`,
      enableKeyRotation: true,
      // The topics go with the stack; the key only protects messages in flight.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Publishers that are services need the key to encrypt what they publish: CloudWatch for the
    // alarms (AWS's documented key policy carries no condition), SES for the mail events.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesEventsPublish',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.alarmTopic = this.topic('AlarmTopic', `${props.namePrefix}-alarms`, 'mnp-briefings alarms');
    this.mailEventsTopic = this.topic(
      'MailEventsTopic',
      `${props.namePrefix}-mail-events`,
      'mnp-briefings mail events (bounce, complaint)',
    );
    this.mailEventsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesMailEvents',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.mailEventsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (props.opsEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.opsEmail));
      this.mailEventsTopic.addSubscription(new subscriptions.EmailSubscription(props.opsEmail));
    }
  }

  /** Lets CloudWatch publish these alarms (and no others) to the alarm topic. */
  allowAlarmsToPublish(alarms: readonly cloudwatch.IAlarm[]): void {
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': alarms.map((alarm) => alarm.alarmArn) },
        },
      }),
    );
  }

  private topic(id: string, topicName: string, displayName: string): sns.Topic {
    return new sns.Topic(this, id, { topicName, displayName, masterKey: this.key, enforceSSL: true });
  }
}
