/**
 * Starts the API server on an ephemeral loopback port over a temp state dir, with a fake Batch
 * handler table that records its calls, a real FileLogStore and a fake event source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { credentialsPath, loadOrCreateCredentials, type ApiCredentials } from '../../src/emulator/edge/credentials';
import type { BatchEvent, EventSource } from '../../src/emulator/edge/events';
import type { BatchHandlers, OperationName } from '../../src/emulator/batch/api/routes';
import { startApiServer, type ApiServer } from '../../src/emulator/edge/server';
import type { EdgeService } from '../../src/emulator/edge/service';
import { FileLogStore } from '../../src/emulator/store/log-store';

export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'us-east-1';

/** Event source whose events the test pushes by hand. */
export class FakeEventSource implements EventSource {
  private readonly listeners = new Set<(e: BatchEvent) => void>();
  subscribe(listener: (e: BatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get subscriberCount(): number {
    return this.listeners.size;
  }
  emit(event: BatchEvent): void {
    for (const l of this.listeners) l(event);
  }
}

export interface FakeBatchCall {
  readonly operation: OperationName;
  readonly input: unknown;
}

export interface ApiHarness {
  readonly server: ApiServer;
  readonly stateDir: string;
  readonly credentialsFile: string;
  readonly credentials: ApiCredentials;
  readonly logStore: FileLogStore;
  readonly events: FakeEventSource;
  readonly calls: FakeBatchCall[];
  readonly logLines: string[];
  close(): Promise<void>;
}

/** Wraps handlers so every call is recorded before it runs. */
function recording(handlers: BatchHandlers, calls: FakeBatchCall[]): BatchHandlers {
  const out: BatchHandlers = {};
  for (const [op, fn] of Object.entries(handlers)) {
    out[op as OperationName] = (input: unknown) => {
      calls.push({ operation: op as OperationName, input });
      return fn(input);
    };
  }
  return out;
}

export async function startHarness(fakeBatch: BatchHandlers, extra: { heartbeatMs?: number; timeouts?: { headersMs?: number; requestMs?: number; idleMs?: number }; services?: readonly EdgeService[] } = {}): Promise<ApiHarness> {
  const stateDir = mkdtempSync(join(tmpdir(), 'localbatch-api-'));
  const credentials = loadOrCreateCredentials(stateDir, TEST_REGION);
  const logStore = new FileLogStore(stateDir);
  const events = new FakeEventSource();
  const calls: FakeBatchCall[] = [];
  const logLines: string[] = [];
  const server = await startApiServer({
    port: 0,
    credentials,
    batch: recording(fakeBatch, calls),
    logs: logStore,
    events,
    accountId: TEST_ACCOUNT,
    region: TEST_REGION,
    version: '0.0.0-test',
    log: (line) => logLines.push(line),
    heartbeatMs: extra.heartbeatMs,
    timeouts: extra.timeouts,
    services: extra.services,
  });
  return {
    server,
    stateDir,
    credentialsFile: credentialsPath(stateDir),
    credentials,
    logStore,
    events,
    calls,
    logLines,
    close: async () => {
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Signs a request with `creds` (as the SDK would) and sends it with fetch, with a deadline. */
export async function signedFetch(
  baseUrl: string,
  creds: ApiCredentials,
  req: { method: string; path: string; query?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string; service?: string; date?: Date },
  timeoutMs = 5000,
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const signer = new SignatureV4({ credentials: creds, region: TEST_REGION, service: req.service ?? 'batch', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: req.path,
      query: req.query ?? {},
      headers: { host: url.host, ...(req.headers ?? {}) },
      body: req.body,
    },
    { signingDate: req.date },
  );
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) for (const x of [v].flat()) qs.append(k, x);
  const query = qs.toString() ? `?${qs.toString().replace(/\+/g, '%20')}` : '';
  const headers = { ...signed.headers } as Record<string, string>;
  delete headers.host;
  return rawFetch(`${baseUrl}${req.path}${query}`, { method: req.method, headers, body: req.body }, timeoutMs);
}

export async function rawFetch(url: string, init: RequestInit, timeoutMs = 5000): Promise<RawResponse> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
