import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { testNamespace } from '@balai/testkit';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CitizenApp } from './browser-app/app-api.js';
import { startComplaintsFor, startGatewayFor, startIdentityFor, type TestIdentity, webClient } from './helpers.js';

/** The page's global, as the functions passed to page.evaluate see it. */
declare const window: { balai: CitizenApp };

/*
 * A browser app against the platform, as a front-end team builds it: a page served from the demo
 * client's origin (http://127.0.0.1:5173), its script the @balai/client package bundled for the
 * browser, driven in Debian's Chromium. Everything crosses origins: sign-in (code + PKCE on the
 * hosted page), the token endpoint and every /v1 call, so CORS is what is under test as much as
 * the client. `./balai test` installs Chromium (tools/cli ensureChromium).
 */

const ns = testNamespace(import.meta.filename);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const appOrigin = new URL(webClient.redirectUri).origin;
/** Short-lived access tokens, so two tabs go through several refreshes within the test. */
const accessTokenSeconds = 30;
const demoPassword = randomBytes(12).toString('base64url');
const citizen = { login: 'warga@serang.example', tenant: '36.73' };

let identity: TestIdentity;
let complaints: Awaited<ReturnType<typeof startComplaintsFor>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
let appServer: Server;
let browser: Browser;

/** Serves the app: its page (for / and /callback) with the API's URL, and the bundled script. */
async function serveApp(apiUrl: string): Promise<Server> {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'browser-app/app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The client's TypeScript sources, as every workspace package is used in tests.
    conditions: ['balai-source'],
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const config = { apiUrl, clientId: webClient.clientId, redirectUri: webClient.redirectUri, tenant: citizen.tenant };
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Balai citizen app</title>
<script>window.balaiConfig = ${JSON.stringify(config)};</script>
<script type="module" src="/app.js"></script></head><body>Balai</body></html>`;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', appOrigin).pathname;
    if (path === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (path === '/' || path === '/callback') response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else response.writeHead(404).end();
  });
  const { hostname, port } = new URL(appOrigin);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), hostname, resolve);
  });
  return server;
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `no Chromium at ${chromiumPath}: apt-get install chromium (./balai test does), or set CHROMIUM_PATH`,
    );
  }
  identity = await startIdentityFor(
    ns,
    {},
    {
      DEMO_PASSWORD: demoPassword,
      ACCESS_TOKEN_TTL_SECONDS: String(accessTokenSeconds),
    },
  );
  complaints = await startComplaintsFor(ns, { identityGrpcPort: identity.service.grpcPort });
  gateway = await startGatewayFor({ complaints: complaints.grpcPort }, identity);
  appServer = await serveApp(gateway.url);
  // No sandbox: CI runs as root in a container, where Chromium's sandbox cannot start; the
  // pages are this test's own.
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (appServer ? appServer.close(resolve) : resolve(undefined)));
  await gateway?.stop();
  await Promise.all([identity?.service.stop(), complaints?.stop()]);
});

/** Opens the app in a tab and waits until its script has handled any sign-in callback. */
async function openApp(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${appOrigin}/`);
  await page.waitForFunction(() => window.balai !== undefined);
  await page.evaluate(() => window.balai.ready);
  return page;
}

/** Signs the demo citizen in on identity's hosted login page, as a person would. */
async function signIn(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL((url) => url.pathname.endsWith('/oidc/auth') || url.pathname.includes('/interaction/')),
    page.evaluate(() => window.balai.signIn()),
  ]);
  await page.waitForSelector('form select[name=tenant]');
  await page.selectOption('select[name=tenant]', citizen.tenant);
  await page.fill('input[name=login]', citizen.login);
  await page.fill('input[name=password]', demoPassword);
  await page.click('button[type=submit]');
  // A consent page may follow (not for first-party clients); the app's callback ends it.
  const reached = await Promise.race([
    page.waitForURL((url) => url.origin === appOrigin, { timeout: 15_000 }).then(() => 'app' as const),
    page
      .waitForSelector('form button[type=submit]:not(.secondary)', { timeout: 15_000 })
      .then(() => 'consent' as const),
  ]);
  if (reached === 'consent' && new URL(page.url()).origin !== appOrigin) {
    await page.click('form button[type=submit]:not(.secondary)');
  }
  await page.waitForURL(`${appOrigin}/`);
  await page.evaluate(() => window.balai.ready);
}

describe('a citizen app in Chromium', () => {
  it('should sign in with code + PKCE, list categories, submit, list mine and read one', async () => {
    const context = await browser.newContext();
    try {
      const page = await openApp(context);
      await signIn(page);
      expect(await page.evaluate(() => window.balai.signedIn())).toBe(true);

      const categories = await page.evaluate(() => window.balai.categories());
      const codes = JSON.stringify(categories);
      expect(codes).toContain('roads.pothole');

      const submitted = await page.evaluate(() =>
        window.balai.submit({
          categoryCode: 'roads.pothole',
          description: 'Lubang besar di Jalan Ahmad Yani depan pasar, dilaporkan dari peramban',
          latitude: -6.1204,
          longitude: 106.1503,
          attributes: [{ code: 'road_type', values: ['city'] }],
        }),
      );
      expect(submitted).toMatchObject({ status: 'submitted', categoryCode: 'roads.pothole' });

      const mine = await page.evaluate(() => window.balai.mine());
      expect(mine.items.map((complaint) => complaint.id)).toContain(submitted.id);

      const read = await page.evaluate((id) => window.balai.read(id), submitted.id);
      expect(read).toMatchObject({ id: submitted.id, status: 'submitted', view: 'public' });
    } finally {
      await context.close();
    }
  });

  it('should keep a citizen with two tabs signed in through several refreshes', async () => {
    const context = await browser.newContext();
    try {
      const first = await openApp(context);
      await signIn(first);
      // The second tab finds the sign-in in IndexedDB, as a tab opened later does.
      const second = await openApp(context);
      expect(await second.evaluate(() => window.balai.signedIn())).toBe(true);

      // Both tabs call the API at the same moments, so both reach each refresh together; until
      // the first tab has seen the sign-in's access token and `refreshes` more (about 15 s each).
      const refreshes = 3;
      const deadline = Date.now() + 4 * refreshes * accessTokenSeconds * 1000;
      let calls = 0;
      let tokensSeen = 0;
      while (tokensSeen < 1 + refreshes && Date.now() < deadline) {
        const pages = await Promise.all([first, second].map((tab) => tab.evaluate(() => window.balai.mine())));
        for (const page of pages) expect(page.items).toBeInstanceOf(Array);
        calls += 2;
        tokensSeen = await first.evaluate(() => window.balai.seen.accessTokens.length);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }

      const seen = await Promise.all([first, second].map((tab) => tab.evaluate(() => window.balai.seen)));
      for (const tab of seen) expect(tab.signedOut).toEqual([]);
      // The first tab saw the sign-in's token and every refresh's; the second every one since it
      // opened, whichever tab refreshed.
      expect(seen[0]?.accessTokens.length).toBeGreaterThanOrEqual(1 + refreshes);
      expect(seen[1]?.accessTokens).toEqual(seen[0]?.accessTokens.slice(-(seen[1]?.accessTokens.length ?? 0)));
      expect(calls).toBeGreaterThanOrEqual(2 * (1 + refreshes));
    } finally {
      await context.close();
    }
  }, 480_000);
});
