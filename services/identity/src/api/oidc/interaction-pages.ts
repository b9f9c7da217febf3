/**
 * The hosted login and consent pages: plain HTML forms, no scripts and no external assets (a
 * strict Content-Security-Policy holds), every interpolated value escaped. Indonesian first.
 */

export type Locale = 'id' | 'en';

const messages = {
  id: {
    signInTitle: 'Masuk',
    signInTo: (client: string) => `Masuk ke ${client}`,
    tenant: 'Pemerintah daerah',
    chooseTenant: 'Pilih wilayah',
    login: 'Email, nomor ponsel, atau NIK',
    password: 'Kata sandi',
    submit: 'Masuk',
    invalidCredentials: 'Login atau kata sandi salah.',
    throttled: (seconds: number) => `Terlalu banyak percobaan. Coba lagi dalam ${seconds} detik.`,
    pending: 'Akun Anda belum diaktifkan.',
    deactivated: 'Akun Anda telah dinonaktifkan.',
    consentTitle: 'Izinkan akses',
    consentAsk: (client: string) => `${client} meminta akses ke:`,
    allow: 'Izinkan',
    deny: 'Tolak',
    expiredTitle: 'Sesi berakhir',
    expired: 'Sesi masuk ini telah berakhir atau tidak dikenal. Silakan ulangi dari aplikasi.',
    errorTitle: 'Terjadi kesalahan',
    otherLanguage: 'English',
    scopes: {
      openid: 'Identitas akun dan wilayah Anda',
      profile: 'Nama Anda',
      email: 'Alamat email Anda',
      phone: 'Nomor ponsel Anda',
      offline_access: 'Tetap terhubung saat Anda tidak sedang memakai aplikasi',
      balai: 'Layanan Balai atas nama Anda',
    } as Record<string, string>,
  },
  en: {
    signInTitle: 'Sign in',
    signInTo: (client: string) => `Sign in to ${client}`,
    tenant: 'Regional government',
    chooseTenant: 'Choose a region',
    login: 'E-mail, mobile number or NIK',
    password: 'Password',
    submit: 'Sign in',
    invalidCredentials: 'Wrong login or password.',
    throttled: (seconds: number) => `Too many attempts. Try again in ${seconds} s.`,
    pending: 'Your account is not activated yet.',
    deactivated: 'Your account has been deactivated.',
    consentTitle: 'Allow access',
    consentAsk: (client: string) => `${client} asks for access to:`,
    allow: 'Allow',
    deny: 'Deny',
    expiredTitle: 'Sign-in expired',
    expired: 'This sign-in has expired or is unknown. Please start again from the app.',
    errorTitle: 'Something went wrong',
    otherLanguage: 'Bahasa Indonesia',
    scopes: {
      openid: 'Your account and region',
      profile: 'Your name',
      email: 'Your e-mail address',
      phone: 'Your mobile number',
      offline_access: 'Staying signed in while you are not using the app',
      balai: 'Balai services on your behalf',
    } as Record<string, string>,
  },
} as const;

export type Messages = (typeof messages)[Locale];

export function messagesFor(locale: Locale): Messages {
  return messages[locale];
}

function fromTag(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_;]/)[0];
  if (primary === 'en') return 'en';
  if (primary === 'id' || primary === 'in') return 'id';
  return undefined;
}

/**
 * The page language: an explicit `lang` choice, then the client's `ui_locales`, then the
 * browser's Accept-Language (in its order; weights are rarely out of order), else Indonesian.
 */
