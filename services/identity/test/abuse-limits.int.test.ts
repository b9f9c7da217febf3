import type { CallContext } from '@balai/platform';
import { Browser, freePort, readForm, testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturingSender, failureOf, startIdentityFor } from './identity-fixture.js';

/*
 * Issue 11's limits against the real database, through gRPC as the gateway calls identity (with
 * the client's address in the metadata) and over identity's own HTTP port. The clock is ours, so
 * minutes and days pass at once: it starts two UTC days back (01:00), so the day never turns
 * unless a test turns it, and the OIDC records (which expire by the real clock) stay readable.
 */

const ns = testNamespace(import.meta.filename);
const sender = new CapturingSender();
const dayMs = 86_400_000;
let now = new Date(Math.floor(Date.now() / dayMs) * dayMs - 2 * dayMs + 3_600_000);
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const minute = 61_000;
let identity: Awaited<ReturnType<typeof startIdentityFor>>;
let issuer: string;

const password = 'kopi tubruk pagi hari';
const from = (clientAddress: string): CallContext => ({ tenantId: '36.73', requestId: '', roles: [], clientAddress });

/** A Banten NIK of its own for each registration (the serial is the last four digits). */
const nik = (serial: number) => `367301170890${String(serial).padStart(4, '0')}`;

function registration(fields: { nik: string; email?: string; phone?: string }) {
  return { fullName: 'Warga Serang', email: '', phone: '', password, ...fields };
}

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/oidc`;
  identity = await startIdentityFor(ns, sender, {
    clock: () => now,
    env: {
      HTTP_PORT: String(port),
      OIDC_ISSUER: issuer,
      // The test's own address (loopback) is not a trusted proxy here.
      TRUSTED_PROXIES: '192.0.2.1',
    },
  });
});

afterAll(async () => {
  await identity?.stop();
});

describe("a contact's message budget", () => {
  it('should send the holder one registration notice a minute, however often their e-mail is reused', async () => {
    await identity.call(
      'registerCitizen',
      registration({ nik: nik(1), email: 'siti@example.id' }),
      from('198.51.100.1'),
    );
    const answers = [];
    for (let i = 0; i < 20; i += 1) {
      // From as many addresses: the contact's budget does not depend on who asks.
      const answer = await identity.call(
        'registerCitizen',
        registration({ nik: nik(100 + i), email: 'Siti@Example.ID' }),
        from(`198.51.100.${10 + i}`),
      );
      answers.push(answer);
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(new Set(['{"channels":["email"]}']));
    const notices = () => sender.to('siti@example.id').filter((message) => message.template === 'registration-attempt');
    expect(notices()).toHaveLength(1);
    // The verification code of the first registration was another kind of message, not held back.
    expect(sender.to('siti@example.id').map((message) => message.template)).toEqual([
      'verification-code',
      'registration-attempt',
    ]);

    advance(minute);
    await identity.call(
      'registerCitizen',
      registration({ nik: nik(200), email: 'siti@example.id' }),
      from('198.51.100.9'),
    );
    expect(notices()).toHaveLength(2);
  });

  it("should issue a contact no more than the day's codes across resends, and keep the last one valid", async () => {
    await identity.call(
      'registerCitizen',
      registration({ nik: nik(2), phone: '0813-1111-2222' }),
      from('198.51.100.2'),
    );
    for (let i = 0; i < 8; i += 1) {
      advance(minute);
      // Each from its own address, so only the contact's limit can hold them back.
      expect(await identity.call('resendCode', { login: '081311112222' }, from(`198.51.101.${i}`))).toEqual({});
    }
    const codes = () => sender.to('+6281311112222').filter((message) => message.template === 'verification-code');
    expect(codes()).toHaveLength(5);

    // Over budget no code was made, so the last one sent still proves the contact.
    const verified = await identity.call(
      'verifyContact',
      { login: '081311112222', code: sender.lastCode('+6281311112222') },
      from('198.51.101.50'),
    );
    expect(verified).toEqual({ channel: 'sms', status: 'active' });
  });
});

describe("a client address's limits", () => {
  it("should refuse an address past its day's code requests, across contacts known or not", async () => {
    const attacker = from('203.0.113.50');
    await identity.call('registerCitizen', registration({ nik: nik(3), email: 'dewi@example.id' }), attacker);
    for (let i = 0; i < 29; i += 1) {
      const login = i % 2 === 0 ? `nobody${i}@example.id` : 'dewi@example.id';
      expect(await identity.call('resendCode', { login }, attacker)).toEqual({});
    }
    for (const login of ['nobody@example.id', 'dewi@example.id']) {
      expect((await failureOf(identity.call('resendCode', { login }, attacker))).code).toBe('TOO_MANY_ATTEMPTS');
    }
    const registering = await failureOf(
      identity.call('registerCitizen', registration({ nik: nik(4), email: 'baru@example.id' }), attacker),
    );
    expect(registering.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await identity.db.collection('users').countDocuments({ email: 'baru@example.id' })).toBe(0);
    // Another address is not affected.
    expect(await identity.call('resendCode', { login: 'nobody@example.id' }, from('203.0.113.51'))).toEqual({});
  });

  it("should refuse an address past its day's failed checks, even with the right code, and no other", async () => {
    await identity.call(
      'registerCitizen',
      registration({ nik: nik(5), email: 'rudi@example.id' }),
      from('203.0.113.60'),
    );
    const code = sender.lastCode('rudi@example.id');
    const guesser = from('203.0.113.61');
    for (let i = 0; i < 100; i += 1) {
      const error = await failureOf(
        identity.call('verifyContact', { login: `someone${i % 7}@example.id`, code: '123456' }, guesser),
      );
      expect(error.code).toBe('VERIFICATION_FAILED');
    }
    const refused = await failureOf(identity.call('verifyContact', { login: 'rudi@example.id', code }, guesser));
    expect(refused.code).toBe('TOO_MANY_ATTEMPTS');
    const activation = await failureOf(
      identity.call('activateAccount', { login: 'rudi@example.id', code, newPassword: 'meja kayu jati tua' }, guesser),
    );
    expect(activation.code).toBe('TOO_MANY_ATTEMPTS');
    // The refused checks never reached the code: it still works, from another address.
    expect(await identity.call('verifyContact', { login: 'rudi@example.id', code }, from('203.0.113.62'))).toEqual({
      channel: 'email',
      status: 'active',
    });
  });

  it('should keep counters in limit_counters with no contact in them, each ending with its window', async () => {
    const counters = await identity.db.collection('limit_counters').find({}).toArray();
    expect(counters.length).toBeGreaterThan(0);
    const text = JSON.stringify(counters);
    for (const personal of ['siti', 'dewi', 'rudi', '81311112222']) expect(text).not.toContain(personal);
    for (const counter of counters) expect(counter.expiresAt).toBeInstanceOf(Date);
  });
});

describe("identity's HTTP port behind TRUSTED_PROXIES", () => {
  async function loginForm(browser: Browser) {
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: 'balai-web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1:5173/callback',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'state-1',
      tenant: '36.73',
    }).toString();
    const { response, url: page } = await browser.follow(url);
    expect(response.status).toBe(200);
    const form = readForm(await response.text(), page);
    if (!form) throw new Error('no login form');
    return form;
  }

  it('should key a login from an untrusted peer by its socket address, whatever X-Forwarded-For says', async () => {
    const browser = new Browser();
    const { action, fields } = await loginForm(browser);
    fields.set('tenant', '36.73');
    fields.set('login', 'siti@example.id');
    fields.set('password', 'salah sekali');
    const posted = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '1.2.3.4' },
      body: fields.toString(),
    });
    expect(posted.status).toBe(400);
    const throttle = identity.db.collection<{ _id: string; failures: number }>('login_throttle');
    expect(await throttle.findOne({ _id: 'ip:127.0.0.1' })).toMatchObject({ failures: 1 });
    expect(await throttle.countDocuments({ _id: 'ip:1.2.3.4' })).toBe(0);
  });

  it("should build the provider's URLs from the issuer, not from an untrusted peer's X-Forwarded-Host", async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '1.2.3.4' },
    });
    const metadata = (await response.json()) as Record<string, string>;
    expect(metadata.token_endpoint).toBe(`${issuer}/token`);
  });
});
