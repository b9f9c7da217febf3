import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoRateLimitStore, type RateLimitCount } from '../src/http/rate-limit-store.js';

const ns = testNamespace(import.meta.filename);
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  db = client.db(ns.database('gateway'));
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

const incr = (store: MongoRateLimitStore, key: string, windowMs = 60_000) =>
  new Promise<RateLimitCount>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs),
  );

describe('MongoRateLimitStore', () => {
  it('should count concurrent requests of several gateway instances without losing one', async () => {
    // Two stores on two connections: two gateway instances sharing the database.
    const other = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
    try {
      const stores = [
        new MongoRateLimitStore(db.collection('rate_limit_windows')),
        new MongoRateLimitStore(other.db(db.databaseName).collection('rate_limit_windows')),
      ];
      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, index) => incr(stores[index % 2] as MongoRateLimitStore, 'token:ip:10.0.0.1')),
      );
      expect(counts.map((count) => count.current).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, index) => index + 1),
      );
      expect((await incr(stores[0] as MongoRateLimitStore, 'token:ip:10.0.0.2')).current).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('should start a new count in the next window and prune the windows that ended', async () => {
    let now = Date.UTC(2026, 11, 2, 8, 0, 0);
    const store = new MongoRateLimitStore(db.collection('rate_limit_windows'), () => now);
    expect(await incr(store, 'reads:user:u-1')).toEqual({ current: 1, ttl: 60_000 });
    now += 30_000;
    expect(await incr(store, 'reads:user:u-1')).toEqual({ current: 2, ttl: 30_000 });
    now += 30_000;
    expect(await incr(store, 'reads:user:u-1')).toEqual({ current: 1, ttl: 60_000 });
    expect(await store.prune()).toBeGreaterThanOrEqual(1);
    const left = await db
      .collection('rate_limit_windows')
      .find({ _id: { $regex: '^reads:user:u-1' } } as never)
      .toArray();
    expect(left).toHaveLength(1);
  });
});
