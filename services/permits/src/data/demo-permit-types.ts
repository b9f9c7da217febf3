import type { PermitTypeDocument } from './permit-type.schema.js';

/** Permit types Kota Serang's DPMPTSP offers in the demo. */
export const demoPermitTypes: Array<Omit<PermitTypeDocument, '_id'>> = [
  { tenantId: '36.73', code: 'pbg', name: { id: 'Persetujuan Bangunan Gedung', en: 'Building approval' } },
  { tenantId: '36.73', code: 'slf', name: { id: 'Sertifikat Laik Fungsi', en: 'Certificate of fitness for use' } },
  { tenantId: '36.73', code: 'reklame', name: { id: 'Izin Reklame', en: 'Advertising permit' } },
];
