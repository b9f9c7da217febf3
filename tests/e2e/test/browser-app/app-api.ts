import type { paths } from '@balai/client';

/*
 * What the browser test's app offers the test (window.balai). Without DOM types, so the test's
 * own program (Node) can name it too.
 */

type Json<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

export type Submission = paths['/v1/complaints']['post']['requestBody']['content']['application/json'];
export type Complaint = Json<paths['/v1/complaints']['post']['responses'][201]>;
export type ComplaintView = Json<paths['/v1/complaints/{id}']['get']['responses'][200]>;
export type ComplaintPage = Json<paths['/v1/complaints']['get']['responses'][200]>;
export type CategoryList = Json<paths['/v1/complaint-categories']['get']['responses'][200]>;

export interface CitizenApp {
  /** Settles once a sign-in callback (if this is one) is handled. */
  ready: Promise<void>;
  /** Every access token this tab saw (its own refreshes and other tabs'), and sign-outs. */
  seen: { accessTokens: string[]; signedOut: string[] };
  signIn(): Promise<void>;
  signedIn(): Promise<boolean>;
  categories(): Promise<CategoryList>;
  submit(body: Submission): Promise<Complaint>;
  mine(): Promise<ComplaintPage>;
  read(id: string): Promise<ComplaintView>;
}
