/** S3's error XML and codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
import { ApiError, AuthError, SIGV2_UNSUPPORTED } from '../edge/errors';
import type { ErrorResponse } from '../edge/errors';
import { xmlEscape } from './xml';

export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const noSuchBucket = (bucket: string) => new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });
export const noSuchKey = (key: string) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });
export const noSuchUpload = (uploadId: string) =>
  new S3Error('NoSuchUpload', 404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
export const invalidArgument = (message: string, name?: string, value?: string) =>
  new S3Error('InvalidArgument', 400, message, name ? { ArgumentName: name, ArgumentValue: value ?? '' } : {});
export const malformedXml = () => new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
/** A key localbatch cannot keep as a file in the bucket's folder (S3 itself allows it). */
export const unstorableKey = (key: string, why: string) =>
  new S3Error('InvalidArgument', 400, `localbatch stores each object as a file in the bucket's folder, so the key ${key} cannot be stored: ${why}. S3 itself allows it; this is a local limit (see the README, S3).`, { ArgumentName: 'key', ArgumentValue: key.slice(0, 200) });
/** A delete through a link out of the bucket's folder: refused, as localbatch changes no file outside it. */
export const linkOutOfBucket = (key: string) =>
  new S3Error('InvalidArgument', 400, `localbatch does not delete ${key}: a folder on its path is a link leading out of the bucket's folder, and localbatch changes no file outside it (remove the file or the link yourself).`, { ArgumentName: 'key', ArgumentValue: key.slice(0, 200) });
export const badDigest = (what: string) => new S3Error('BadDigest', 400, `The ${what} you specified did not match the calculated checksum.`);

/** The edge's SigV4 refusals, in S3's codes. */
const AUTH_CODES: Readonly<Record<string, string>> = {
  MissingAuthenticationTokenException: 'AccessDenied',
  IncompleteSignatureException: 'AuthorizationHeaderMalformed',
  UnrecognizedClientException: 'InvalidAccessKeyId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
};

export function s3ErrorResponse(err: unknown, requestId: string, resource = ''): ErrorResponse {
  let code = 'InternalError';
  let status = 500;
  let message = 'We encountered an internal error. Please try again.';
  let extra: Readonly<Record<string, string>> = {};
  let logLine: string | undefined;
  if (err instanceof S3Error) ({ code, status, message, extra } = err);
  else if (err instanceof AuthError) {
    code = AUTH_CODES[err.type] ?? 'AccessDenied';
    status = 403;
    message = err.message;
    if (err.message === SIGV2_UNSUPPORTED) [code, status, message] = ['InvalidRequest', 400, `${SIGV2_UNSUPPORTED} (Signature Version 2; with the AWS CLI v1: aws configure set default.s3.signature_version s3v4)`];
    else if (/^Signature expired: \S+ \+ \d+ s/.test(err.message)) [code, message] = ['AccessDenied', 'Request has expired'];
    else if (/^Signature (expired|not yet current)/.test(err.message)) code = 'RequestTimeTooSkewed';
    // a presigned URL's query parameters (X-Amz-Expires over 7 days, a missing one): S3's own code for them
    else if (err.type === 'IncompleteSignatureException' && /X-Amz-|^Presigned request/.test(err.message)) [code, status] = ['AuthorizationQueryParametersError', 400];
  } else if (err instanceof ApiError) {
    code = err.type === 'RequestEntityTooLargeException' ? 'EntityTooLarge' : err.type;
    status = err.status;
    message = err.message;
  } else logLine = `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  const body =
    status === 304
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}` +
        `${resource ? `<Resource>${xmlEscape(resource)}</Resource>` : ''}<RequestId>${requestId}</RequestId><HostId>localbatch</HostId></Error>`;
  return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': 'localbatch' }, body, logLine };
}
