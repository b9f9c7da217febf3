import { complaintsV1, type identityV1 } from '@balai/contracts';
import { AppError, type CallContext, isAppError, type Logger, type UpstreamClient } from '@balai/platform';
import { type Open311Locale, toOpen311Service, toOpen311ServiceDefinition } from './open311-catalogue.js';
import { Open311Refusal, refuse, serviceCodeNotFound } from './open311-errors.js';
import {
  GEOREPORT_V2_SPECIFICATION,
  type Open311Discovery,
  type Open311Service,
  type Open311ServiceDefinition,
  type Open311ServiceRequest,
  type Open311ServiceRequestUpdate,
  type Open311TokenResolution,
  open311Formats,
  open311MediaTypes,
} from './open311-model.js';
import { isServiceRequestId, type Open311RequestSearch, type Open311UpdatesQuery } from './open311-request-parsing.js';
import {
  complaintStatusesFor,
  type Open311Names,
  submitRefusalErrors,
  toOpen311ServiceRequest,
  toOpen311ServiceRequestUpdates,
} from './open311-requests.js';

/**
 * What Open311 asks of the services behind the gateway: complaints' catalogue and complaints, and
 * identity's agency directory for agency names.
 */
export interface Open311Upstreams {
  complaints: Pick<
    UpstreamClient<complaintsV1.ComplaintsServiceClient>,
    'listCategories' | 'getCategory' | 'getComplaint' | 'listComplaints' | 'submitComplaint'
  >;
  identity: Pick<UpstreamClient<identityV1.IdentityServiceClient>, 'listAgencies'>;
}

export interface Open311ServiceOptions {
  /** The endpoint published in discovery: the gateway's public URL and the Open311 prefix. */
  endpointUrl: string;
  /** Where api keys come from: the OIDC issuer (client credentials). */
  keyService: string;
  contact: string;
  /** Where a degraded answer (agency ids for names) is noted. */
  log: Pick<Logger, 'warn'>;
}

/**
 * The GeoReport v2 operations over the complaints and identity services, one method per
 * endpoint, in Open311's model (rendering to JSON or XML is the routes'). Each takes the caller
 * context the routes decided: the jurisdiction's tenant, and for public reads no caller at all.
 * What Open311 names differently from the platform is refused here as an Open311Refusal
 * (`service_code provided was not found`, ...); any other failure is the AppError as it came.
 */
export interface Open311Operations {
  discovery(): Open311Discovery;
  /** The jurisdiction's active complaint categories. */
  services(context: CallContext, locale: Open311Locale): Promise<Open311Service[]>;
  /** A category's attributes, labelled in `locale`; an unknown service_code is the Open311 404. */
  serviceDefinition(
    context: CallContext,
    serviceCode: string,
    locale: Open311Locale,
  ): Promise<Open311ServiceDefinition>;
  /** Files a partner's request as a complaint; answers the new service_request_id. */
  submitRequest(context: CallContext, submission: complaintsV1.SubmitComplaintRequest): Promise<string>;
  /** One Open311 page of the search, with service and agency names. */
  searchRequests(
    context: CallContext,
    search: Open311RequestSearch,
    locale: Open311Locale,
  ): Promise<Open311ServiceRequest[]>;
  /** One service request in the public view; an unknown or malformed id is the Open311 404. */
  request(context: CallContext, serviceRequestId: string, locale: Open311Locale): Promise<Open311ServiceRequest>;
  /** A token is the request's id (requests are created at once); an unknown one is the 404. */
  token(context: CallContext, token: string): Promise<Open311TokenResolution>;
  /** The public timeline entries of the window, oldest first (FixMyStreet's extension). */
  updates(
    context: CallContext,
    window: Pick<Open311UpdatesQuery, 'start' | 'end'>,
  ): Promise<Open311ServiceRequestUpdate[]>;
}

