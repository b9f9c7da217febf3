import { GEOREPORT_V2_SPECIFICATION, type Open311Format } from './open311-model.js';
import {
  type RenderedOpen311,
  renderCreatedRequests,
  renderDiscovery,
  renderErrors,
  renderServiceDefinition,
  renderServiceRequests,
  renderServiceRequestUpdates,
  renderServices,
  renderTokenResolutions,
} from './open311-render.js';

/**
 * The OpenAPI document's examples of Open311 answers, in both formats: rendered by the same code
 * that renders the real answers, from a complaint in Kota Serang, so they cannot show a shape the
 * API does not send.
 */
export interface Open311Example {
  json: unknown;
  xml: string;
}

function example(render: (format: Open311Format) => RenderedOpen311): Open311Example {
  return { json: JSON.parse(render('json').body), xml: render('xml').body };
}

const endpoint = 'https://api.serangkota.go.id/open311/v2';
const changeset = new Date('2026-11-29T09:00:00Z');
const requestId = '6f1c2a7e-3b9d-4c51-9e0a-8d2f4b7c1a90';
const submitted = new Date('2026-11-30T02:15:00Z');
const updated = new Date('2026-12-01T07:40:00Z');

export const open311Examples = {
  discovery: example((format) =>
    renderDiscovery(
      {
        changeset,
        contact: 'Diskominfo Kota Serang, open311@serangkota.go.id',
        key_service: 'https://api.serangkota.go.id/oidc',
        endpoints: [
          {
            specification: GEOREPORT_V2_SPECIFICATION,
            url: endpoint,
            changeset,
            type: 'production',
            formats: ['application/json', 'text/xml'],
          },
        ],
      },
      format,
    ),
  ),
  services: example((format) =>
    renderServices(
      [
        {
          service_code: 'roads.pothole',
          service_name: 'Jalan rusak atau berlubang',
          description: 'Lubang, retak atau amblas di jalan kota',
          metadata: true,
          type: 'realtime',
          keywords: 'jalan,lubang,aspal',
          group: 'roads',
        },
      ],
      format,
    ),
  ),
  serviceDefinition: example((format) =>
    renderServiceDefinition(
      {
        service_code: 'roads.pothole',
        attributes: [
          {
            variable: true,
            code: 'road_type',
            datatype: 'singlevaluelist',
            required: true,
            datatype_description: null,
            order: 1,
            description: 'Jenis jalan',
            values: [
              { key: 'city', name: 'Jalan kota' },
              { key: 'village', name: 'Jalan lingkungan' },
            ],
          },
        ],
      },
      format,
    ),
  ),
  created: example((format) =>
    renderCreatedRequests([{ service_request_id: requestId, service_notice: null, account_id: null }], format),
  ),
  requests: example((format) =>
    renderServiceRequests(
      [
        {
          service_request_id: requestId,
          status: 'open',
          status_notes: null,
          service_name: 'Jalan rusak atau berlubang',
          service_code: 'roads.pothole',
          description: 'Lubang besar di depan Pasar Rau, berbahaya bagi pengendara motor',
          agency_responsible: 'Dinas PUPR',
          service_notice: null,
          requested_datetime: submitted,
          updated_datetime: updated,
          expected_datetime: new Date('2026-12-03T02:15:00Z'),
          address: 'Jl. Ahmad Yani, Cimuncang, Serang',
          address_id: null,
          zipcode: null,
          lat: -6.1103,
          long: 106.1631,
          media_url: 'https://media.serangkota.go.id/foto/pasar-rau.jpg',
        },
      ],
      format,
    ),
  ),
  token: example((format) => renderTokenResolutions([{ token: requestId, service_request_id: requestId }], format)),
  updates: example((format) =>
    renderServiceRequestUpdates(
      [
        {
          update_id: `${requestId}-2`,
          service_request_id: requestId,
          status: 'in_progress',
          updated_datetime: updated,
          description: 'Diteruskan ke Dinas PUPR untuk ditangani',
          media_url: null,
        },
      ],
      format,
    ),
  ),
  errors: example((format) => renderErrors([{ code: 400, description: 'service_code is required' }], format)),
};
