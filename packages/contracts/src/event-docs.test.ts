import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ComplaintSubmitted } from './gen/balai/complaints/v1/complaint_events.js';
import { eventCatalogue } from './index.js';

const docs = join(import.meta.dirname, '../../../docs/events');
const asyncapiText = readFileSync(join(docs, 'asyncapi.yaml'), 'utf8');

function schemaValidator(type: string) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(docs, 'schemas', `${type}.json`), 'utf8')));
}

describe('generated event documentation', () => {
  it('should be a valid AsyncAPI 3.0 document according to the AsyncAPI parser', async () => {
    const { document, diagnostics } = await new Parser().parse(asyncapiText);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    expect(errors.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().get('complaints')?.address()).toBe('balai.complaints.v1');
  });

  it('should have a JSON Schema for every event of the catalogue, and nothing else', () => {
    const files = readdirSync(join(docs, 'schemas')).map((file) => file.replace(/\.json$/, ''));
    expect(files.sort()).toEqual(Object.keys(eventCatalogue).sort());
  });

  it('should accept what the publisher writes, and the documented examples', () => {
    const validate = schemaValidator('id.balai.complaints.complaint.submitted.v1');
    const written = ComplaintSubmitted.toJSON({
      complaintId: 'c-1',
      tenantId: '36.73',
      categoryCode: 'roads.pothole',
      submittedAt: new Date('2026-11-28T08:00:00Z'),
      agencyId: 'dpupr',
      slaDueAt: new Date('2026-12-01T08:00:00Z'),
      filedOnBehalf: false,
      anonymous: true,
    });
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
    const example = parse(asyncapiText).components.messages.ComplaintSubmitted.examples[0].payload;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('should refuse a payload with a personal field or a wrong type', () => {
    const validate = schemaValidator('id.balai.complaints.complaint.submitted.v1');
    expect(validate({ complaintId: 'c-1', reporterName: 'Budi' })).toBe(false);
    expect(validate({ complaintId: 1 })).toBe(false);
  });
});
