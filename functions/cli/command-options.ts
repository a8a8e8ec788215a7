// The options several commands share, declared once so that run, rerun, backfill and preview
// read the same words the same way (their values are validated in options.ts).
import { type Command, Option } from 'commander';
import { withEngineOptions } from './engine-options.ts';

export const DEFAULT_RECIPIENTS_FILE = 'config/recipients.json';

export function withLakeOptions(command: Command, defaultOut = 'out'): Command {
  command
    .option('--lake <dir>', 'lake folder', 'lake')
    .option('--out <dir>', 'output folder: the archive of reports, the run journal, the ledger', defaultOut)
    .option('--locale <locale>', 'zh-CN or en for every audience (default: per recipient configuration)')
    .option('--home-operator <code>', 'the operator whose headquarters reads the briefings', 'CMCC')
    .option('--recipients <file>', 'recipients configuration', DEFAULT_RECIPIENTS_FILE)
    .option('--json', 'print a JSON summary for scripts')
    .option('--verbose', 'log each query to stderr');
  withEngineOptions(command);
  return command;
}

/**
 * --audience, and --province as another name for it: the provincial report's first issue named
 * it so, and scripts written then keep working. Hidden from --help: one name is documented.
 */
export function withAudienceOption(command: Command, description: string): Command {
  command.option('--audience <code...>', description);
  command.addOption(new Option('--province <code...>', 'another name for --audience (province codes)'));
  command.on('option:province', (code: string) => {
    const given = (command.getOptionValue('audience') as string[] | undefined) ?? [];
    command.setOptionValue('audience', [...given, code]);
  });
  return command;
}

export function withDeliveryOptions(command: Command): Command {
  return command
    .option('--transport <kind>', 'file (write .eml files), smtp or ses', 'file')
    .option('--smtp-url <url>', 'the SMTP server for --transport smtp, e.g. smtp://127.0.0.1:2525')
    .option(
      '--outbox <dir>',
      'folder for the .eml files of --transport file (default: OUT/<report>/<period>/<audience>/outbox)',
    )
    .option('--ses-region <region>', 'the SES region for --transport ses (default: the AWS SDK configuration)')
    .option('--ses-endpoint <url>', 'another SES endpoint, e.g. a local emulator')
    .option('--ses-configuration-set <name>', 'the SES configuration set for delivery events')
    .option('--ledger <dir>', 'the delivery ledger folder (default: OUT/ledger)')
    .option('--rate <perSecond>', 'messages per second over the whole run, for smtp and ses', '5')
    .option('--dry-run', 'build and write message.eml, send nothing, record nothing')
    .option(
      '--allow-incomplete',
      'run although partitions lack _SUCCESS; the reports carry a "data incomplete" banner',
    );
}

export function withTargetOptions(command: Command): Command {
  return command
    .option('--target <where>', 'local (the lake folder and OUT) or aws (a deployed stage)', 'local')
    .option('--stage <stage>', 'the deployed stage for --target aws: dev or prod')
    .option('--region <region>', 'the AWS region for --target aws (default: the AWS SDK configuration)');
}
