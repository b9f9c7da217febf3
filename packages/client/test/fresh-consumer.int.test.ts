import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The package as a front-end team gets it: packed (pnpm pack builds it first), installed with npm
 * into a project that has nothing of this repo (its dependencies come from the npm registry),
 * compiled with strict settings. An integration test because it packs and installs.
 */

const run = promisify(execFile);
const packageDir = join(import.meta.dirname, '..');
// The repo's compiler (TypeScript 7, native): the consumer's own node_modules answer every import.
const tsc = join(packageDir, 'node_modules/.bin/tsc');
let project: string;

const compilerOptions = {
  strict: true,
  noEmit: true,
  target: 'es2022',
  lib: ['es2022', 'dom'],
  types: [],
  skipLibCheck: false,
};

async function compile(tsconfig: object): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  try {
    const { stdout } = await run(tsc, ['-p', join(project, 'tsconfig.json')], { cwd: project });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'balai-client-consumer-'));
  await run('pnpm', ['pack', '--pack-destination', project], { cwd: packageDir });
  const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${project}`);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'balai-consumer', private: true, type: 'module', dependencies: {} }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `./${tarball}`], { cwd: project });
  copyFileSync(join(packageDir, 'test/fresh-consumer/consumer.ts'), join(project, 'consumer.ts'));
}, 180_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('@balai/client in a fresh project', () => {
  it('should compile with moduleResolution bundler', async () => {
    const result = await compile({
      compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler' },
      files: ['consumer.ts'],
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('should compile with module nodenext', async () => {
    const result = await compile({
      compilerOptions: { ...compilerOptions, module: 'nodenext', moduleResolution: 'nodenext' },
      files: ['consumer.ts'],
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('should give the consumer the document’s types, so a wrong list order does not compile', async () => {
    writeFileSync(
      join(project, 'wrong.ts'),
      [
        "import { createBalaiClient } from '@balai/client';",
        "const api = createBalaiClient({ baseUrl: 'https://api.balai.example' });",
        "export const typo = api.GET('/v1/complaints', { params: { query: { order: 'newst' } } });",
      ].join('\n'),
    );
    const result = await compile({
      compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler' },
      files: ['wrong.ts'],
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('wrong.ts');
    expect(result.output).toContain('"newst"');
  });
});
