/**
 * A real API server over a real BatchEngine (scripted containers, the real clock) for the Batch
 * conformance tests: compute environment and job queue `local` ready, credentials in a temp state dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchClient } from '@aws-sdk/client-batch';
import { batchHandlers } from '../../../src/emulator/batch/api';
import { credentialsPath, loadOrCreateCredentials, type ApiCredentials } from '../../../src/emulator/edge/credentials';
import { startApiServer, type ApiServer } from '../../../src/emulator/edge/server';
import { systemClock } from '../../../src/emulator/clock/clock';
import { BatchEngine } from '../../../src/emulator/batch/core/engine';
import { ScriptedRuntime } from '../../../src/emulator/runtime/scripted';
import { FileLogStore } from '../../../src/emulator/store/log-store';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface ConformanceServer {
  readonly engine: BatchEngine;
  readonly runtime: ScriptedRuntime;
  readonly server: ApiServer;
  readonly stateDir: string;
  readonly credentials: ApiCredentials;
  readonly credentialsFile: string;
  readonly logLines: string[];
  client(): BatchClient;
  close(): Promise<void>;
}

/** Resolves once `check` holds, polling every 10 ms for at most `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startConformanceServer(): Promise<ConformanceServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'localbatch-conf-'));
  const logs = new FileLogStore(stateDir);
  const clock = systemClock();
  const runtime = new ScriptedRuntime({ clock, logs, record: false });
  const engine = new BatchEngine({ clock, runtime, account: ACCOUNT, region: REGION, defaultCapacity: { vcpus: 4, memoryMiB: 8192 } });
  engine.createComputeEnvironment({ computeEnvironmentName: 'local', type: 'UNMANAGED', state: 'ENABLED' });
  await Promise.resolve();
  engine.createJobQueue({ jobQueueName: 'local', priority: 1, state: 'ENABLED', computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }] });
  await Promise.resolve();
  const credentials = loadOrCreateCredentials(stateDir, REGION);
  const logLines: string[] = [];
  const server = await startApiServer({ port: 0, credentials, batch: batchHandlers(engine), logs, events: engine, accountId: ACCOUNT, region: REGION, version: '0.0.0-test', log: (l) => logLines.push(l) });
  const clients: BatchClient[] = [];
  return {
    engine,
    runtime,
    server,
    stateDir,
    credentials,
    credentialsFile: credentialsPath(stateDir),
    logLines,
    client() {
      const c = new BatchClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      engine.terminateAll('test over');
      await until(() => engine.quiescent, 10_000).catch(() => undefined);
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
