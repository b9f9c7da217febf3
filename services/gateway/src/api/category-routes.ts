import { complaintsV1 } from '@balai/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { CategoryBody, CategoryCode, CategorySchema, toCategoryJson } from './complaint-schemas.js';
import { BodyProblemResponses, ProblemResponses, TenantHeader } from './schemas.js';

const CodeParams = Type.Object({ code: CategoryCode });

/** The tenant's service catalogue: public to read, managed by its admins. */
export const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { complaints } = app.upstreams;

  app.get(
    '/v1/complaint-categories',
    {
      config: { access: 'public' },
      schema: {
        summary: "The tenant's complaint categories (service catalogue)",
        tags: ['complaint categories'],
        headers: TenantHeader,
        querystring: Type.Object(
          { includeInactive: Type.Optional(Type.Boolean({ description: 'Admins only' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ categories: Type.Array(CategorySchema) }), ...ProblemResponses },
      },
    },
    async (request) => {
      const { categories } = await complaints.listCategories(
        { includeInactive: request.query.includeInactive ?? false },
        callerContext(request),
      );
      return { categories: categories.map(toCategoryJson) };
    },
  );

  app.get(
    '/v1/complaint-categories/:code',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One complaint category with its attributes',
        tags: ['complaint categories'],
        headers: TenantHeader,
        params: CodeParams,
        response: { 200: CategorySchema, ...ProblemResponses },
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
        summary: 'Create (expectedVersion 0) or replace a complaint category',
        tags: ['complaint categories'],
        headers: TenantHeader,
        params: CodeParams,
        body: CategoryBody,
        response: { 200: CategorySchema, 201: CategorySchema, ...BodyProblemResponses },
      },
    },
    async (request, reply) => {
      const { expectedVersion, names, ...rest } = request.body;
      const { category, created } = await complaints.upsertCategory(
        complaintsV1.UpsertCategoryRequest.fromPartial({
          code: request.params.code,
          expectedVersion,
          category: { ...rest, nameId: names.id, nameEn: names.en, active: rest.active ?? true },
        }),
        callerContext(request),
      );
      reply.status(created ? 201 : 200);
      return toCategoryJson(category);
    },
  );
};
