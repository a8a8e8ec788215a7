// Lambda entry point of the Deliver step: wires the S3 archive, the renderers (templates and
// chart font from the task root), the MIME composer, SES (through the configuration set, at a
// bounded rate) and the DynamoDB ledger, then runs deliverStep for one audience.
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { DynamoDbLedger } from '#adapters/ledger/dynamodb-ledger.ts';
import { SesTransport } from '#adapters/mail/ses-transport.ts';
import { throttledTransport } from '#adapters/mail/throttled-transport.ts';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { assetUrl } from '#asset-root';
import type { BriefingRenderer } from '#core/ports.ts';
import type { Locale } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { type ChartDrawer, createChartDrawer } from '#render/charts/draw-chart.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { type DeliverOutput, deliverEventSchema, deliverStep } from './steps/deliver-step.ts';
import { type DeliverConfig, deliverConfigSchema, readConfig } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';
import { parseEvent } from './support/run-input.ts';
import { errorForStateMachine } from './support/state-error.ts';

export interface DeliverDependencies {
  readonly config: DeliverConfig;
  readonly s3: S3Client;
  /** Built with maxAttempts: 1: the delivery's own retry is the only one. */
  readonly ses: SESv2Client;
  readonly dynamodb: DynamoDBClient;
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

/** Renderers per locale, made once per container; templates and font come from the task root. */
export function rendererCache(): (locale: Locale) => BriefingRenderer {
  const renderers = new Map<Locale, BriefingRenderer>();
  let drawer: ChartDrawer | undefined;
  return (locale) => {
    let renderer = renderers.get(locale);
    if (!renderer) {
      drawer ??= createChartDrawer({ fontFile: assetUrl('assets/fonts/chart-cjk-subset.ttf') });
      const chartDrawer = drawer;
      renderer = createBriefingRenderer({
        locale,
        drawChart: (spec) => chartDrawer.draw(spec),
        templatesDir: fileURLToPath(assetUrl('templates/')),
      });
      renderers.set(locale, renderer);
    }
    return renderer;
  };
}

export function createDeliverHandler(deps: DeliverDependencies) {
  const { config } = deps;
  const store = new S3ReportStore({ client: deps.s3, bucket: config.ARCHIVE_BUCKET });
  const rendererFor = rendererCache();
  const delivery = {
    transport: throttledTransport(
      new SesTransport({ client: deps.ses, configurationSetName: config.SES_CONFIGURATION_SET }),
      config.SES_SEND_RATE_PER_SECOND,
    ),
    ledger: new DynamoDbLedger({ client: deps.dynamodb, tableName: config.LEDGER_TABLE }),
    composer: createBriefingMessageComposer(),
    clock: { now: deps.now ?? (() => new Date()) },
  };
  return async (event: unknown, context?: Context): Promise<DeliverOutput> => {
    deps.log.withContext(context);
    let audience: string | undefined;
    try {
      const deliverEvent = parseEvent(deliverEventSchema, event, 'Deliver event');
      audience = deliverEvent.audience;
      return await deliverStep(
        deliverEvent,
        { key: config.RECIPIENTS_KEY, sendingDomain: config.SES_SENDING_DOMAIN },
        { store, rendererFor, delivery, log: deps.log },
        { leaseMs: config.DELIVERY_LEASE_SECONDS * 1000 },
      );
    } catch (error) {
      deps.log.error('audience not delivered', {
        audience,
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        errorStack: (error as Error).stack,
      });
      throw errorForStateMachine(error, context);
    }
  };
}

let cached: ReturnType<typeof createDeliverHandler> | undefined;

export const handler = (event: unknown, context: Context): Promise<DeliverOutput> => {
  cached ??= createDeliverHandler({
    config: readConfig(deliverConfigSchema),
    s3: new S3Client({}),
    ses: new SESv2Client({ maxAttempts: 1 }),
    dynamodb: new DynamoDBClient({}),
    log: createLambdaLogger(),
  });
  return cached(event, context);
};
