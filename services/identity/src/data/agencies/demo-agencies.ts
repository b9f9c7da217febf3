import type { Agency } from './agency-repository.js';

const seededAt = new Date('2026-01-01T00:00:00Z');

function agency(tenantId: string, id: string, shortName: string, name: string): Agency {
  return { id, tenantId, name, shortName, createdAt: seededAt };
}

/** Demo agencies (OPD) of the demo tenants, named as the regions name them. */
export const demoAgencies: Agency[] = [
  agency('36', 'dpupr', 'Dinas PUPR', 'Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Banten'),
  agency('36', 'dlhk', 'DLHK', 'Dinas Lingkungan Hidup dan Kehutanan Provinsi Banten'),
  agency('36', 'dpmptsp', 'DPMPTSP', 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Provinsi Banten'),
  agency('36', 'dishub', 'Dishub', 'Dinas Perhubungan Provinsi Banten'),
  agency('36.71', 'dpupr', 'Dinas PUPR', 'Dinas Pekerjaan Umum dan Penataan Ruang Kota Tangerang'),
  agency('36.71', 'dlh', 'DLH', 'Dinas Lingkungan Hidup Kota Tangerang'),
  agency('36.71', 'dpmptsp', 'DPMPTSP', 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Tangerang'),
  agency('36.71', 'dishub', 'Dishub', 'Dinas Perhubungan Kota Tangerang'),
  agency('36.73', 'dpupr', 'Dinas PUPR', 'Dinas Pekerjaan Umum dan Penataan Ruang Kota Serang'),
  agency('36.73', 'dlh', 'DLH', 'Dinas Lingkungan Hidup Kota Serang'),
  agency('36.73', 'dpmptsp', 'DPMPTSP', 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Serang'),
  agency('36.73', 'dishub', 'Dishub', 'Dinas Perhubungan Kota Serang'),
  agency('36.73', 'dinkes', 'Dinkes', 'Dinas Kesehatan Kota Serang'),
];
