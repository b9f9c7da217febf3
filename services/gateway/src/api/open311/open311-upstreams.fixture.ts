import { AppError, type CallContext } from '@balai/platform';
import type { Open311Upstreams } from './open311-service.js';

type Complaints = Open311Upstreams['complaints'];
type Identity = Open311Upstreams['identity'];
type Method = keyof Complaints | keyof Identity;
type RequestOf<M extends Method> = M extends keyof Complaints
  ? Parameters<Complaints[M]>[0]
  : M extends keyof Identity
    ? Parameters<Identity[M]>[0]
    : never;

export interface Open311UpstreamCall {
  method: Method;
  context: CallContext;
}

export interface FakeOpen311Upstreams {
  upstreams: Open311Upstreams;
  /** Every call in order. */
  calls: Open311UpstreamCall[];
  /** Each method's requests as sent. */
  requests: { [M in Method]: Array<RequestOf<M>> };
}

/**
 * The services Open311 calls, answering as each test says per method. Records every call in
 * order with its caller context, and each method's requests as sent; a method the test does not
 * answer fails as the service being down.
 */
export function fakeOpen311Upstreams(
  answers: { complaints?: Partial<Complaints>; identity?: Partial<Identity> } = {},
): FakeOpen311Upstreams {
  const calls: Open311UpstreamCall[] = [];
  const requests: FakeOpen311Upstreams['requests'] = {
    listCategories: [],
    getCategory: [],
    getComplaint: [],
    listComplaints: [],
    submitComplaint: [],
    listAgencies: [],
  };
  const recorded =
    <Request, Response>(
      method: Method,
      sent: Request[],
      answer: ((request: Request, context: CallContext) => Promise<Response>) | undefined,
    ) =>
    async (request: Request, context: CallContext): Promise<Response> => {
      calls.push({ method, context });
      sent.push(request);
      if (!answer) throw new AppError('UPSTREAM_UNAVAILABLE', `${method} is not faked`);
      return answer(request, context);
    };
  const complaints = answers.complaints ?? {};
  const upstreams: Open311Upstreams = {
    complaints: {
      listCategories: recorded('listCategories', requests.listCategories, complaints.listCategories),
      getCategory: recorded('getCategory', requests.getCategory, complaints.getCategory),
      getComplaint: recorded('getComplaint', requests.getComplaint, complaints.getComplaint),
      listComplaints: recorded('listComplaints', requests.listComplaints, complaints.listComplaints),
      submitComplaint: recorded('submitComplaint', requests.submitComplaint, complaints.submitComplaint),
    },
    identity: { listAgencies: recorded('listAgencies', requests.listAgencies, answers.identity?.listAgencies) },
  };
  return { upstreams, calls, requests };
}
