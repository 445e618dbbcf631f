/**
 * The AWS Batch restJson1 route table, as the service model (batch 2016-08-10) defines it: every
 * operation is `POST /v1/<lowercase name>` except the three tag operations on `/v1/tags/{resourceArn}`.
 * `test/unit/emulator/api/routes.test.ts` checks this table against botocore's copy of the model.
 */

/** Operations whose route is `POST /v1/<lowercase name>`. */
const POST_OPERATIONS = [
  'CancelJob',
  'CreateComputeEnvironment',
  'CreateConsumableResource',
  'CreateJobQueue',
  'CreateQuotaShare',
  'CreateSchedulingPolicy',
  'CreateServiceEnvironment',
  'DeleteComputeEnvironment',
  'DeleteConsumableResource',
  'DeleteJobQueue',
  'DeleteQuotaShare',
  'DeleteSchedulingPolicy',
  'DeleteServiceEnvironment',
  'DeregisterJobDefinition',
  'DescribeComputeEnvironments',
  'DescribeConsumableResource',
  'DescribeJobDefinitions',
  'DescribeJobQueues',
  'DescribeJobs',
  'DescribeQuotaShare',
  'DescribeSchedulingPolicies',
  'DescribeServiceEnvironments',
  'DescribeServiceJob',
  'GetJobQueueSnapshot',
  'ListConsumableResources',
  'ListJobs',
  'ListJobsByConsumableResource',
  'ListQuotaShares',
  'ListSchedulingPolicies',
  'ListServiceJobs',
  'RegisterJobDefinition',
  'SubmitJob',
  'SubmitServiceJob',
  'TerminateJob',
  'TerminateServiceJob',
  'UpdateComputeEnvironment',
  'UpdateConsumableResource',
  'UpdateJobQueue',
  'UpdateQuotaShare',
  'UpdateSchedulingPolicy',
  'UpdateServiceEnvironment',
  'UpdateServiceJob',
] as const;

/**
 * Operations newer than the botocore model on the development machines, present in the model that
 * `@aws-sdk/client-batch` ships (same `POST /v1/<lowercase name>` form).
 */
export const SDK_ONLY_OPERATIONS = ['CancelJobs', 'TerminateJobs', 'TerminateServiceJobs'] as const;

const TAG_OPERATIONS = { GET: 'ListTagsForResource', POST: 'TagResource', DELETE: 'UntagResource' } as const;

export type OperationName = (typeof POST_OPERATIONS)[number] | (typeof SDK_ONLY_OPERATIONS)[number] | (typeof TAG_OPERATIONS)[keyof typeof TAG_OPERATIONS];

/**
 * What the core plugs in: one function per operation, taking the parsed request (the JSON body
 * merged with path and query members, named as in the service model) and returning the response
 * object. Throw `ClientException` (or another ApiError) for errors. Missing entries answer
 * "localbatch does not implement <Op> yet".
 */
export type BatchHandler = (input: unknown) => Promise<unknown> | unknown;
export type BatchHandlers = Partial<Record<OperationName, BatchHandler>>;

export interface RouteDef {
  readonly operation: OperationName;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The model's requestUri, e.g. `/v1/submitjob` or `/v1/tags/{resourceArn}`. */
  readonly requestUri: string;
}

export const ROUTES: readonly RouteDef[] = [
  ...[...POST_OPERATIONS, ...SDK_ONLY_OPERATIONS].map((operation) => ({
    operation,
    method: 'POST' as const,
    requestUri: `/v1/${operation.toLowerCase()}`,
  })),
  ...Object.entries(TAG_OPERATIONS).map(([method, operation]) => ({
    operation,
    method: method as RouteDef['method'],
    requestUri: '/v1/tags/{resourceArn}',
  })),
];

export const ALL_OPERATIONS: readonly OperationName[] = ROUTES.map((r) => r.operation);

export type RouteMatch =
  | { readonly kind: 'operation'; readonly operation: OperationName; readonly pathParams: Record<string, string> }
  /** The path exists but not with this method. */
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' };

const BY_PATH = new Map<string, OperationName>(ROUTES.filter((r) => r.method === 'POST' && !r.requestUri.includes('{')).map((r) => [r.requestUri, r.operation]));
const TAGS_PREFIX = '/v1/tags/';

/** Matches a raw (still percent-encoded) path without its query string. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const postOp = BY_PATH.get(rawPath) ?? BY_PATH.get(rawPath.replace(/\/$/, ''));
  if (postOp) {
    return method === 'POST'
      ? { kind: 'operation', operation: postOp, pathParams: {} }
      : { kind: 'method-not-allowed', allowed: ['POST'] };
  }
  if (rawPath.startsWith(TAGS_PREFIX) && rawPath.length > TAGS_PREFIX.length) {
    const encoded = rawPath.slice(TAGS_PREFIX.length);
    let resourceArn: string;
    try {
      resourceArn = decodeURIComponent(encoded);
    } catch {
      return { kind: 'none' };
    }
    const operation = (TAG_OPERATIONS as Record<string, OperationName>)[method];
    return operation
      ? { kind: 'operation', operation, pathParams: { resourceArn } }
      : { kind: 'method-not-allowed', allowed: Object.keys(TAG_OPERATIONS) };
  }
  return { kind: 'none' };
}

/** Query members an operation takes (only UntagResource has one: the `tagKeys` list). */
export function queryMembers(operation: OperationName, query: URLSearchParams): Record<string, unknown> {
  if (operation === 'UntagResource') return { tagKeys: query.getAll('tagKeys') };
  return {};
}
