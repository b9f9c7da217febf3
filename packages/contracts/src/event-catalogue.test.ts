import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventCatalogue, streams } from './index.js';

const protoRoot = join(import.meta.dirname, '../../../proto');

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? protoFiles(join(dir, entry.name))
      : entry.name.endsWith('.proto')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Field names of every message declared in the event proto files. */
function eventFields(): Array<{ file: string; message: string; field: string }> {
  const fields: Array<{ file: string; message: string; field: string }> = [];
  for (const file of protoFiles(protoRoot).filter((path) => path.endsWith('_events.proto'))) {
    let message = '';
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const open = /^\s*message\s+(\w+)/.exec(line);
      if (open?.[1]) message = open[1];
      const field = /^\s*(?:repeated\s+|optional\s+)?[\w.]+\s+(\w+)\s*=\s*\d+/.exec(line);
      if (field?.[1] && message) fields.push({ file, message, field: field[1] });
    }
  }
  return fields;
}

// Names that carry personal data (NIK, names, contact details, free-text addresses or text).
const personal =
  /(^|_)(nik|kk|name|full_?name|phone|msisdn|mobile|email|address|street|birth|dob|description|comment|note|text)(_|$)/i;

describe('event catalogue', () => {
  it('should give every event a versioned reverse-DNS type and a known stream', () => {
    for (const [type, entry] of Object.entries(eventCatalogue)) {
      expect(type).toMatch(/^id\.balai\.[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$/);
      expect(streams[entry.stream].topic).toMatch(/^balai\.[a-z]+(\.[a-z]+)?\.v\d+$/);
    }
  });

  it('should find event messages to check', () => {
    expect(eventFields().length).toBeGreaterThan(0);
  });

  it('should carry ids, never personal data, in event payloads', () => {
    const offending = eventFields().filter(({ field }) => personal.test(field));
    expect(offending).toEqual([]);
  });

  it('should flag a field that looks personal', () => {
    expect(
      ['reporter_nik', 'full_name', 'phone', 'email', 'address', 'description'].every((f) => personal.test(f)),
    ).toBe(true);
    expect(['complaint_id', 'category_code', 'tenant_id', 'submitted_at'].some((f) => personal.test(f))).toBe(false);
  });
});
