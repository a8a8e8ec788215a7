// A Lambda function of the briefings: one handler file of functions/handlers bundled by a local
// esbuild (no Docker) into one ESM file, with the runtime files it reads (SQL, templates, fonts)
// copied beside it under the same relative paths, its own role and log group, and JSON logs
// through Powertools. Step Functions invokes the run's functions synchronously, so only the
// schedules' starter, invoked asynchronously, has a failure destination. The subclasses (prepare-, deliver-, record-function.ts)
// build each function's environment from its handler's config schema and make its grants.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The repository root: entry points, the lock file and the runtime files are found from it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Native packages a bundle cannot inline: left external and copied with their binary. */
export type NativePackage = '@resvg/resvg-js';

/**
 * The esbuild settings of every handler bundle, exported so that the benchmark builds the same
 * bundles it measures. No bundle carries juice or Vega-Lite: the mail CSS is inlined at build time
 * (scripts/inline-mail-css.ts) and the charts fill Vega templates compiled from Vega-Lite at build
 * time (functions/chartgen).
 */
export const BUNDLE_TARGET = 'node22';
/**
 * The SDK's credential providers that a Lambda never reaches, left to the runtime's own copy of
 * the SDK: Lambda puts the role's credentials in the environment, so the default chain stops at
 * fromEnv, and the chain loads these (SSO, shared ini files, process, web identity, and the STS
 * and SSO clients they use) only by import() after fromEnv has failed. About 100 kB of every
 * bundle; test/infra/bundles.test.ts checks that they are only ever imported dynamically.
 */
export const UNREACHED_CREDENTIAL_PROVIDERS: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
];
/** CommonJS dependencies inside an ESM bundle still call require() for Node built-ins. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __mnpCreateRequire } from 'node:module'; const require = __mnpCreateRequire(import.meta.url);";

export interface BriefingFunctionProps {
  /** The handler file, relative to functions/handlers/, e.g. "prepare.ts". */
  readonly handlerFile: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Built by the subclass as a FunctionEnvironment of its handler's config schema. */
  readonly environment: Readonly<Record<string, string>>;
  /** Repository folders the code reads at run time (see functions/asset-root.ts). @default none */
  readonly runtimeFiles?: readonly string[];
  /** @default none */
  readonly nativePackages?: readonly NativePackage[];
  /** @default ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** Receives the events of asynchronous invocations that failed (no retry). @default - synchronous only: none */
  readonly failureQueue?: sqs.IQueue;
  /** Instances that may run at once. @default - unreserved (the account's pool) */
  readonly reservedConcurrentExecutions?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

function nativeBinaryPackage(name: NativePackage, architecture: lambda.Architecture): string {
  const cpu = architecture === lambda.Architecture.ARM_64 ? 'arm64' : 'x64';
  return `${name}-linux-${cpu}-gnu`;
}

function copyCommands(inputDir: string, outputDir: string, paths: readonly string[]): string[] {
  return paths.map(
    (path) => `mkdir -p "${join(outputDir, path, '..')}" && cp -R "${join(inputDir, path)}" "${join(outputDir, path)}"`,
  );
}

export class BriefingFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BriefingFunctionProps) {
    super(scope, id);
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;
    const natives = (props.nativePackages ?? []).flatMap((name) => [name, nativeBinaryPackage(name, architecture)]);
    for (const name of natives) {
      if (!existsSync(join(REPO_ROOT, 'node_modules', name))) {
        throw new Error(
          `${id} needs node_modules/${name} (the ${architecture.name} build of a native package); ` +
            `install it, or choose the architecture whose binary is installed`,
        );
      }
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role, with only what the stack grants it (no managed policy).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);
    const copied = [...(props.runtimeFiles ?? []), ...natives.map((name) => `node_modules/${name}`)];
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, 'functions/handlers', props.handlerFile),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { POWERTOOLS_SERVICE_NAME: 'mnp-briefings', ...props.environment },
      ...(props.failureQueue ? { onFailure: new SqsDestination(props.failureQueue), retryAttempts: 0 } : {}),
      ...(props.reservedConcurrentExecutions
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        // Error class names must survive minification: the state machine retries and catches by name.
        keepNames: true,
        // No source maps: they would double the upload and slow cold starts; names are kept.
        sourceMap: false,
        // The SDK clients travel in the bundle, at the versions the tests ran against.
        bundleAwsSDK: true,
        externalModules: [...(props.nativePackages ?? []), ...UNREACHED_CREDENTIAL_PROVIDERS],
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        banner: ESM_REQUIRE_BANNER,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => copyCommands(inputDir, outputDir, copied),
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 (LTS, supported into 2027) is the runtime the code is tested for: it must also run on the Node 20 of the ' +
        'build machines, and 22 is the nearest Lambda runtime to that baseline. Moving to 24 is the runtime line above.',
    });
  }
}
