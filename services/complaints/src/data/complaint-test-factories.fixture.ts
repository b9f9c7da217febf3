import type { CallContext } from '@balai/platform';
import { filedState } from '../use-cases/submit-complaint.js';
import type { Category } from './category-repository.js';
import type { Complaint } from './complaint-repository.js';
import { demoCategories } from './demo-categories.js';

/** Factories for unit tests: a category of the demo catalogue, a complaint in a given state, callers. */
export function aCategory(code = 'roads.pothole', overrides: Partial<Category> = {}): Category {
  const found = demoCategories.find((category) => category.tenantId === '36.73' && category.code === code);
  if (!found) throw new Error(`no demo category ${code}`);
  return { ...structuredClone(found), ...overrides };
}

export const submittedAt = new Date('2026-11-28T08:00:00.000Z');

export function aComplaint(overrides: Partial<Complaint> = {}): Complaint {
  return {
    _id: 'c-1',
    tenantId: '36.73',
    categoryCode: 'roads.pothole',
    categoryVersion: 1,
    agencyId: 'dpupr',
    description: 'Lubang besar di Jalan Ahmad Yani',
    location: { latitude: -6.12, longitude: 106.15 },
    geohash: '',
    address: '',
    mediaUrls: [],
    attributes: [],
    anonymous: false,
    reporterId: 'citizen-1',
    filedByOfficerId: '',
    citizenReference: '',
    reporterContact: null,
    requestHash: '',
    submittedAt,
    updatedAt: submittedAt,
    slaDueAt: new Date(submittedAt.getTime() + 72 * 3_600_000),
    nextEscalationAt: null,
    ...filedState(),
    timeline: [],
    ...overrides,
  };
}

const base = { tenantId: '36.73', requestId: 'r-1' };
export const callers = {
  reporter: { ...base, subject: 'citizen-1', roles: ['citizen'] },
  otherCitizen: { ...base, subject: 'citizen-2', roles: ['citizen'] },
  officer: { ...base, subject: 'officer-1', roles: ['officer'], agencyId: 'dpupr' },
  otherAgencyOfficer: { ...base, subject: 'officer-9', roles: ['officer'], agencyId: 'dlh' },
  supervisor: { ...base, subject: 'supervisor-1', roles: ['supervisor'], agencyId: 'dpupr' },
  tenantAdmin: { ...base, subject: 'admin-1', roles: ['tenant_admin'] },
  analyst: { ...base, subject: 'analyst-1', roles: ['analyst'] },
  anonymous: { ...base, roles: [] },
} satisfies Record<string, CallContext>;
