/**
 * Errors the API answers with, and the one function that turns any thrown value into an AWS
 * error response. AWS clients read the error type from the `X-Amzn-Errortype` header (restJson1)
 * or the body's `__type` (awsJson1_1); we send both, so one shape serves Batch and Logs.
 */

/** An error that is part of the API: its `type` is the AWS error code clients map to a class. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** Batch's error for anything the caller got wrong (400). */
export class ClientException extends ApiError {
  constructor(message: string) {
    super('ClientException', 400, message);
  }
}

/** Batch's error for a failure on the server's side (500). */
export class ServerException extends ApiError {
  constructor(message: string) {
    super('ServerException', 500, message);
  }
}

/** A path or X-Amz-Target that names no operation at all. */
export class UnknownOperationException extends ApiError {
  constructor(message: string, status = 404) {
    super('UnknownOperationException', status, message);
  }
}

/** A body over the general size cap (413). */
export class RequestEntityTooLargeException extends ApiError {
  constructor(message: string) {
    super('RequestEntityTooLargeException', 413, message);
  }
}

/** A body that is not a JSON object (awsJson's name for it; Batch routes use ClientException). */
export class SerializationException extends ApiError {
  constructor(message: string) {
    super('SerializationException', 400, message);
  }
}

/** CloudWatch Logs: no such log group or stream. */
export class ResourceNotFoundException extends ApiError {
  constructor(message: string) {
    super('ResourceNotFoundException', 400, message);
  }
}

/** CloudWatch Logs: the log group or stream to create exists already. */
export class ResourceAlreadyExistsException extends ApiError {
  constructor(message: string) {
    super('ResourceAlreadyExistsException', 400, message);
  }
}

/** CloudWatch Logs: a parameter out of range or malformed. */
export class InvalidParameterException extends ApiError {
  constructor(message: string) {
    super('InvalidParameterException', 400, message);
  }
}

/**
 * Signature Version 2 (`Authorization: AWS <key>:<signature>`, or a URL with AWSAccessKeyId,
 * Signature and Expires, as the AWS CLI v1's `s3 presign` makes by default) is refused saying so:
 * S3 accepts no SigV2 for buckets made since 2020, with this message (400 InvalidRequest; S3's
 * answer adds how to make the AWS CLI v1 sign with SigV4).
 */
export const SIGV2_UNSUPPORTED = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

/** Every authentication refusal is a 403 with one of the codes AWS uses for JSON protocols. */
export type AuthErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException';

export class AuthError extends ApiError {
  constructor(type: AuthErrorType, message: string) {
    super(type, 403, message);
  }
}

/**
 * The same refusals in the codes of the query-protocol services (STS, SNS: their API references'
 * "Common Errors").
 */
export const QUERY_AUTH_CODES: Readonly<Record<AuthErrorType, string>> = {
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  UnrecognizedClientException: 'InvalidClientTokenId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
};

/** An error's code for a query-protocol answer: an AuthError's in that protocol's codes. */
export function queryErrorCode(err: ApiError): string {
  return err instanceof AuthError ? (QUERY_AUTH_CODES[err.type as AuthErrorType] ?? err.type) : err.type;
}

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** What went wrong, for the server log (never includes request headers or credentials). */
  readonly logLine?: string;
}

/**
 * Maps anything thrown while serving a request to the response AWS would give. API errors keep
 * their type and status; anything else is an internal bug and becomes a ServerException whose
 * message does not leak internals (the detail goes to `logLine` instead).
 */
export function toErrorResponse(err: unknown, contentType = 'application/json'): ErrorResponse {
  const known = asApiError(err);
  const apiError = known ?? new ServerException('localbatch hit an internal error; see the server log.');
  const body = JSON.stringify({ __type: apiError.type, message: apiError.message });
  const headers = { 'content-type': contentType, 'x-amzn-errortype': apiError.type };
  const logLine = !known
    ? `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
    : known.status >= 500
      ? `${known.type}: ${known.message}`
      : undefined;
  return { status: apiError.status, headers, body, logLine };
}

/**
 * The core is pure and does not import this module, so its errors (`src/emulator/batch/core/errors.ts`)
 * are recognised by shape: an Error named ClientException or ServerException.
 */
function asApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'ClientException') return new ClientException(err.message);
  if (err.name === 'ServerException') return new ServerException(err.message);
  return undefined;
}
