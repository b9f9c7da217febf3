import { join } from 'node:path';
import ora from 'ora';
import pc from 'picocolors';
import { demoAccessToken, demoAccounts, demoPassword, demoPasswordFile } from './demo-accounts.ts';
import { infraDown, infraUp } from './infra.ts';
import { CliError, requirePortsFree, run } from './processes.ts';
import { kafkaBrokers, mongoUrl, settings } from './settings.ts';
import { type ProcessSpec, Supervisor } from './supervisor.ts';

interface ServiceSpec {
  name: string;
  httpPort: number;
  /** /readyz and /metrics, where not on httpPort (the gateway's public port answers /healthz alone). */
  opsPort?: number;
  grpcPort?: number;
  env: Record<string, string>;
  color: (text: string) => string;
}

function serviceSpecs(): ServiceSpec[] {
  const gatewayUrl = `http://127.0.0.1:${settings.ports.gateway}`;
  const infra = { MONGO_URL: mongoUrl(), KAFKA_BROKERS: kafkaBrokers(), OUTBOX_POLL_INTERVAL_MS: '500' };
  return [
    {
      name: 'identity',
      httpPort: 7101,
      grpcPort: 7201,
      // Tokens name the provider as apps reach it: through the gateway.
      // Codes for registration and staff activation appear in identity's log (development only).
      env: {
        ...infra,
        SEED_DEMO_DATA: 'true',
        DEMO_PASSWORD: demoPassword(),
        NOTIFICATION_SENDER: 'log',
        OIDC_ISSUER: `${gatewayUrl}/oidc`,
      },
      color: pc.magenta,
    },
    { name: 'permits', httpPort: 7103, grpcPort: 7203, env: { ...infra, SEED_DEMO_DATA: 'true' }, color: pc.blue },
    {
      name: 'complaints',
      httpPort: 7102,
      grpcPort: 7202,
      // identity's gRPC port above: assignment checks, escalation to supervisors, the reopen window.
      env: { ...infra, SEED_DEMO_DATA: 'true', IDENTITY_GRPC_TARGET: '127.0.0.1:7201' },
      color: pc.yellow,
    },
    { name: 'analytics', httpPort: 7105, grpcPort: 7205, env: infra, color: pc.cyan },
    {
      name: 'gateway',
      httpPort: settings.ports.gateway,
      opsPort: 7104,
      // MongoDB holds the rate-limit windows, the gateway's only state.
      env: {
        MONGO_URL: mongoUrl(),
        OPS_HTTP_PORT: '7104',
        PUBLIC_URL: gatewayUrl,
        OIDC_ISSUER: `${gatewayUrl}/oidc`,
        IDENTITY_HTTP_URL: 'http://127.0.0.1:7101',
      },
      color: pc.green,
    },
  ];
}

/** One line of a service's pino output, shortened for the combined stream. */
function formatLine(line: string): string {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const { level, time, msg, pid, hostname, service, name, ...rest } = entry;
    const label = (
      { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' } as Record<number, string>
    )[Number(level)];
    const extra = Object.keys(rest).length > 0 ? ` ${pc.dim(JSON.stringify(rest))}` : '';
    const levelText = Number(level) >= 50 ? pc.red(label ?? '') : Number(level) >= 40 ? pc.yellow(label ?? '') : label;
    return `${String(time ?? '').slice(11, 23)} ${levelText} ${msg ?? ''}${extra}`;
  } catch {
    return line;
  }
}

/** How the supervisor runs a service: from its build, output to its log and, prefixed, the console. */
function processSpec(spec: ServiceSpec): ProcessSpec {
  const env: Record<string, string> = { ...spec.env, HTTP_PORT: String(spec.httpPort), LOG_LEVEL: 'info' };
  if (spec.grpcPort) env.GRPC_PORT = String(spec.grpcPort);
  // The telemetry bootstrap loads first, so HTTP, gRPC and MongoDB are instrumented.
  const instrument = join(settings.root, 'packages/platform/dist/telemetry/instrument.js');
  const main = join(settings.root, 'services', spec.name, 'dist/main.js');
  const prefix = spec.color(`[${spec.name.padEnd(10)}]`);
  return {
    name: spec.name,
    command: process.execPath,
    args: ['--import', instrument, main],
    cwd: settings.root,
    env: { ...process.env, ...env },
    opsPort: spec.opsPort ?? spec.httpPort,
    logPath: join(settings.logs, `${spec.name}.log`),
    onLine: (line) => console.log(`${prefix} ${formatLine(line)}`),
  };
}

