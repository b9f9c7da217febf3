import type { permitsV1 } from '@balai/contracts';
import { type Logger, unaryHandler } from '@balai/platform';
import { listPermitTypes, type PermitTypeCatalogue } from '../use-cases/list-permit-types.js';

/** Thin gRPC entry points: decode, call the use case, encode. */
export function permitsGrpcHandlers(logger: Logger, permitTypes: PermitTypeCatalogue): permitsV1.PermitsServiceServer {
  return {
    listPermitTypes: unaryHandler(logger, async (_request: permitsV1.ListPermitTypesRequest, context) => ({
      permitTypes: (await listPermitTypes(permitTypes, context)).map((type) => ({
        code: type.code,
        name: type.name.id,
      })),
    })),
  };
}
