import type { CategoryAttribute } from './category.schema.js';
import type { Category } from './category-repository.js';

const seededAt = new Date('2026-01-01T00:00:00Z');

const severity: CategoryAttribute = {
  code: 'severity',
  datatype: 'singlevaluelist',
  required: false,
  order: 90,
  labels: { id: 'Seberapa parah?', en: 'How severe?' },
  values: [
    { key: 'low', names: { id: 'Ringan', en: 'Minor' } },
    { key: 'medium', names: { id: 'Sedang', en: 'Moderate' } },
    { key: 'high', names: { id: 'Berat', en: 'Severe' } },
  ],
};

type DemoCategory = Omit<Category, 'tenantId' | 'version' | 'updatedAt' | 'active'>;

/** The catalogue both demo cities start from; each city then owns its copy. */
const catalogue: DemoCategory[] = [
  {
    code: 'roads.pothole',
    names: { id: 'Jalan berlubang', en: 'Pothole' },
    group: 'roads',
    keywords: ['jalan', 'lubang', 'aspal', 'pothole', 'road'],
    agencyId: 'dpupr',
    slaHours: 72,
    anonymousAllowed: true,
    attributes: [
      {
        code: 'road_type',
        datatype: 'singlevaluelist',
        required: false,
        order: 10,
        labels: { id: 'Jenis jalan', en: 'Kind of road' },
        values: [
          { key: 'city', names: { id: 'Jalan kota', en: 'City road' } },
          { key: 'provincial', names: { id: 'Jalan provinsi', en: 'Provincial road' } },
          { key: 'village', names: { id: 'Jalan lingkungan', en: 'Neighbourhood road' } },
        ],
      },
      {
        code: 'diameter_cm',
        datatype: 'number',
        required: false,
        order: 20,
        labels: { id: 'Perkiraan lebar lubang (cm)', en: 'Approximate width (cm)' },
        values: [],
      },
      severity,
    ],
  },
  {
    code: 'roads.damaged-bridge',
    names: { id: 'Jembatan rusak', en: 'Damaged bridge' },
    group: 'roads',
    keywords: ['jembatan', 'bridge'],
    agencyId: 'dpupr',
    slaHours: 48,
    anonymousAllowed: true,
    attributes: [severity],
  },
  {
    code: 'drainage.flooding',
    names: { id: 'Banjir / saluran tersumbat', en: 'Flooding / blocked drain' },
    group: 'drainage',
    keywords: ['banjir', 'genangan', 'saluran', 'got', 'drain', 'flood'],
    agencyId: 'dpupr',
    slaHours: 48,
    anonymousAllowed: true,
    attributes: [
      {
        code: 'water_depth_cm',
        datatype: 'number',
        required: false,
        order: 10,
        labels: { id: 'Kedalaman genangan (cm)', en: 'Water depth (cm)' },
        values: [],
      },
      {
        code: 'since',
        datatype: 'datetime',
        required: false,
        order: 20,
        labels: { id: 'Sejak kapan?', en: 'Since when?' },
        values: [],
      },
    ],
  },
  {
    code: 'waste.illegal-dumping',
    names: { id: 'Pembuangan sampah liar', en: 'Illegal dumping' },
    group: 'environment',
    keywords: ['sampah', 'liar', 'tps', 'waste', 'rubbish', 'dumping'],
    agencyId: 'dlh',
    slaHours: 72,
    anonymousAllowed: true,
    attributes: [
      {
        code: 'waste_kind',
        datatype: 'multivaluelist',
        required: false,
        order: 10,
        labels: { id: 'Jenis sampah', en: 'Kind of waste' },
        values: [
          { key: 'household', names: { id: 'Rumah tangga', en: 'Household' } },
          { key: 'construction', names: { id: 'Puing bangunan', en: 'Construction debris' } },
          { key: 'hazardous', names: { id: 'B3', en: 'Hazardous' } },
        ],
      },
    ],
  },
  {
    code: 'waste.missed-collection',
    names: { id: 'Sampah tidak diangkut', en: 'Missed waste collection' },
    group: 'environment',
    keywords: ['sampah', 'angkut', 'collection'],
    agencyId: 'dlh',
    slaHours: 48,
    anonymousAllowed: false,
    attributes: [],
  },
  {
    code: 'lighting.streetlight-out',
    names: { id: 'Lampu jalan mati', en: 'Streetlight out' },
    group: 'lighting',
    keywords: ['lampu', 'pju', 'penerangan', 'streetlight'],
    agencyId: 'dishub',
    slaHours: 120,
    anonymousAllowed: true,
    attributes: [
      {
        code: 'pole_number',
        datatype: 'string',
        required: false,
        order: 10,
        labels: { id: 'Nomor tiang, jika terlihat', en: 'Pole number, if visible' },
        values: [],
      },
    ],
  },
  {
    code: 'traffic.signal-broken',
    names: { id: 'Lampu lalu lintas rusak', en: 'Broken traffic signal' },
    group: 'traffic',
    keywords: ['lampu merah', 'apill', 'traffic light'],
    agencyId: 'dishub',
    slaHours: 24,
    anonymousAllowed: true,
    attributes: [],
  },
  {
    code: 'public-facilities.damaged',
    names: { id: 'Fasilitas umum rusak', en: 'Damaged public facility' },
    group: 'public-facilities',
    keywords: ['taman', 'halte', 'trotoar', 'park', 'bus stop', 'sidewalk'],
    agencyId: 'dpupr',
    slaHours: 168,
    anonymousAllowed: true,
    attributes: [
      {
        code: 'facility',
        datatype: 'singlevaluelist',
        required: true,
        order: 10,
        labels: { id: 'Fasilitas apa?', en: 'Which facility?' },
        values: [
          { key: 'park', names: { id: 'Taman', en: 'Park' } },
          { key: 'bus_stop', names: { id: 'Halte', en: 'Bus stop' } },
          { key: 'sidewalk', names: { id: 'Trotoar', en: 'Sidewalk' } },
          { key: 'public_toilet', names: { id: 'Toilet umum', en: 'Public toilet' } },
          { key: 'other', names: { id: 'Lainnya', en: 'Other' } },
        ],
      },
      severity,
    ],
  },
  {
    code: 'permits.service-complaint',
    names: { id: 'Keluhan layanan perizinan', en: 'Permit service complaint' },
    group: 'services',
    keywords: ['izin', 'perizinan', 'pelayanan', 'permit'],
    agencyId: 'dpmptsp',
    slaHours: 120,
    anonymousAllowed: false,
    attributes: [
      {
        code: 'application_number',
        datatype: 'string',
        required: false,
        order: 10,
        labels: { id: 'Nomor permohonan, jika ada', en: 'Application number, if any' },
        values: [],
      },
    ],
  },
];

/** Kota Serang has a Dinas Kesehatan among the demo agencies; Kota Tangerang does not. */
const serangOnly: DemoCategory[] = [
  {
    code: 'health.mosquito-breeding',
    names: { id: 'Sarang nyamuk / DBD', en: 'Mosquito breeding site' },
    group: 'health',
    keywords: ['nyamuk', 'dbd', 'jentik', 'dengue', 'mosquito'],
    agencyId: 'dinkes',
    slaHours: 72,
    anonymousAllowed: true,
    attributes: [],
  },
];

function forTenant(tenantId: string, categories: DemoCategory[]): Category[] {
  return categories.map((category) => ({ ...category, tenantId, active: true, version: 1, updatedAt: seededAt }));
}

/** Demo catalogues of Kota Serang (36.73) and Kota Tangerang (36.71), for the demo agencies of identity. */
export const demoCategories: Category[] = [
  ...forTenant('36.73', [...catalogue, ...serangOnly]),
  ...forTenant('36.71', catalogue),
];
