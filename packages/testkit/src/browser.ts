/**
 * A browser, as far as an OIDC provider's pages care: cookies by name (paths ignored), manual
 * redirects, form posts. For tests and the local demo; apps use a real browser.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects on the start URL's origin; stops at the first one leaving it (the client's callback). */
  async follow(url: string | URL): Promise<{ response: Response; url: string }> {
    const origin = new URL(url).origin;
    let current = new URL(url).href;
    for (let hop = 0; hop < 10; hop++) {
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      await response.body?.cancel();
      current = new URL(location, current).href;
      if (new URL(current).origin !== origin) return { response, url: current };
    }
    throw new Error('too many redirects');
  }

  /** Posts a form as a browser does (application/x-www-form-urlencoded). */
  postForm(url: string | URL, fields: Record<string, string> | URLSearchParams): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

const decode = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The first form of a page we render ourselves: its absolute action and its named fields. */
export function readForm(html: string, pageUrl: string | URL): { action: string; fields: URLSearchParams } | null {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? '').matchAll(/<(input|select)\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[2] ?? '')?.[1];
    if (!name) continue;
    fields.append(decode(name), decode(/\bvalue="([^"]*)"/.exec(input[2] ?? '')?.[1] ?? ''));
  }
  return { action: new URL(decode(form[1] ?? ''), pageUrl).href, fields };
}
