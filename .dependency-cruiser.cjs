// The layer rules of docs/design.md ("The layers of the code and the rules between them"), checked by
// `npm run lint` (depcruise). Imports through the package.json subpath aliases (#core/…) and
// relative paths resolve to the same files, so a rule catches both spellings.
// Type-only imports count too (tsPreCompilationDeps): a layer may not even name another's types.

/** Folders of the code that runs in production (locally through the CLI, or in the Lambdas). */
const RUNTIME = '^functions/(core|sql|render|adapters|handlers)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-outer-layer',
      comment:
        'functions/core is the pure centre: the adapters, render, sql, CLI, handlers, the generators and infra ' +
        'depend on it, never the other way round. Declare a port in core/ports.ts instead.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { path: '^(functions/(adapters|render|sql|cli|handlers|lakegen|chartgen)/|infra/)' },
    },
    {
      name: 'core-does-no-io',
      comment:
        'functions/core does no I/O: no file system, network, processes, AWS SDK, DuckDB, Handlebars or mail. ' +
        'Reach the outside world through a port the adapters implement.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster)$',
          '^node_modules/(@aws-sdk|@duckdb|handlebars|nodemailer|juice|vega[a-z-]*|@resvg)/',
        ],
      },
    },
    {
      name: 'handler-imports-no-cli',
      comment: 'A Lambda handler wires adapters and calls the core; the CLI is the other driver, not a library.',
      severity: 'error',
      from: { path: '^functions/handlers/' },
      to: { path: '^functions/cli/' },
    },
    {
      name: 'render-imports-no-adapter-or-driver',
      comment: 'Rendering turns a model into HTML, text, charts and MIME; it reads and sends nothing itself.',
      severity: 'error',
      from: { path: '^functions/render/' },
      to: { path: '^functions/(adapters|cli|handlers)/' },
    },
    {
      name: 'sql-imports-no-adapter-or-driver',
      comment: 'The metric SQL is one dialect for every engine; the engine adapters run it, not the other way round.',
      severity: 'error',
      from: { path: '^functions/sql/' },
      to: { path: '^functions/(adapters|cli|handlers)/' },
    },
    {
      name: 'adapter-imports-no-driver',
      comment: 'An adapter implements a port of the core; the CLI and the handlers choose and build adapters.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/(cli|handlers)/' },
    },
    {
      name: 'runtime-imports-no-css-inliner',
      comment:
        'The mail CSS is inlined once, at build time, by scripts/inline-mail-css.ts (npm run build:mail-css): ' +
        'nothing under functions/ (the CLI and the Lambdas) imports juice or its HTML parser, so no bundle carries them.',
      severity: 'error',
      from: { path: '^functions/' },
      to: {
        path: '^node_modules/(juice|cheerio|cheerio-select|htmlparser2|css-select|domhandler|domutils|mensch|web-resource-inliner)/',
      },
    },
    {
      name: 'runtime-imports-no-lake-generator',
      comment: 'functions/lakegen is a test-data tool: nothing that runs reports (and no Lambda bundle) may import it.',
      severity: 'error',
      from: { path: RUNTIME },
      to: { path: '^functions/lakegen/' },
    },
    {
      name: 'cli-imports-lake-generator-only-for-generate',
      comment:
        'Only the `generate` command (which `demo` calls) is the front end of the lake generator; the report ' +
        'commands of the CLI are a runtime like the handlers.',
      severity: 'error',
      from: { path: '^functions/cli/', pathNot: '^functions/cli/commands/generate[.]ts$' },
      to: { path: '^functions/lakegen/' },
    },
    {
      name: 'infra-imports-no-lake-generator',
      comment: 'The stacks describe the lake from the contract in reference/, not from the test-data generator.',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^functions/lakegen/' },
    },
    {
      name: 'only-chart-generator-imports-vega-lite',
      comment:
        'The charts fill Vega templates compiled from Vega-Lite at build time (functions/chartgen, npm run ' +
        'charts:compile): no Lambda bundle and no CLI run loads the compiler. Tests may, to check the templates.',
      severity: 'error',
      from: { path: '^(functions|infra|bin)/', pathNot: '^functions/chartgen/' },
      to: { path: '^node_modules/vega-lite/' },
    },
    {
      name: 'runtime-imports-no-chart-generator',
      comment: 'functions/chartgen is a build step (it imports vega-lite); what runs reports fills its output.',
      severity: 'error',
      from: { path: '^(functions/(core|sql|render|adapters|handlers|cli|lakegen)/|infra/|bin/)' },
      to: { path: '^functions/chartgen/' },
    },
    {
      name: 'code-imports-no-tool',
      comment: 'bench/, scripts/ and test/ use the code; the code (and the CDK app) never depends on them.',
      severity: 'error',
      from: { path: '^(functions|infra)/' },
      to: { path: '^(bench|scripts|test)/' },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle of run-time imports makes two modules one; split out what both need. Type-only imports ' +
        'vanish at run time and may go both ways.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import the checker cannot resolve would slip past every rule above (aws-lambda is the types-only ' +
        'package @types/aws-lambda).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // What the tools write (the benchmark's bundles and lakes, cdk.out) is output, not code: git ignores it too.
    exclude: { path: '(^|/)(\\.cache|cdk\\.out|test/\\.artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolves the package.json "imports" aliases (#core/*, …) as Node does.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
