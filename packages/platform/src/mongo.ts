import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger.js';

export type { Connection };

/**
 * Opens the service's own database. Pool and timeouts are set so a database outage fails
 * requests within seconds instead of queueing them forever.
 */
export async function connectMongo(options: { url: string; dbName: string; logger: Logger }): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    dbName: options.dbName,
    maxPoolSize: 20,
    minPoolSize: 1,
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: 30_000,
    heartbeatFrequencyMS: 5_000,
    // Indexes are created explicitly at start (syncIndexes), not lazily per model.
    autoIndex: false,
    autoCreate: true,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    throw new Error(`cannot reach MongoDB at ${redactUrl(options.url)}: ${(error as Error).message}`);
  }
  options.logger.info({ db: options.dbName }, 'MongoDB connected');
  return connection;
}

export async function pingMongo(connection: Connection): Promise<boolean> {
  try {
    await connection.db?.admin().ping();
    return connection.readyState === 1;
  } catch {
    return false;
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Runs a data migration (a backfill after a schema change) until it has completed once, then
 * never again: completion is recorded in the service's `migrations` collection, so a start does
 * not scan a collection for work that was finished long ago. `step` does a bounded part and
 * answers whether nothing is left; a start cut short, or several replicas starting together,
 * just run it again (steps must be idempotent).
 */
export async function migrateOnce(
  connection: Connection,
  name: string,
  step: () => Promise<boolean>,
): Promise<'done' | 'completed' | 'unfinished'> {
  const migrations = connection.collection<{ _id: string; completedAt: Date }>('migrations');
  if (await migrations.findOne({ _id: name })) return 'done';
  if (!(await step())) return 'unfinished';
  await migrations.updateOne({ _id: name }, { $setOnInsert: { completedAt: new Date() } }, { upsert: true });
  return 'completed';
}
