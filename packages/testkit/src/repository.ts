import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout this test kit runs from: the nearest folder above it with pnpm-workspace.yaml.
 * Found from the kit's own location (src/ under vitest, dist/ when built), not from the
 * working directory, so a test started from any folder finds the same scripts and data.
 */
export function repositoryRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}