/** FixMyStreet's Open311 extension (GET servicerequestupdates), published in discovery. */
export const FIXMYSTREET_UPDATES_SPECIFICATION =
  'https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311';

/** When the Open311 surface this gateway serves last changed; bump it with the routes. */
export const OPEN311_CHANGESET = new Date('2026-11-29T16:00:00+07:00');

/** ListComplaints' largest page. */
const upstreamPageSize = 100;
/** servicerequestupdates reads at most this many complaints (10 upstream pages). */
const updatesComplaintLimit = 1000;

/** The ListComplaints filter of a GET requests search. */
function listFilterOf(search: Open311RequestSearch): Partial<complaintsV1.ListComplaintsRequest> {
  if (search.kind === 'ids') return { complaintIds: search.serviceRequestIds, order: 'newest' };
  return {
    categoryCodes: search.serviceCodes,
    statuses: complaintStatusesFor(search.statuses),
    submittedFrom: search.start,
    // The search's end is inclusive, ListComplaints' bound is not.
    submittedBefore: new Date(search.end.getTime() + 1),
    order: 'newest',
  };
}

const serviceRequestNotFound = () => refuse(404, 'service_request_id provided was not found');

export function createOpen311Service(upstreams: Open311Upstreams, options: Open311ServiceOptions): Open311Operations {
  const { complaints, identity } = upstreams;

  /** ListComplaints with the defaults of every field the filter leaves out. */
  const listComplaints = (filter: Partial<complaintsV1.ListComplaintsRequest>, context: CallContext) =>
    complaints.listComplaints(complaintsV1.ListComplaintsRequest.fromPartial(filter), context);

  /**
   * One Open311 page (1-based `page` of `pageSize`, up to 1000) from ListComplaints, whose pages
   * hold at most 100: one call when the page fits, else the upstream pages covering it.
   */
  async function pageOfComplaints(
    context: CallContext,
    filter: Partial<complaintsV1.ListComplaintsRequest>,
    page: number,
    pageSize: number,
  ): Promise<complaintsV1.Complaint[]> {
    if (pageSize <= upstreamPageSize) return (await listComplaints({ ...filter, page, pageSize }, context)).complaints;
    const first = (page - 1) * pageSize;
    const last = first + pageSize;
    const firstUpstream = Math.floor(first / upstreamPageSize);
    const collected: complaintsV1.Complaint[] = [];
    for (let upstream = firstUpstream; upstream * upstreamPageSize < last; upstream += 1) {
      const answer = await listComplaints({ ...filter, page: upstream + 1, pageSize: upstreamPageSize }, context);
      collected.push(...answer.complaints);
      if (answer.complaints.length < upstreamPageSize || answer.nextPageToken === '') break;
    }
    const offset = first - firstUpstream * upstreamPageSize;
    return collected.slice(offset, offset + pageSize);
  }

  /**
   * Service and agency names for the jurisdiction (inactive categories have none). Agency names
   * are identity's; without identity the agency id stands in, rather than failing a public read.
   */
  async function namesFor(context: CallContext, locale: Open311Locale): Promise<Open311Names> {
    const [{ categories }, agencies] = await Promise.all([
      complaints.listCategories({ includeInactive: false }, context),
      identity.listAgencies({}, context).then(
        (answer) => answer.agencies,
        (error: unknown) => {
          options.log.warn(
            { err: error, requestId: context.requestId },
            'agency names unavailable for Open311; answering agency ids',
          );
          return [];
        },
      ),
    ]);
    return {
      services: new Map(categories.map((category) => [category.code, toOpen311Service(category, locale).service_name])),
      agencies: new Map(agencies.map((agency) => [agency.id, agency.name])),
    };
  }

  /** GetComplaint in the public view; an unknown or malformed id is the Open311 404. */
  async function publicComplaint(context: CallContext, id: string): Promise<complaintsV1.Complaint> {
    // GET requests/{id} and tokens/{token} take the ids the search takes.
    if (!isServiceRequestId(id)) serviceRequestNotFound();
    try {
      const { complaint } = await complaints.getComplaint({ complaintId: id }, context);
      if (!complaint) throw new AppError('INTERNAL', 'complaints answered without a complaint');
      return complaint;
    } catch (error) {
      if (isAppError(error) && error.code === 'COMPLAINT_NOT_FOUND') serviceRequestNotFound();
      throw error;
    }
  }

  return {
    discovery() {
      return {
        changeset: OPEN311_CHANGESET,
        contact: options.contact,
        key_service: options.keyService,
        // One base URL; the second entry tells clients it also serves the updates extension.
        endpoints: [GEOREPORT_V2_SPECIFICATION, FIXMYSTREET_UPDATES_SPECIFICATION].map((specification) => ({
          specification,
          url: options.endpointUrl,
          changeset: OPEN311_CHANGESET,
          type: 'production' as const,
          formats: open311Formats.map((each) => open311MediaTypes[each]),
        })),
      };
    },

    async services(context, locale) {
      const { categories } = await complaints.listCategories({ includeInactive: false }, context);
      return categories.map((category) => toOpen311Service(category, locale));
    },

    async serviceDefinition(context, serviceCode, locale) {
      try {
        const { category } = await complaints.getCategory({ code: serviceCode }, context);
        if (!category) throw new AppError('INTERNAL', 'complaints answered without a category');
        return toOpen311ServiceDefinition(category, locale);
      } catch (error) {
        if (isAppError(error) && error.code === 'CATEGORY_NOT_FOUND') throw serviceCodeNotFound();
        throw error;
      }
    },

    async submitRequest(context, submission) {
      let answer: complaintsV1.SubmitComplaintResponse;
      try {
        answer = await complaints.submitComplaint(submission, context);
      } catch (error) {
        const errors = submitRefusalErrors(error);
        if (errors) throw new Open311Refusal({ status: 400, errors });
        throw error;
      }
      if (!answer.complaint) throw new AppError('INTERNAL', 'complaints answered without a complaint');
      return answer.complaint.id;
    },

    async searchRequests(context, search, locale) {
      const [names, found] = await Promise.all([
        namesFor(context, locale),
        search.kind === 'ids'
          ? pageOfComplaints(context, listFilterOf(search), 1, search.serviceRequestIds.length)
          : pageOfComplaints(context, listFilterOf(search), search.page, search.pageSize),
      ]);
      return found.map((complaint) => toOpen311ServiceRequest(complaint, names));
    },

    async request(context, serviceRequestId, locale) {
      const [complaint, names] = await Promise.all([
        publicComplaint(context, serviceRequestId),
        namesFor(context, locale),
      ]);
      return toOpen311ServiceRequest(complaint, names);
    },

    async token(context, token) {
      try {
        const complaint = await publicComplaint(context, token);
        return { token, service_request_id: complaint.id };
      } catch (error) {
        if (error instanceof Open311Refusal && error.response.status === 404)
          refuse(404, 'token provided was not found');
        throw error;
      }
    },

    async updates(context, window) {
      // Every complaint changed since start_date: one changed again after end_date still holds
      // the entries of the window, which are picked by their own time below.
      const changed: complaintsV1.Complaint[] = [];
      let pageToken = '';
      do {
        const answer = await listComplaints(
          { updatedFrom: window.start, order: 'updated', includeTimeline: true, pageSize: upstreamPageSize, pageToken },
          context,
        );
        changed.push(...answer.complaints);
        pageToken = answer.nextPageToken;
        if (pageToken !== '' && changed.length >= updatesComplaintLimit) {
          refuse(
            400,
            `More than ${updatesComplaintLimit} service requests changed since start_date; ask for a later start_date`,
          );
        }
      } while (pageToken !== '');
      return toOpen311ServiceRequestUpdates(changed, {
        from: window.start,
        before: new Date(window.end.getTime() + 1),
      });
    },
  };
}
