import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * deploy/local/ferretdb/patches/05: a deleteMany that matches more documents than SQLite takes
 * variables in one statement (32,766) deletes them all; upstream FerretDB refused it with "too
 * many SQL variables" and deleted nothing. MongoDB does it anyway, so the test runs on both.
 */

const ns = testNamespace(import.meta.filename);
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  db = client.db(ns.database('store'));
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

describe('deleteMany past SQLite’s variable limit', () => {
  it('should delete all 40,000 matching documents and keep the ones the filter does not match', async () => {
    const rows = db.collection<{ _id: string; batch: string; n: number }>('rows');
    for (let start = 0; start < 40_500; start += 5_000) {
      const size = Math.min(5_000, 40_500 - start);
      await rows.insertMany(
        Array.from({ length: size }, (_, offset) => {
          const n = start + offset;
          return { _id: `row-${n}`, batch: n < 40_000 ? 'old' : 'new', n };
        }),
      );
    }

    const { deletedCount } = await rows.deleteMany({ batch: 'old' });

    expect(deletedCount).toBe(40_000);
    expect(await rows.countDocuments({})).toBe(500);
    expect(await rows.countDocuments({ batch: 'old' })).toBe(0);
  }, 120_000);
});
