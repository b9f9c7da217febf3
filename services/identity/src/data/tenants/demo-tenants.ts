import type { TenantDocument } from './tenant.schema.js';

/** The demo tenants: the province of Banten and two of its cities. */
export const demoTenants: TenantDocument[] = [
  { _id: '36', name: 'Provinsi Banten', parentId: null, defaultLocale: 'id-ID' },
  { _id: '36.71', name: 'Kota Tangerang', parentId: '36', defaultLocale: 'id-ID' },
  { _id: '36.73', name: 'Kota Serang', parentId: '36', defaultLocale: 'id-ID' },
];
