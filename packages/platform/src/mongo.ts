import { MongoClient } from 'mongodb';
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

/** MongoDB's code for a write that would break a unique index (FerretDB answers the same). */
export const duplicateKeyCode = 11000;

/** Whether a write failed on a unique index: an insert that races another, an id already taken. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === duplicateKeyCode;
}

export async function pingMongo(connection: Connection): Promise<boolean> {
  try {
    await connection.db?.admin().ping();
    return connection.readyState === 1;
  } catch {
    return false;
  }
}

/** Whether a new client, of its own, reaches the store and gets an answer to a ping within a few seconds. */
export async function storeReachable(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3_000, connectTimeoutMS: 3_000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * Notices a service's MongoDB connection that stays broken while the store itself answers,
 * and calls `onWedged` once. Found by the fault benchmark (docs/RELIABILITY.md, "Faults under
 * load"): after FerretDB restarted, one complaints process's driver failed every operation for
 * minutes with the error of the restart ("connection 2 to 127.0.0.1:27017 closed"), its server
 * "Unknown" and its monitor opening no connection, while every other service had reconnected
 * within seconds. A readiness that stays false does not heal that; a new process does. So, when
 * pings have failed for `afterMs` and a new client reaches the store, the process is told to
 * stop (runMain: gracefully) and its supervisor (`./balai up`, the kubelet) starts it again. A
 * store that is down for everyone is not this: nothing is restarted for it.
 */
export function watchStoreConnection(options: {
  ping: () => Promise<boolean>;
  reachable: () => Promise<boolean>;
  onWedged: () => void;
  logger: Logger;
  afterMs?: number;
  everyMs?: number;
}): { stop(): void } {
  const afterMs = options.afterMs ?? 60_000;
  let lastOk = Date.now();
  let checking = false;
  let told = false;
  const timer = setInterval(async () => {
    if (checking || told) return;
    checking = true;
    try {
      if (await options.ping()) {
        lastOk = Date.now();
        return;
      }
      const failingForMs = Date.now() - lastOk;
      if (failingForMs < afterMs || !(await options.reachable())) return;
      told = true;
      options.logger.error(
        { failingForMs },
        'the store answers a new connection but not this process: stopping so that it is started again',
      );
      options.onWedged();
    } finally {
      checking = false;
    }
  }, options.everyMs ?? 5_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
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
