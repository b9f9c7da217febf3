import { describe, expect, it } from 'vitest';
import { memoryOtpCodes } from '../../data/users/otp-repository.fixture.js';
import type { CodeSlot } from '../../data/users/otp-repository.js';
import { maxCodeAttempts, newCode, OneTimeCodes } from './one-time-codes.js';

const slot: CodeSlot = { tenantId: '36.73', userId: 'u-1', channel: 'email', purpose: 'verification' };

function setup(start = new Date('2026-11-29T08:00:00Z')) {
  let now = start;
  const memory = memoryOtpCodes();
  const codes = new OneTimeCodes(memory.repository, () => now);
  return { codes, memory, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const tenMinutes = 10 * 60_000;

describe('one-time codes', () => {
  it('should make six-digit codes', () => {
    for (let i = 0; i < 50; i += 1) expect(newCode()).toMatch(/^\d{6}$/);
  });

  it('should store only a salted hash of the code', async () => {
    const { codes, memory } = setup();
    const code = await codes.issue(slot, tenMinutes);
    expect(JSON.stringify(memory.stored(slot))).not.toContain(code);
    expect(memory.stored(slot)?.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should accept the right code once', async () => {
    const { codes } = setup();
    const code = await codes.issue(slot, tenMinutes);
    expect(await codes.verify(slot, code)).toBe(true);
    expect(await codes.verify(slot, code)).toBe(false);
  });

  it('should refuse the right code after it expired', async () => {
    const { codes, advance } = setup();
    const code = await codes.issue(slot, tenMinutes);
    advance(tenMinutes);
    expect(await codes.verify(slot, code)).toBe(false);
  });

  it(`should kill the code after ${maxCodeAttempts} wrong attempts`, async () => {
    const { codes } = setup();
    const code = await codes.issue(slot, tenMinutes);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < maxCodeAttempts; i += 1) expect(await codes.verify(slot, wrong)).toBe(false);
    expect(await codes.verify(slot, code)).toBe(false);
  });

  it('should refuse malformed codes without counting them as attempts', async () => {
    const { codes, memory } = setup();
    await codes.issue(slot, tenMinutes);
    for (const code of ['', '12345', '1234567', 'abcdef', { $gt: '' }]) {
      expect(await codes.verify(slot, code as string)).toBe(false);
    }
    expect(memory.stored(slot)?.attempts).toBe(0);
  });

  it('should replace the previous code with a new one at once (the contact budget decides how often)', async () => {
    const { codes, advance } = setup();
    const first = await codes.issue(slot, tenMinutes);
    advance(1_000);
    const second = await codes.issue(slot, tenMinutes);
    if (second !== first) expect(await codes.verify(slot, first)).toBe(false);
    expect(await codes.verify(slot, second)).toBe(true);
  });
});
