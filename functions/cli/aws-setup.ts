// What to set when --target aws cannot reach AWS for want of a region or credentials: the SDK's
// own errors ("Region is missing", CredentialsProviderError) say what is missing but not how an
// operator of this tool supplies it.

const REGION_MISSING = /region is missing/i;
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
]);

/** One line saying what to set, or undefined for any other error. */
export function awsSetupHint(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (REGION_MISSING.test(error.message)) {
    return '--target aws needs an AWS region: pass --region (e.g. --region cn-north-1) or set AWS_REGION (or a region in the AWS_PROFILE you use)';
  }
  if (CREDENTIAL_ERRORS.has(error.name)) {
    return `--target aws found no valid AWS credentials (${error.message.split('\n')[0]}): set AWS_PROFILE to a configured profile (run "aws sso login --profile NAME" when it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  return undefined;
}
