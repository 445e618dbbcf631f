/**
 * STS's GetCallerIdentity (query protocol, signing name `sts`): scripts and jobs ask it for the
 * account to build ARNs and bucket names with (`aws sts get-caller-identity --query Account`), and
 * jobs reach it through the `AWS_ENDPOINT_URL` they get. Answered with STS's XML; any other action
 * (AssumeRole, GetSessionToken, ...) is InvalidAction, saying how to send it to AWS instead.
 */
import { ApiError, queryErrorCode, type ErrorResponse } from '../edge/errors';
import type { EdgeRequest, EdgeResponse, EdgeService } from '../edge/service';
import { callerIdentity, type JobSession } from './identity';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

class StsError extends Error {
  constructor(readonly code: string, readonly status: number, message: string) {
    super(message);
  }
}

export interface StsOptions {
  readonly account: string;
  readonly region: string;
  /** The role and session of a running job's access key (undefined for any other key). */
  readonly jobSession?: (accessKeyId: string) => JobSession | undefined;
}

export function stsService(o: StsOptions): EdgeService {
  return {
    name: 'sts',
    signingNames: ['sts'],
    queryVersion: '2011-06-15',
    async handle(req: EdgeRequest): Promise<EdgeResponse> {
      const p = new URLSearchParams(req.body.length > 0 ? req.body.toString('utf8') : req.rawQuery);
      const action = p.get('Action') ?? '';
      if (action !== 'GetCallerIdentity') {
        const name = action.replace(/[^A-Za-z0-9]/g, '').slice(0, 60);
        throw new StsError('InvalidAction', 400, `localbatch's STS serves GetCallerIdentity only, not ${name || 'a request without an Action'}. To send STS calls to AWS while localbatch is the endpoint, give STS its own: AWS_ENDPOINT_URL_STS=https://sts.<region>.amazonaws.com.`);
      }
      const id = callerIdentity(req.caller.accessKeyId, { account: o.account, region: o.region, job: o.jobSession?.(req.caller.accessKeyId) });
      const result = `<Arn>${esc(id.Arn)}</Arn><UserId>${esc(id.UserId)}</UserId><Account>${id.Account}</Account>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>${result}</GetCallerIdentityResult><ResponseMetadata><RequestId>${req.requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>` };
    },
    errorResponse(err: unknown, requestId: string): ErrorResponse {
      // (the edge's own refusals, such as a bad signature, are ApiErrors with their code and status)
      const e = err instanceof StsError ? { code: err.code, status: err.status, message: err.message } : err instanceof ApiError ? { code: queryErrorCode(err), status: err.status, message: err.message } : undefined;
      const status = e?.status ?? 500;
      const message = e ? e.message : 'localbatch hit an internal error; see the server log.';
      const body = `<ErrorResponse xmlns="${NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${esc(e?.code ?? 'InternalFailure')}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status, headers: { 'content-type': 'text/xml' }, body, logLine: e ? undefined : `sts: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
    },
  };
}
