import { Command } from 'commander';
import pc from 'picocolors';
import { listDeadLetters, replayDeadLetterQueue } from './dead-letters.ts';
import { demoAccessToken } from './demo-accounts.ts';
import { fuzz } from './fuzz.ts';
import { infraDown, infraEnv, infraLogs, infraReset, infraRestart, infraStatus, infraUp } from './infra.ts';
import { lintOpenApi } from './openapi-lint.ts';
import { addPartnerApp, listPartnerApps, revokePartnerApp } from './partner-apps.ts';
import { platformUp } from './platform.ts';
import { platformStatus } from './platform-status.ts';
import { CliError } from './processes.ts';
import { ensureSchemathesis } from './schemathesis.ts';
import { testAll } from './test-run.ts';

const program = new Command('balai')
  .description('Balai: run the platform locally, its infrastructure and its tests')
  .showHelpAfterError();

const infra = program.command('infra').description('local Kafka (KRaft) and FerretDB, without containers');
infra
  .command('up')
  .description('start Kafka and FerretDB (idempotent)')
  .action(async () => {
    await infraUp();
  });
infra
  .command('down')
  .description('stop the processes `infra up` started')
  .action(() => infraDown());
infra
  .command('restart')
  .argument('<name>', 'kafka or ferretdb')
  .description('stop one of them and start it again; running services reconnect by themselves')
  .action((name: string) => infraRestart(name));
infra
  .command('status')
  .description('show what runs and whether it is ready')
  .action(async () => {
    process.exitCode = (await infraStatus()) ? 0 : 3;
  });
infra
  .command('logs')
  .argument('[name]', 'kafka or ferretdb (default both)')
  .description('follow the infrastructure logs')
  .action((name?: string) => infraLogs(name));
infra
  .command('reset')
  .description('stop and wipe all local Kafka and FerretDB data')
  .action(() => infraReset());
infra
  .command('env')
  .description('print KAFKA_BROKERS and MONGO_URL exports for tests and services')
  .action(() => {
    process.stdout.write(infraEnv());
  });

program
  .command('token')
  .argument('<login>', 'a demo account, e.g. warga@serang.example or admin@serang.example')
  .option('--tenant <code>', 'the tenant the account belongs to', '36.73')
  .description('sign a demo account in (code + PKCE through the gateway) and print its access token')
  .action(async (login: string, options: { tenant: string }) => {
    process.stdout.write(`${await demoAccessToken(login, options.tenant)}\n`);
  });

const partner = program
  .command('partner')
  .description('Open311 partner apps of a tenant, managed as its (demo) tenant admin through the gateway');
partner
  .command('add')
  .argument('<name>', 'the app\'s name, e.g. "Lapor Cepat"')
  .option('--tenant <code>', 'the tenant that registers it', '36.73')
  .option('--email <address>', 'who to reach about the app')
  .option('--admin <login>', "the tenant admin to act as (default: the demo tenant's admin)")
  .description('register a partner app and print its api_key (once; only stdout holds it)')
  .action((name: string, options: { tenant: string; email?: string; admin?: string }) => addPartnerApp(name, options));
partner
  .command('list')
  .option('--tenant <code>', 'the tenant', '36.73')
  .option('--admin <login>', "the tenant admin to act as (default: the demo tenant's admin)")
  .description("list the tenant's partner apps (no secrets)")
  .action((options: { tenant: string; admin?: string }) => listPartnerApps(options));
partner
  .command('revoke')
  .argument('<clientId>', 'the client_id `partner add` printed')
  .option('--tenant <code>', 'the tenant', '36.73')
  .option('--admin <login>', "the tenant admin to act as (default: the demo tenant's admin)")
  .description('revoke a partner app: its api_key stops getting tokens')
  .action((clientId: string, options: { tenant: string; admin?: string }) => revokePartnerApp(clientId, options));

const dlq = program.command('dlq').description("inspect and replay a consumer group's dead letters");
for (const [name, description, action] of [
  ['list', 'show each dead letter with its reason and attempts', listDeadLetters],
  [
    'replay',
    'send the letters not replayed before back to their topics (consumers apply them once)',
    replayDeadLetterQueue,
  ],
] as const) {
  dlq
    .command(name)
    .description(description)
    .option('--group <id>', 'consumer group', 'balai.analytics')
    .option('--brokers <list>', 'Kafka brokers (default: the local infrastructure)')
    .option('--prefix <prefix>', 'topic prefix the services use', '')
    .action((options: { group: string; brokers?: string; prefix?: string }) => action(options));
}

program
  .command('up')
  .description('start infrastructure and all services with demo data, keep them up; Ctrl-C stops everything')
  .option('--no-build', 'skip building the services')
  .action((options: { build: boolean }) => platformUp(options));

program
  .command('status')
  .description('show each process `up` runs: pid, state, restarts, uptime, log (exit 3 unless all are ready)')
  .action(async () => {
    process.exitCode = (await platformStatus()) ? 0 : 3;
  });

program
  .command('fuzz')
  .description(
    'fuzz the API from its OpenAPI document with schemathesis, against the whole platform in-process ' +
      '(the quick profile `test` runs; --long: at least 1,000 cases per operation)',
  )
  .option('--long', 'the long profile: 1,000 generated cases per operation, no time budget')
  .option('--seed <number>', "schemathesis' seed, to repeat a run")
  .option('--install-only', 'only install schemathesis (pinned, into .tools/schemathesis)')
  .option('--keep-infra', 'leave the infrastructure running afterwards')
  .action(async (options: { long?: boolean; seed?: string; installOnly?: boolean; keepInfra?: boolean }) => {
    if (options.installOnly) {
      await ensureSchemathesis();
      return;
    }
    process.exitCode = await fuzz({
      long: options.long === true,
      seed: options.seed,
      keepInfra: options.keepInfra === true,
    });
  });

const openapi = program.command('openapi').description("the gateway's OpenAPI document");
openapi
  .command('lint')
  .description('write the document to .data/reports/openapi.json and lint it with Redocly CLI and Spectral')
  .action(async () => {
    await lintOpenApi();
  });

program
  .command('test')
  .description('lint, typecheck, build, unit and integration tests against real Kafka and FerretDB')
  .option('--keep-infra', 'leave the infrastructure running afterwards')
  .action(async (options: { keepInfra?: boolean }) => {
    process.exitCode = await testAll({ keepInfra: options.keepInfra === true });
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CliError) {
    console.error(pc.red(`balai: ${error.message}`));
    process.exit(1);
  }
  throw error;
}
