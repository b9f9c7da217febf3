import { complaintsV1 } from '@balai/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { CategoryBody, CategoryCode, CategorySchema, toCategoryJson } from './complaint-schemas.js';
import { categoryExample } from './openapi-examples.js';
import {
  BodyProblemResponses,
  jsonResponse,
  ListEnvelope,
  ProblemResponses,
  TenantHeader,
  wholeList,
} from './schemas.js';

const CodeParams = Type.Object({ code: CategoryCode });

/** The tenant's service catalogue: public to read, managed by its admins. */
export const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { complaints } = app.upstreams;

  app.get(
    '/v1/complaint-categories',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listComplaintCategories',
        summary: "The tenant's complaint categories (service catalogue)",
        description:
          'What a complaint can be about, with the questions (attributes) each one asks. Active ones only, unless ' +
          'an admin asks for the inactive ones too.',
        tags: ['complaint categories'],
        headers: TenantHeader,
        querystring: Type.Object(
          { includeInactive: Type.Optional(Type.Boolean({ description: 'Admins only' })) },
          { additionalProperties: false },
        ),
        response: {
          200: jsonResponse('The categories', ListEnvelope(CategorySchema), wholeList([categoryExample])),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { categories } = await complaints.listCategories(
        { includeInactive: request.query.includeInactive ?? false },
        callerContext(request),
      );
      return wholeList(categories.map(toCategoryJson));
    },
  );

  app.get(
    '/v1/complaint-categories/:code',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getComplaintCategory',
        summary: 'One complaint category with its attributes',
        description: 'A category by its code, with its attributes (the questions a complaint of it answers).',
        tags: ['complaint categories'],
        headers: TenantHeader,
        params: CodeParams,
        response: { 200: jsonResponse('The category', CategorySchema, categoryExample), ...ProblemResponses },
      },
    },
    async (request) => {
      const { category } = await complaints.getCategory({ code: request.params.code }, callerContext(request));
      return toCategoryJson(category);
    },
  );

  app.put(
    '/v1/complaint-categories/:code',
    {
      config: { access: { roles: ['tenant_admin', 'platform_admin'] } },
      schema: {
        operationId: 'upsertComplaintCategory',
        summary: 'Create (expectedVersion 0) or replace a complaint category',
        description:
          'The whole category is sent each time. expectedVersion 0 creates it (409 if it exists); otherwise it is the ' +
          'version last read, and a category changed since is 409 STALE_VERSION.',
        tags: ['complaint categories'],
        headers: TenantHeader,
        params: CodeParams,
        body: CategoryBody,
        response: {
          200: jsonResponse('The category as replaced', CategorySchema, categoryExample),
          201: jsonResponse('The category as created', CategorySchema, { ...categoryExample, version: 1 }),
          ...BodyProblemResponses,
        },
      },
    },
    async (request, reply) => {
      const { expectedVersion, names, ...rest } = request.body;
      const { category, created } = await complaints.upsertCategory(
        complaintsV1.UpsertCategoryRequest.fromPartial({
          code: request.params.code,
          expectedVersion,
          category: {
            ...rest,
            nameId: names.id,
            nameEn: names.en,
            attributes: rest.attributes.map(({ labels, values, ...attribute }) => ({
              ...attribute,
              labelId: labels.id,
              labelEn: labels.en,
              values: values.map((option) => ({ key: option.key, nameId: option.names.id, nameEn: option.names.en })),
            })),
            active: rest.active ?? true,
          },
        }),
        callerContext(request),
      );
      reply.status(created ? 201 : 200);
      return toCategoryJson(category);
    },
  );
};
