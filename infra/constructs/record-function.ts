// The Record function: writes runs/<report>/<period>/status.json and the archive's front page.
// Its environment is the handler's recordConfigSchema; its grants, those two places only.
import { Duration } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { FunctionEnvironment, recordConfigSchema } from '#handlers/support/config.ts';
import { BriefingFunction } from './briefing-function.ts';

export interface RecordFunctionProps {
  readonly archiveBucket: s3.IBucket;
}

export class RecordFunction extends BriefingFunction {
  constructor(scope: Construct, id: string, props: RecordFunctionProps) {
    const environment: FunctionEnvironment<typeof recordConfigSchema> = {
      ARCHIVE_BUCKET: props.archiveBucket.bucketName,
    };
    // Writes one small JSON file and one HTML page.
    super(scope, id, {
      handlerFile: 'record-run.ts',
      description: 'Writes runs/<report>/<period>/status.json (sent, incomplete, held or failed) and the archive index',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment,
    });
    props.archiveBucket.grantRead(this.function, 'runs/*');
    props.archiveBucket.grantPut(this.function, 'runs/*');
    // The archive's front page (index.html), rewritten from a listing of the bucket.
    props.archiveBucket.grantRead(this.function, 'index.html');
    props.archiveBucket.grantPut(this.function, 'index.html');
  }
}
