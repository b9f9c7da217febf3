import FindMyWay, { type HTTPMethod } from 'find-my-way';

/** The methods an API route may answer; Allow names those of them a path has. */
const answerableMethods: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Which methods each path answers, for the requests fastify's router found no route for: a
 * known path asked with another method is a 405 with `Allow`, not a 404 (RFC 9110 §15.5.6), and
 * OPTIONS is answered with the same `Allow`. A second router of the same kind as fastify's
 * (find-my-way), fed every route as it is registered, so a path matches here exactly as it
 * would there.
 */
export class RouteMethods {
  private readonly router = FindMyWay();
  private readonly seen = new Set<string>();

  /** Records a route; `*` catch-alls (a CORS plugin's OPTIONS route) make no path known. */
  add(methods: string | string[], url: string): void {
    if (url === '*') return;
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      if (!answerableMethods.includes(method as HTTPMethod)) continue;
      const key = `${method} ${url}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.router.on(method as HTTPMethod, url, () => {});
      // fastify answers HEAD for every GET route (exposeHeadRoutes).
      if (method === 'GET') this.add('HEAD', url);
    }
  }

  /** The methods `path` (no query string) answers, OPTIONS included; none for an unknown path. */
  allowed(path: string): string[] {
    const methods = answerableMethods.filter((method) => this.router.find(method, path) !== null);
    return methods.length > 0 ? [...methods, 'OPTIONS'] : [];
  }
}
