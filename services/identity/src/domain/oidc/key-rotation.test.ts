import { describe, expect, it } from 'vitest';
import { type KeyTimeline, planKeys, type RotationPolicy, selectKeys } from './key-rotation.js';

const minute = 60_000;
const day = 24 * 60 * minute;
const policy: RotationPolicy = { rotateAfterMs: 30 * day, publishAheadMs: 10 * minute, retireAfterMs: 61 * minute };
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function key(generation: number, createdAt: Date, activatesAt = createdAt, retiresAt?: Date): KeyTimeline {
  return { id: `jws:${generation}`, generation, createdAt, activatesAt, ...(retiresAt ? { retiresAt } : {}) };
}

describe('planKeys', () => {
  it('should create a key that signs at once when there is none', () => {
    expect(planKeys([], t0, policy)).toEqual({ create: { generation: 1, activatesAt: t0 }, retire: [], purge: [] });
  });

  it('should leave a young key alone', () => {
    expect(planKeys([key(1, t0)], at(29 * day), policy)).toEqual({ retire: [], purge: [] });
  });

  it('should publish a successor ahead of its use and retire the old key after the longest token lifetime', () => {
    const now = at(30 * day);
    const plan = planKeys([key(1, t0)], now, policy);
    const activatesAt = at(30 * day + 10 * minute);
    expect(plan.create).toEqual({ generation: 2, activatesAt });
    expect(plan.retire).toEqual([{ id: 'jws:1', retiresAt: at(30 * day + 10 * minute + 61 * minute) }]);
  });

  it('should not create a second successor while one is pending', () => {
    const keys = [key(1, t0, t0, at(30 * day + 71 * minute)), key(2, at(30 * day), at(30 * day + 10 * minute))];
    expect(planKeys(keys, at(30 * day + minute), policy)).toEqual({ retire: [], purge: [] });
  });

  it('should purge keys past their retirement and number new keys after every stored one', () => {
    const keys = [key(1, t0, t0, at(day)), key(2, at(2 * day), at(2 * day))];
    const plan = planKeys(keys, at(33 * day), policy);
    expect(plan.purge).toEqual(['jws:1']);
    expect(plan.create?.generation).toBe(3);
  });

  it('should start over at once when every key has retired (a long outage)', () => {
    const plan = planKeys([key(4, t0, t0, at(day))], at(90 * day), policy);
    expect(plan.create).toEqual({ generation: 5, activatesAt: at(90 * day) });
    expect(plan.purge).toEqual(['jws:4']);
  });
});

describe('selectKeys', () => {
  const old = key(1, t0, t0, at(30 * day + 71 * minute));
  const next = key(2, at(30 * day), at(30 * day + 10 * minute));

  it('should keep signing with the old key while its successor is only published', () => {
    const selection = selectKeys([old, next], at(30 * day + 5 * minute));
    expect(selection?.signing.id).toBe('jws:1');
    expect(selection?.verifyOnly.map((k) => k.id)).toEqual(['jws:2']);
  });

  it('should sign with the successor once active and still publish the old key', () => {
    const selection = selectKeys([old, next], at(30 * day + 11 * minute));
    expect(selection?.signing.id).toBe('jws:2');
    expect(selection?.verifyOnly.map((k) => k.id)).toEqual(['jws:1']);
  });

  it('should stop publishing a retired key', () => {
    const selection = selectKeys([old, next], at(30 * day + 72 * minute));
    expect(selection?.verifyOnly).toEqual([]);
  });

  it('should select nothing when there is no live key', () => {
    expect(selectKeys([key(1, t0, t0, at(day))], at(2 * day))).toBeUndefined();
  });
});
