import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything the CLI takes from the environment, read once. */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return value;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const data = process.env.BALAI_DATA_DIR ? resolve(process.env.BALAI_DATA_DIR) : join(root, '.data');

export const settings = {
  root,
  tools: join(root, '.tools'),
  data,
  logs: join(data, 'logs'),
  run: join(data, 'run'),
  /** What `./balai up` supervises, for `./balai status`. */
  platformState: join(data, 'run', 'platform.json'),
  reports: join(data, 'reports'),
  ci: process.env.CI === 'true',
  /** The Chromium the browser test drives; ensureChromium installs Debian's when it is the default. */
  chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  ports: {
    kafka: port('BALAI_KAFKA_PORT', 9092),
    kafkaController: port('BALAI_KAFKA_CONTROLLER_PORT', 9093),
    mongo: port('BALAI_MONGO_PORT', 27017),
    ferretdbDebug: port('BALAI_FERRETDB_DEBUG_PORT', 8088),
    gateway: port('BALAI_GATEWAY_PORT', 8080),
  },
};

export function kafkaBrokers(): string {
  return `127.0.0.1:${settings.ports.kafka}`;
}

export function mongoUrl(): string {
  return `mongodb://127.0.0.1:${settings.ports.mongo}/`;
}
