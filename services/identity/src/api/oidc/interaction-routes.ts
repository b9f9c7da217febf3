import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction, InteractionResults } from 'oidc-provider';
import Type, { type Static } from 'typebox';
import { throttleKeys } from '../../domain/oidc/login-throttle-policy.js';
import type { PasswordHasher } from '../../domain/users/password-hasher.js';
import type { AccountDirectory, TenantChoices } from '../../use-cases/oidc/account-directory.js';
import type { LoginThrottle } from '../../use-cases/oidc/login-throttle.js';
import type { TrustedProxies } from '../trusted-proxies.js';
import {
  type Locale,
  messagesFor,
  pageSecurityHeaders,
  pickLocale,
  renderConsentPage,
  renderLoginPage,
  renderMessagePage,
} from './interaction-pages.js';
import type { OidcProviders } from './oidc-providers.js';
import { isFirstParty } from './provider-configuration.js';

export interface InteractionRouteDependencies {
  /** The mount path (the issuer's path, e.g. /oidc). */
  path: string;
  providers: OidcProviders;
  accounts: AccountDirectory;
  tenants: TenantChoices;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  /** Whose X-Forwarded-For names the client (TRUSTED_PROXIES); anyone else is known by their socket address. */
  proxies: TrustedProxies;
}

const uidParams = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const langQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 16 })) }, { additionalProperties: true });
const loginBody = Type.Object({
  csrf: Type.String({ maxLength: 128 }),
  lang: Type.Optional(Type.String({ maxLength: 16 })),
  tenant: Type.String({ maxLength: 32 }),
  login: Type.String({ maxLength: 254 }),
  password: Type.String({ maxLength: 1024 }),
});
const confirmBody = Type.Object({
  csrf: Type.String({ maxLength: 128 }),
  lang: Type.Optional(Type.String({ maxLength: 16 })),
});

/**
 * The hosted login and consent pages the provider sends users to. The interaction itself is
 * bound to the browser by oidc-provider's signed, path-scoped interaction cookie; the CSRF
 * field additionally ties each form to its interaction.
 */
