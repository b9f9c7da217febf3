import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher.js';

// Small parameters keep the unit test fast; the format and checks are the same.
const hasher = new PasswordHasher({ memory: 1024, passes: 1, parallelism: 1 });

describe('password hashing', () => {
  it('should store argon2id with its parameters and a salt of its own per password', async () => {
    const first = await hasher.hash('kopi-tubruk-pagi-hari');
    const second = await hasher.hash('kopi-tubruk-pagi-hari');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
  });

  it('should accept the right password and refuse a wrong one', async () => {
    const stored = await hasher.hash('kopi-tubruk-pagi-hari');
    expect(await hasher.verify(stored, 'kopi-tubruk-pagi-hari')).toBe(true);
    expect(await hasher.verify(stored, 'kopi-tubruk-pagi-harI')).toBe(false);
  });

  it('should refuse, not throw, when the stored hash is malformed', async () => {
    expect(await hasher.verify('$2b$10$notargon', 'x')).toBe(false);
    expect(await hasher.verify('', 'x')).toBe(false);
  });

  it('should ask for a re-hash when the stored parameters are weaker than the current ones', async () => {
    const stored = await hasher.hash('kopi-tubruk-pagi-hari');
    expect(hasher.needsRehash(stored)).toBe(false);
    expect(new PasswordHasher({ memory: 2048, passes: 1, parallelism: 1 }).needsRehash(stored)).toBe(true);
    expect(
      await new PasswordHasher({ memory: 2048, passes: 2, parallelism: 1 }).verify(stored, 'kopi-tubruk-pagi-hari'),
    ).toBe(true);
  });
});
