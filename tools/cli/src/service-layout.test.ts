import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Every service has the same skeleton, so an engineer who knows one knows all. Only wiring sits
 * at the top of src/; everything else lives in one of the layers.
 */
const layers = ['api', 'domain', 'use-cases', 'data', 'clients'];
const topLevelFiles = ['app.ts', 'config.ts', 'main.ts', 'index.ts'];
const optionalTopLevelFiles = ['config.test.ts'];
const readmeMaxLines = 30;

const repoRoot = join(import.meta.dirname, '../../..');
const servicesDir = join(repoRoot, 'services');
const services = readdirSync(servicesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Entries of a folder, without dotfiles (editor and OS droppings are nobody's layout). */
function entries(dir: string) {
  return readdirSync(dir, { withFileTypes: true }).filter((entry) => !entry.name.startsWith('.'));
}

function holdsAFile(dir: string): boolean {
  return entries(dir).some((entry) => entry.isFile() || (entry.isDirectory() && holdsAFile(join(dir, entry.name))));
}

function layoutProblems(service: string): string[] {
  const src = join(servicesDir, service, 'src');
  if (!existsSync(src)) return ['has no src/'];
  const found = entries(src);
  const folders = found.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const files = found.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
  return [
    ...layers.filter((layer) => !folders.includes(layer)).map((layer) => `lacks folder src/${layer}/`),
    ...folders.filter((folder) => !layers.includes(folder)).map((folder) => `has extra folder src/${folder}/`),
    // Git keeps no empty folders: a layer with nothing in it yet still needs its README.md.
    ...layers
      .filter((layer) => folders.includes(layer) && !holdsAFile(join(src, layer)))
      .map((layer) => `has an empty src/${layer}/ (git will drop it; add a README.md)`),
    ...topLevelFiles.filter((file) => !files.includes(file)).map((file) => `lacks file src/${file}`),
    ...files
      .filter((file) => !topLevelFiles.includes(file) && !optionalTopLevelFiles.includes(file))
      .map((file) => `has extra file src/${file} (move it into a layer)`),
  ];
}

/** A line naming a source file is a file list in the making: it drifts as soon as files move. */
const sourceFileName = /[\w.-]+\.ts\b/g;

function readmeProblems(service: string): string[] {
  const path = join(servicesDir, service, 'README.md');
  if (!existsSync(path)) return ['lacks README.md'];
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const problems =
    lines.length > readmeMaxLines ? [`README.md has ${lines.length} lines (at most ${readmeMaxLines})`] : [];
  lines.forEach((line, index) => {
    // Pointing at the one validated config object is allowed: that file is fixed by the skeleton.
    const named = (line.match(sourceFileName) ?? []).filter((name) => name !== 'config.ts');
    if (named.length > 0) problems.push(`README.md line ${index + 1} names ${named.join(', ')}`);
  });
  return problems;
}

describe.each(services)('service %s', (service) => {
  it('should have exactly the skeleton’s layer folders and top-level files in src/', () => {
    expect(layoutProblems(service), `services/${service}`).toEqual([]);
  });

  it('should have a README of one screen that lists no files', () => {
    expect(readmeProblems(service), `services/${service}`).toEqual([]);
  });
});
