import type { components, paths } from './gen/api.js';

/** A named schema of the document: `Schema<'Complaint'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type Responses<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  responses: infer Answers;
}
  ? Answers
  : never;

/**
 * The JSON body an operation answers with `Status`, by default its success statuses:
 * `ResponseBody<'/v1/complaints/{id}', 'get'>`.
 */
export type ResponseBody<
  Path extends keyof paths,
  Method extends keyof paths[Path],
  Status extends keyof Responses<Path, Method> = Extract<keyof Responses<Path, Method>, 200 | 201 | 202>,
> = Responses<Path, Method>[Status] extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body an operation takes: `RequestBody<'/v1/complaints', 'post'>`. */
export type RequestBody<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;
