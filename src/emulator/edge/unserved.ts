/**
 * The answer to a request signed for an AWS service localbatch does not serve (SQS, SSM, Secrets
 * Manager, IAM, ...): an error in that service's own protocol family, so the AWS CLI and
 * SDKs show its message, saying which services are served and how to send the others to AWS,
 * instead of a signature error naming another service.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorResponse } from './errors';

/** Signing names the edge answers itself (Batch, Logs, the local API), besides its services'. */
export const OWN_SIGNING_NAMES: readonly string[] = ['batch', 'logs', 'localbatch'];

/** Service ids whose endpoint variable is not the signing name in capitals. */
const SERVICE_IDS: Readonly<Record<string, string>> = { secretsmanager: 'secrets manager', 'execute-api': 'api gateway', monitoring: 'cloudwatch' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function unservedResponse(service: string, served: readonly string[], headers: IncomingHttpHeaders, requestId: string): ErrorResponse {
  const name = service.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40);
  const variable = `AWS_ENDPOINT_URL_${(SERVICE_IDS[name] ?? name).toUpperCase().replace(/[- ]/g, '_')}`;
  const message = `localbatch does not serve ${name} (it serves ${[...new Set(served)].sort().join(', ')}). To send ${name} calls to AWS while localbatch is the endpoint, give ${name} its own: ${variable}=https://${name}.<region>.amazonaws.com (the SDKs' service-specific endpoint variable), or call it without --endpoint-url.`;
  const contentType = String(headers['content-type'] ?? '');
  // The query protocol (IAM, SQS's older form, EC2, ...) posts a form and reads an XML error.
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const body = `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: 400, headers: { 'content-type': 'text/xml' }, body };
  }
  return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'UnknownOperationException' }, body: JSON.stringify({ __type: 'UnknownOperationException', message }) };
}
