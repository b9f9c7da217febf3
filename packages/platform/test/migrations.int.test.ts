import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connectMongo, migrateOnce } from '../src/mongo.js';

const ns = testNamespace(import.meta.filename);
let connection: Connection;

beforeAll(async () => {
  connection = await connectMongo({
    url: infrastructureEndpoints().mongoUrl,
    dbName: ns.database('migrations'),
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe('migrateOnce', () => {
  it('should run a migration at each start until it has finished, and never after', async () => {
    const steps: boolean[] = [];
    const step = (finishes: boolean) => async () => {
      steps.push(finishes);
      return finishes;
    };
    expect(await migrateOnce(connection, 'test.backfill', step(false))).toBe('unfinished');
    expect(await migrateOnce(connection, 'test.backfill', step(true))).toBe('completed');
    expect(await migrateOnce(connection, 'test.backfill', step(true))).toBe('done');
    expect(steps).toEqual([false, true]);
    expect(await migrateOnce(connection, 'test.other', step(true))).toBe('completed');
  });
});