export function pickLocale(input: { lang?: unknown; uiLocales?: unknown; acceptLanguage?: unknown }): Locale {
  if (typeof input.lang === 'string') {
    const chosen = fromTag(input.lang);
    if (chosen) return chosen;
  }
  for (const source of [input.uiLocales, input.acceptLanguage]) {
    if (typeof source !== 'string') continue;
    for (const tag of source.split(/[\s,]+/)) {
      const found = fromTag(tag);
      if (found) return found;
    }
  }
  return 'id';
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Headers for every page: no framing (clickjacking), no scripts, styles only with this page's
 * nonce. No `form-action`: browsers apply it to the redirect chain after the login post, which
 * ends at the client's own origin.
 */
export function pageSecurityHeaders(styleNonce: string): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; style-src 'nonce-${styleNonce}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

const style =
  'body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:2rem 1rem;color:#1d2330}' +
  'main{max-width:24rem;margin:0 auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}' +
  'h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}' +
  'input,select{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #b8bfcc;border-radius:4px}' +
  'button{margin-top:1.2rem;width:100%;padding:.65rem;font-size:1rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;cursor:pointer}' +
  'button.secondary{background:#e1e5ec;color:#1d2330}.error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:4px}' +
  '.lang{text-align:right;font-size:.9rem}';

function layout(options: { locale: Locale; title: string; nonce: string; body: string; switchHref?: string }): string {
  const t = messages[options.locale];
  const switcher = options.switchHref
    ? `<p class="lang"><a href="${escapeHtml(options.switchHref)}">${escapeHtml(t.otherLanguage)}</a></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style nonce="${escapeHtml(options.nonce)}">${style}</style>
</head>
<body>
<main>
${switcher}${options.body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  locale: Locale;
  nonce: string;
  /** Where the form posts. */
  action: string;
  /** The same page in the other language. */
  switchHref: string;
  csrf: string;
  clientName: string;
  tenants: { id: string; name: string }[];
  selectedTenant?: string;
  /** The login as typed, to fill the field again after an error (never the password). */
  login?: string;
  error?: string;
}

export function renderLoginPage(input: LoginPageInput): string {
  const t = messages[input.locale];
  const options = input.tenants
    .map(
      (tenant) =>
        `<option value="${escapeHtml(tenant.id)}"${tenant.id === input.selectedTenant ? ' selected' : ''}>${escapeHtml(tenant.name)}</option>`,
    )
    .join('');
  const placeholder = input.tenants.some((tenant) => tenant.id === input.selectedTenant)
    ? ''
    : `<option value="" disabled selected>${escapeHtml(t.chooseTenant)}</option>`;
  const body = `<h1>${escapeHtml(t.signInTo(input.clientName))}</h1>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="on">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<input type="hidden" name="lang" value="${input.locale}">
<label for="tenant">${escapeHtml(t.tenant)}</label>
<select id="tenant" name="tenant" required>${placeholder}${options}</select>
<label for="login">${escapeHtml(t.login)}</label>
<input id="login" name="login" required maxlength="254" autocomplete="username" value="${escapeHtml(input.login ?? '')}">
<label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" required maxlength="1024" autocomplete="current-password">
<button type="submit">${escapeHtml(t.submit)}</button>
</form>`;
  return layout({ locale: input.locale, title: t.signInTitle, nonce: input.nonce, body, switchHref: input.switchHref });
}

export interface ConsentPageInput {
  locale: Locale;
  nonce: string;
  action: string;
  abortAction: string;
  switchHref: string;
  csrf: string;
  clientName: string;
  scopes: string[];
}

export function renderConsentPage(input: ConsentPageInput): string {
  const t = messages[input.locale];
  const items = input.scopes.map((scope) => `<li>${escapeHtml(t.scopes[scope] ?? scope)}</li>`).join('');
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}"><input type="hidden" name="lang" value="${input.locale}">`;
  const body = `<h1>${escapeHtml(t.consentTitle)}</h1>
<p>${escapeHtml(t.consentAsk(input.clientName))}</p>
<ul>${items}</ul>
<form method="post" action="${escapeHtml(input.action)}">${hidden}<button type="submit">${escapeHtml(t.allow)}</button></form>
<form method="post" action="${escapeHtml(input.abortAction)}">${hidden}<button type="submit" class="secondary">${escapeHtml(t.deny)}</button></form>`;
  return layout({
    locale: input.locale,
    title: t.consentTitle,
    nonce: input.nonce,
    body,
    switchHref: input.switchHref,
  });
}

export function renderMessagePage(input: { locale: Locale; nonce: string; title: string; message: string }): string {
  const body = `<h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.message)}</p>`;
  return layout({ locale: input.locale, title: input.title, nonce: input.nonce, body });
}
