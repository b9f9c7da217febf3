import { createHash, randomBytes } from 'node:crypto';
import { basename } from 'node:path';

/**
 * Names that keep one test file's data apart from every other's, so files run in parallel on
 * one broker and one server: a database name per service and a topic prefix.
 */
export interface TestNamespace {
  id: string;
  topicPrefix: string;
  database(service: string): string;
}

export function testNamespace(testFile: string): TestNamespace {
  const stem = basename(testFile)
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .slice(0, 24);
  const unique = createHash('sha256').update(testFile).update(randomBytes(8)).digest('hex').slice(0, 8);
  const id = `t_${stem}_${unique}`;
  return {
    id,
    topicPrefix: `${id}.`,
    database: (service) => `${id}_${service}`.slice(0, 63),
  };
}
