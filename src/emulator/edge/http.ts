/** Small node:http helpers: a bounded body reader and JSON responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, ClientException, RequestEntityTooLargeException } from './errors';

/** Cap on any request body. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * A PutLogEvents body: a batch may hold 1,048,576 bytes of messages, and JSON escapes can make
 * each byte six (`\u00e9`).
 */
export const PUT_LOG_EVENTS_MAX_BYTES = 8 * 1024 * 1024;
/** AWS Batch's limit on a SubmitJob request. */
export const SUBMIT_JOB_MAX_BYTES = 30 * 1024;

/**
 * Reads the whole body, refusing it once it passes `limit` bytes (by Content-Length up front, or
 * while streaming). After a refusal the rest is drained and discarded so the response still reaches
 * the client; the server's request timeout bounds how long that can take.
 */
export function readBody(req: IncomingMessage, limit: number, tooLarge: () => ApiError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (failed) return;
      failed = true;
      reject(err);
    });
    req.on('aborted', () => {
      if (failed) return;
      failed = true;
      reject(new ClientException('The client closed the connection before sending the whole request.'));
    });
  });
}

export function bodyLimitError(operation: string | undefined): () => ApiError {
  return operation === 'SubmitJob'
    ? () => new ClientException(`The SubmitJob request is larger than AWS Batch's limit of ${SUBMIT_JOB_MAX_BYTES / 1024} KiB.`)
    : () => new RequestEntityTooLargeException(`The request body is larger than localbatch's limit of ${MAX_BODY_BYTES / 1024 / 1024} MiB.`);
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Like `send`, for a body that may be binary. */
export function sendRaw(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Parses a JSON object body; an empty body is `{}`. */
export function parseJsonObject(body: Buffer, malformed: (msg: string) => ApiError): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw malformed('The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw malformed('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
