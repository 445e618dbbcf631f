/** SigV4-signed requests to a local emulator's `/localbatch/v1/` endpoints (health, events, interrupt). */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import * as http from 'node:http';
import type { EmulatorEndpoint } from './endpoint';

export const SIGNING_SERVICE = 'batch';

/** Signs a GET of `pathAndQuery` on the endpoint; returns the headers to send. */
export async function signGet(endpoint: EmulatorEndpoint, pathAndQuery: string, extraHeaders: Record<string, string> = {}): Promise<{ url: URL; headers: Record<string, string> }> {
  const url = new URL(pathAndQuery, endpoint.url + '/');
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const signer = new SignatureV4({ credentials: endpoint.credentials, region: endpoint.region, service: SIGNING_SERVICE, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: { host: url.host, ...extraHeaders },
  });
  return { url, headers: signed.headers as Record<string, string> };
}

export interface HealthResult {
  readonly ok: boolean;
  readonly status: number;
  /** The parsed body when it is JSON (the server reports e.g. whether Docker is reachable). */
  readonly body: unknown;
}

/** GET /localbatch/v1/health; rejects when the server cannot be reached within the timeout. */
export async function checkHealth(endpoint: EmulatorEndpoint, timeoutMs = 2000): Promise<HealthResult> {
  const { url, headers } = await signGet(endpoint, '/localbatch/v1/health');
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        const status = res.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${endpoint.url} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** POSTs a JSON body to a `/localbatch/v1/` endpoint; resolves to the parsed answer, rejects with the server's message on an error status. */
export async function postLocal(endpoint: EmulatorEndpoint, path: string, body: unknown, timeoutMs = 10_000): Promise<unknown> {
  const url = new URL(path, endpoint.url + '/');
  const text = JSON.stringify(body);
  const signer = new SignatureV4({ credentials: endpoint.credentials, region: endpoint.region, service: SIGNING_SERVICE, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body: text,
  });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...(signed.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(text)) }, timeout: timeoutMs }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (answer += c));
      res.on('end', () => {
        let parsed: unknown = answer;
        try {
          parsed = JSON.parse(answer);
        } catch {
          // not JSON: keep the text
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(parsed);
        else reject(new Error((parsed as { message?: string })?.message ?? `HTTP ${status} from ${endpoint.url}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${endpoint.url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}
