import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openApiDocument } from '../src/index.js';

/**
 * Writes the gateway's OpenAPI document to the path given (relative to where pnpm was called),
 * without a running platform: `pnpm --filter @balai/gateway run openapi <path> [server URL...]`.
 */
const [target, ...publicUrls] = process.argv.slice(2);
if (!target) throw new Error('usage: openapi-document <output path> [server URL...]');
const path = resolve(process.env.INIT_CWD ?? process.cwd(), target);
const document = await openApiDocument(publicUrls.length > 0 ? { publicUrls } : {});
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
console.log(`OpenAPI document written to ${path}`);