export function registerInteractionRoutes(app: FastifyInstance, deps: InteractionRouteDependencies): void {
  const base = `${deps.path}/interaction/:uid`;
  // Computed at start: an unknown login still costs one hash verification, so timing does not tell it apart.
  const decoyHash = deps.hasher.hash(randomBytes(16).toString('hex'));

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 8192 },
    (_request, body, done) => {
      // Last value wins for a repeated field; the schema then refuses anything unexpected.
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  function csrfWith(key: string, uid: string): string {
    return createHmac('sha256', key).update(`interaction-csrf:${uid}`).digest('base64url');
  }

  function csrfFor(uid: string): string {
    return csrfWith(deps.providers.current().cookieKeys[0] ?? '', uid);
  }

  /** Any current cookie key is accepted, so a form rendered just before a key rotation still posts. */
  function csrfMatches(uid: string, presented: string): boolean {
    const actual = Buffer.from(presented);
    return deps.providers.current().cookieKeys.some((key) => {
      const expected = Buffer.from(csrfWith(key, uid));
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    });
  }

  function send(reply: FastifyReply, status: number, locale: Locale, render: (nonce: string) => string): FastifyReply {
    const nonce = randomBytes(16).toString('base64url');
    return (
      reply
        .status(status)
        .headers(pageSecurityHeaders(nonce))
        // The page's language, as chosen (lang, ui_locales, Accept-Language); the gateway keeps it.
        .header('content-language', locale)
        .type('text/html; charset=utf-8')
        .send(render(nonce))
    );
  }

  function expiredPage(reply: FastifyReply, locale: Locale): FastifyReply {
    const t = messagesFor(locale);
    return send(reply, 400, locale, (nonce) =>
      renderMessagePage({ locale, nonce, title: t.expiredTitle, message: t.expired }),
    );
  }

  /** The interaction of this browser, or null when the cookie is missing, expired or for another uid. */
  async function interactionOf(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<Interaction | null> {
    try {
      const details = await deps.providers.current().provider.interactionDetails(request.raw, reply.raw);
      return details.uid === uid ? details : null;
    } catch (error) {
      if ((error as { name?: string }).name === 'SessionNotFound') return null;
      throw error;
    }
  }

  function localeOf(request: FastifyRequest, interaction: Interaction | null, chosen?: string): Locale {
    return pickLocale({
      lang: chosen,
      uiLocales: interaction?.params.ui_locales,
      acceptLanguage: request.headers['accept-language'],
    });
  }

  async function clientNameOf(interaction: Interaction): Promise<string> {
    const clientId = String(interaction.params.client_id);
    const client = await deps.providers.current().provider.Client.find(clientId);
    return client?.clientName ?? clientId;
  }

  async function loginPage(
    reply: FastifyReply,
    interaction: Interaction,
    locale: Locale,
    status: number,
    form: { tenant?: string; login?: string; error?: string } = {},
  ): Promise<FastifyReply> {
    const tenants = (await deps.tenants.list()).map((tenant) => ({ id: tenant._id, name: tenant.name }));
    const requested = typeof interaction.params.tenant === 'string' ? interaction.params.tenant : undefined;
    const clientName = await clientNameOf(interaction);
    const uid = interaction.uid;
    return send(reply, status, locale, (nonce) =>
      renderLoginPage({
        locale,
        nonce,
        action: `${deps.path}/interaction/${uid}/login`,
        switchHref: `${deps.path}/interaction/${uid}?lang=${locale === 'id' ? 'en' : 'id'}`,
        csrf: csrfFor(uid),
        clientName,
        tenants,
        selectedTenant: form.tenant ?? requested,
        login: form.login,
        error: form.error,
      }),
    );
  }

  async function finish(request: FastifyRequest, reply: FastifyReply, result: InteractionResults) {
    const returnTo = await deps.providers
      .current()
      .provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
    return reply.status(303).header('cache-control', 'no-store').redirect(returnTo, 303);
  }

  /** Grants what the consent prompt found missing (the oidc-provider recipe). */
  async function grantConsent(interaction: Interaction): Promise<string> {
    const { provider } = deps.providers.current();
    const accountId = interaction.session?.accountId;
    const clientId = String(interaction.params.client_id);
    const grant = interaction.grantId
      ? ((await provider.Grant.find(interaction.grantId)) ?? new provider.Grant({ accountId, clientId }))
      : new provider.Grant({ accountId, clientId });
    const details = interaction.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    return grant.save();
  }

  app.get<{ Params: { uid: string }; Querystring: { lang?: string } }>(
    base,
    { schema: { params: uidParams, querystring: langQuery } },
    async (request, reply) => {
      const interaction = await interactionOf(request, reply, request.params.uid);
      const locale = localeOf(request, interaction, request.query.lang);
      if (!interaction) return expiredPage(reply, locale);
      if (interaction.prompt.name === 'login') return loginPage(reply, interaction, locale, 200);
      if (interaction.prompt.name === 'consent') {
        const client = await deps.providers.current().provider.Client.find(String(interaction.params.client_id));
        if (isFirstParty(client))
          return finish(request, reply, { consent: { grantId: await grantConsent(interaction) } });
        const details = interaction.prompt.details as {
          missingOIDCScope?: string[];
          missingResourceScopes?: Record<string, string[]>;
        };
        const scopes = [
          ...(details.missingOIDCScope ?? []),
          ...Object.values(details.missingResourceScopes ?? {}).flat(),
        ];
        const uid = interaction.uid;
        const clientName = client?.clientName ?? String(interaction.params.client_id);
        return send(reply, 200, locale, (nonce) =>
          renderConsentPage({
            locale,
            nonce,
            action: `${deps.path}/interaction/${uid}/confirm`,
            abortAction: `${deps.path}/interaction/${uid}/abort`,
            switchHref: `${deps.path}/interaction/${uid}?lang=${locale === 'id' ? 'en' : 'id'}`,
            csrf: csrfFor(uid),
            clientName,
            scopes: [...new Set(scopes)],
          }),
        );
      }
      return expiredPage(reply, locale);
    },
  );

  app.post<{ Params: { uid: string }; Body: Static<typeof loginBody> }>(
    `${base}/login`,
    { schema: { params: uidParams, body: loginBody } },
    async (request, reply) => {
      const { uid } = request.params;
      const interaction = await interactionOf(request, reply, uid);
      const locale = localeOf(request, interaction, request.body.lang);
      if (interaction?.prompt.name !== 'login' || !csrfMatches(uid, request.body.csrf)) {
        return expiredPage(reply, locale);
      }
      const t = messagesFor(locale);
      const { tenant, login, password } = request.body;
      const form = { tenant, login };
      // The account first, so its counter is the same whichever of its identifiers was typed.
      const account = await deps.accounts.findForLogin(tenant, login);
      const address = deps.proxies.clientAddress(request.raw.socket.remoteAddress, request.headers['x-forwarded-for']);
      const keys = throttleKeys(tenant, login, account?.id ?? null, address);
      const wait = await deps.throttle.secondsToWait(keys);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return loginPage(reply, interaction, locale, 429, { ...form, error: t.throttled(wait) });
      }
      const hash = account?.passwordHash ?? (await decoyHash);
      const verified = (await deps.hasher.verify(hash, password)) && account?.passwordHash !== undefined;
      if (!account || !verified) {
        await deps.throttle.recordFailure(keys);
        request.log.info({ code: 'LOGIN_FAILED', tenant }, 'login failed');
        return loginPage(reply, interaction, locale, 400, { ...form, error: t.invalidCredentials });
      }
      if (account.status !== 'active') {
        return loginPage(reply, interaction, locale, 403, {
          ...form,
          error: account.status === 'pending' ? t.pending : t.deactivated,
        });
      }
      await deps.throttle.recordSuccess(keys);
      if (deps.accounts.rehashed && account.passwordHash && deps.hasher.needsRehash(account.passwordHash)) {
        await deps.accounts.rehashed(account.id, await deps.hasher.hash(password));
      }
      return finish(request, reply, { login: { accountId: account.id } });
    },
  );

  app.post<{ Params: { uid: string }; Body: Static<typeof confirmBody> }>(
    `${base}/confirm`,
    { schema: { params: uidParams, body: confirmBody } },
    async (request, reply) => {
      const { uid } = request.params;
      const interaction = await interactionOf(request, reply, uid);
      if (interaction?.prompt.name !== 'consent' || !csrfMatches(uid, request.body.csrf)) {
        return expiredPage(reply, localeOf(request, interaction, request.body.lang));
      }
      return finish(request, reply, { consent: { grantId: await grantConsent(interaction) } });
    },
  );

  app.post<{ Params: { uid: string }; Body: Static<typeof confirmBody> }>(
    `${base}/abort`,
    { schema: { params: uidParams, body: confirmBody } },
    async (request, reply) => {
      const { uid } = request.params;
      const interaction = await interactionOf(request, reply, uid);
      if (!interaction || !csrfMatches(uid, request.body.csrf)) {
        return expiredPage(reply, localeOf(request, interaction, request.body.lang));
      }
      return finish(request, reply, { error: 'access_denied', error_description: 'End-user denied the request' });
    },
  );
}
