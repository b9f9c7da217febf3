export { type AccessTokenSource, type BalaiClient, type BalaiClientOptions, createBalaiClient } from './client.js';
export { type ApiErrorProblem, BalaiApiError, ok, type Problem, type ProblemCode, problemOf } from './errors.js';
export type * from './gen/api.js';
export {
  browserTokenStorage,
  memoryTokenStorage,
  type TokenEndpointResponse,
  TokenManager,
  type TokenManagerOptions,
  TokenRefreshError,
  type TokenSet,
  type TokenStorage,
} from './token-manager.js';
export type { RequestBody, ResponseBody, Schema } from './types.js';
