import type { CategoryAttribute } from './category.schema.js';
import type { Category } from './category-repository.js';

const seededAt = new Date('2026-01-01T00:00:00Z');

const severity: CategoryAttribute = {
  code: 'severity',
  datatype: 'singlevaluelist',
  required: false,
  order: 90,
  description: 'Seberapa parah? / How severe?',
  values: [
    { key: 'low', name: 'Ringan / Minor' },
    { key: 'medium', name: 'Sedang / Moderate' },
    { key: 'high', name: 'Berat / Severe' },
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
        description: 'Jenis jalan / Kind of road',
        values: [
          { key: 'city', name: 'Jalan kota / City road' },
          { key: 'provincial', name: 'Jalan provinsi / Provincial road' },
          { key: 'village', name: 'Jalan lingkungan / Neighbourhood road' },
        ],
      },
      {
        code: 'diameter_cm',
        datatype: 'number',
        required: false,
        order: 20,
        description: 'Perkiraan lebar lubang (cm) / Approximate width (cm)',
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
        description: 'Kedalaman genangan (cm) / Water depth (cm)',
        values: [],
      },
      {
        code: 'since',
        datatype: 'datetime',
        required: false,
        order: 20,
        description: 'Sejak kapan? / Since when?',
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
        description: 'Jenis sampah / Kind of waste',
        values: [
          { key: 'household', name: 'Rumah tangga / Household' },
          { key: 'construction', name: 'Puing bangunan / Construction debris' },
          { key: 'hazardous', name: 'B3 / Hazardous' },
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
        description: 'Nomor tiang, jika terlihat / Pole number, if visible',
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
        description: 'Fasilitas apa? / Which facility?',
        values: [
          { key: 'park', name: 'Taman / Park' },
          { key: 'bus_stop', name: 'Halte / Bus stop' },
          { key: 'sidewalk', name: 'Trotoar / Sidewalk' },
          { key: 'public_toilet', name: 'Toilet umum / Public toilet' },
          { key: 'other', name: 'Lainnya / Other' },
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
        description: 'Nomor permohonan, jika ada / Application number, if any',
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