const demoComplaints = [
  {
    categoryCode: 'roads.pothole',
    description: 'Jalan berlubang di Jl. Ahmad Yani dekat Alun-alun Serang',
    latitude: -6.1201,
    longitude: 106.1503,
  },
  {
    categoryCode: 'drainage.flooding',
    description: 'Saluran air tersumbat, banjir setiap hujan di Cipocok Jaya',
    latitude: -6.1389,
    longitude: 106.1712,
  },
  {
    categoryCode: 'waste.illegal-dumping',
    description: 'Tumpukan sampah liar di pinggir Sungai Cibanten',
    latitude: -6.1102,
    longitude: 106.1588,
  },
  {
    categoryCode: 'lighting.streetlight-out',
    description: 'Lampu penerangan jalan mati di Jl. Veteran sejak seminggu',
    latitude: -6.1175,
    longitude: 106.1541,
  },
];

/** Seeds demo complaints through the gateway (the real path, signed in as the demo citizen), once. */
async function seedDemoComplaints(gateway: string): Promise<void> {
  const analyst = await demoAccessToken('analis@serang.example', '36.73');
  const summary = await fetch(`${gateway}/v1/analytics/complaints/summary`, {
    headers: { authorization: `Bearer ${analyst}` },
  });
  const { submittedTotal } = (await summary.json()) as { submittedTotal: number };
  if (submittedTotal > 0) {
    console.log(`${pc.green('✔')} demo complaints already present (${submittedTotal} in Kota Serang)`);
    return;
  }
  const citizen = await demoAccessToken('warga@serang.example', '36.73');
  for (const complaint of demoComplaints) {
    const response = await fetch(`${gateway}/v1/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${citizen}` },
      body: JSON.stringify(complaint),
    });
    if (response.status !== 201)
      throw new CliError(`seeding a demo complaint failed: ${response.status} ${await response.text()}`);
  }
  console.log(`${pc.green('✔')} ${demoComplaints.length} demo complaints submitted through the gateway`);
}

/** The main job: infrastructure, build, all five services, demo data; runs until Ctrl-C. */
export async function platformUp(options: { build: boolean }): Promise<void> {
  const specs = serviceSpecs();
  await requirePortsFree(
    'the platform',
    specs.flatMap((spec) => [
      [`${spec.name} HTTP`, spec.httpPort, spec.name === 'gateway' ? 'BALAI_GATEWAY_PORT' : '(fixed)'] as [
        string,
        number,
        string,
      ],
      ...(spec.opsPort ? [[`${spec.name} ops HTTP`, spec.opsPort, '(fixed)'] as [string, number, string]] : []),
      ...(spec.grpcPort ? [[`${spec.name} gRPC`, spec.grpcPort, '(fixed)'] as [string, number, string]] : []),
    ]),
  );
  const startedInfra = await infraUp();
  const supervisor = new Supervisor({ stateFile: settings.platformState });
  const stopAll = async (code: number) => {
    if (supervisor.stopping) return;
    console.log(pc.bold('\nstopping the platform ...'));
    await supervisor.stop();
    await infraDown(startedInfra);
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  try {
    if (options.build) {
      console.log(pc.bold('building the services ...'));
      await run('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only']);
    }
    for (const spec of specs) {
      const spinner = ora(`${spec.name}: starting`).start();
      try {
        await supervisor.start(processSpec(spec));
      } catch (error) {
        spinner.fail(`${spec.name}: did not start`);
        throw error;
      }
      const ports = [
        `http ${spec.httpPort}`,
        spec.opsPort && `ops ${spec.opsPort}`,
        spec.grpcPort && `grpc ${spec.grpcPort}`,
      ];
      spinner.succeed(`${spec.name} ready (${ports.filter(Boolean).join(', ')})`);
    }
    const gateway = `http://127.0.0.1:${settings.ports.gateway}`;
    await seedDemoComplaints(gateway);
    console.log(`
${pc.bold('Balai is up.')} A service that dies is restarted. Press Ctrl-C to stop everything.

  Gateway            ${gateway}
  OpenAPI document   ${gateway}/openapi.json
  Sign-in (OIDC)     ${gateway}/oidc/.well-known/openid-configuration   (web client: balai-web)
  Demo accounts      ${demoAccounts.join(', ')}
                     password in ${demoPasswordFile()}
  An access token    TOKEN=$(./balai token warga@serang.example)        (another shell)
  Submit a complaint curl -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
                       -d '{"categoryCode":"roads.pothole","description":"Jalan berlubang di depan sekolah","latitude":-6.12,"longitude":106.15}' \\
                       ${gateway}/v1/complaints
  Complaint summary  curl -H "Authorization: Bearer $(./balai token analis@serang.example)" ${gateway}/v1/analytics/complaints/summary
  Kafka              ${kafkaBrokers()}   (topic balai.complaints.v1)
  MongoDB (FerretDB) ${mongoUrl()}
  Logs               ${settings.logs}/<service>.log
  Processes          ./balai status   (pids, restarts, readiness)
`);
  } catch (error) {
    // After Ctrl-C during start-up, the service being started exits too: that is no error.
    if (!supervisor.stopping) {
      console.error(pc.red(error instanceof Error ? error.message : String(error)));
      await stopAll(1);
    }
  }
  await new Promise(() => {});
}
