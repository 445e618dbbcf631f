/**
 * API benchmark (issue 4): a real signed server over the engine (ScriptedRuntime, real clock) with
 * 20,000 jobs stored, driven through @aws-sdk/client-batch over HTTP. Goals: DescribeJobs of 100 ids
 * and one ListJobs page under 5 ms (median), SubmitJob at least 500 requests/s with durable writes
 * (each answer waits for its journal entry's fsync; group commit shares one fsync among requests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchClient, DescribeJobsCommand, ListJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { batchHandlers } from '../src/emulator/batch/api';
import { loadOrCreateCredentials } from '../src/emulator/edge/credentials';
import { startApiServer } from '../src/emulator/edge/server';
import { systemClock } from '../src/emulator/clock/clock';
import { BatchEngine } from '../src/emulator/batch/core/engine';
import { ScriptedRuntime } from '../src/emulator/runtime/scripted';
import { durableHandlers } from '../src/emulator/service';
import { DurableStore } from '../src/emulator/store/durable-store';
import { FileLogStore } from '../src/emulator/store/log-store';
import type { Benchmark } from './benchmark';
import { median } from './timing';

const STORED = 20_000;
const LATENCY_GOAL_MS = 5;
const SUBMIT_GOAL_PER_S = 500;
const RUNS = 200;

async function timeAsync(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

function latencyLine(what: string, times: number[]): string {
  const m = median(times);
  return `${what}: median ${m.toFixed(2)} ms (goal ${LATENCY_GOAL_MS} ms, ratio ${(m / LATENCY_GOAL_MS).toFixed(2)}); p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms over ${times.length} runs`;
}

export const apiBench: Benchmark = {
  name: 'api',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'localbatch-bench-'));
    const clock = systemClock();
    const logs = new FileLogStore(dir);
    const runtime = new ScriptedRuntime({ clock, logs, record: false });
    const { store } = await DurableStore.open(dir);
    const engine = new BatchEngine({ clock, runtime, defaultCapacity: { vcpus: 64, memoryMiB: 64 * 1024 }, journal: store, durable: () => store.committed() });
    store.setSnapshotSource(() => engine.snapshot());
    engine.createComputeEnvironment({ computeEnvironmentName: 'run', type: 'UNMANAGED' });
    engine.createComputeEnvironment({ computeEnvironmentName: 'off', type: 'UNMANAGED', state: 'DISABLED' });
    await Promise.resolve();
    engine.createJobQueue({ jobQueueName: 'run', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'run' }] });
    engine.createJobQueue({ jobQueueName: 'stored', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'off' }] });
    engine.registerJobDefinition({ jobDefinitionName: 'b', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '0.25' }, { type: 'MEMORY', value: '64' }] } });
    await Promise.resolve();
    const ids: string[] = [];
    for (let i = 0; i < STORED; i++) ids.push(engine.submitJob({ jobName: `stored-${i}`, jobQueue: 'stored', jobDefinition: 'b', tags: { i: String(i) } }).jobId);
    await new Promise((r) => setTimeout(r, 50));

    const credentials = loadOrCreateCredentials(dir, 'us-east-1');
    await store.committed();
    const server = await startApiServer({ port: 0, credentials, batch: durableHandlers(batchHandlers(engine), () => store.committed()), logs, events: engine, accountId: '000000000000', region: 'us-east-1', version: 'bench', log: () => undefined });
    const client = new BatchClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const lines: string[] = [];
    try {
      const stored = (await client.send(new ListJobsCommand({ jobQueue: 'stored', jobStatus: 'RUNNABLE', maxResults: 1 }))).jobSummaryList!.length;
      if (stored !== 1) throw new Error('stored jobs are not RUNNABLE');
      let k = 0;
      const describe = await timeAsync(() => client.send(new DescribeJobsCommand({ jobs: ids.slice((k = (k + 100) % STORED), k + 100) })), RUNS);
      lines.push(latencyLine(`api DescribeJobs of 100 ids (${STORED} jobs stored)`, describe));
      // The server's share of it (handler + JSON), without HTTP and the SDK's parsing of ~70 KB.
      const handlers = batchHandlers(engine);
      const serverSide = await timeAsync(async () => JSON.stringify(await handlers.DescribeJobs!({ jobs: ids.slice((k = (k + 100) % STORED), k + 100) })), RUNS);
      lines.push(`api DescribeJobs of 100 ids, server side only: median ${median(serverSide).toFixed(2)} ms`);
      const firstPage = await timeAsync(() => client.send(new ListJobsCommand({ jobQueue: 'stored', jobStatus: 'RUNNABLE', maxResults: 100 })), RUNS);
      lines.push(latencyLine(`api ListJobs first page of 100 (${STORED} RUNNABLE in the queue)`, firstPage));
      // A token for offset 19,000 (tokens bind the query, not the page size): the last pages cost
      // skipping the per-status index, never a sort.
      let token: string | undefined;
      for (let i = 0; i < 19; i++) token = (await client.send(new ListJobsCommand({ jobQueue: 'stored', jobStatus: 'RUNNABLE', maxResults: 1000, nextToken: token }))).nextToken;
      const deep = await timeAsync(() => client.send(new ListJobsCommand({ jobQueue: 'stored', jobStatus: 'RUNNABLE', maxResults: 100, nextToken: token })), RUNS);
      lines.push(latencyLine('api ListJobs page of 100 at offset 19,000', deep));
      const big = await timeAsync(() => client.send(new ListJobsCommand({ jobQueue: 'stored', jobStatus: 'RUNNABLE', maxResults: 1000 })), 40);
      lines.push(`api ListJobs page of 1000 (the most a page holds): median ${median(big).toFixed(2)} ms (no goal; mostly serialising 1000 summaries)`);
      const filtered = await timeAsync(() => client.send(new ListJobsCommand({ jobQueue: 'stored', filters: [{ name: 'JOB_NAME', values: ['stored-1999*'] }] })), 40);
      lines.push(`api ListJobs with a JOB_NAME filter (scans and sorts ${STORED}): median ${median(filtered).toFixed(2)} ms (no goal)`);

      const submit = (i: number) => client.send(new SubmitJobCommand({ jobName: `s-${i}`, jobQueue: 'run', jobDefinition: 'b' }));
      let start = performance.now();
      for (let i = 0; i < 1000; i++) await submit(i);
      const sequential = 1000 / ((performance.now() - start) / 1000);
      start = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < 1000) await submit(1000 + next++);
      }));
      const concurrent = 1000 / ((performance.now() - start) / 1000);
      // The same load on a server that answers without waiting for the disk, for the ratio.
      const fast = await startApiServer({ port: 0, credentials, batch: batchHandlers(engine), logs, events: engine, accountId: '000000000000', region: 'us-east-1', version: 'bench', log: () => undefined });
      const fastClient = new BatchClient({ endpoint: fast.url, region: 'us-east-1', credentials, maxAttempts: 1 });
      start = performance.now();
      next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < 1000) await fastClient.send(new SubmitJobCommand({ jobName: `f-${next++}`, jobQueue: 'run', jobDefinition: 'b' }));
      }));
      const undurable = 1000 / ((performance.now() - start) / 1000);
      fastClient.destroy();
      await fast.close();
      lines.push(
        `api SubmitJob, durable (fsync before each answer, group commit): ${sequential.toFixed(0)}/s sequential, ${concurrent.toFixed(0)}/s with 16 in flight (goal ${SUBMIT_GOAL_PER_S}/s, ratios ` +
          `${(sequential / SUBMIT_GOAL_PER_S).toFixed(2)} and ${(concurrent / SUBMIT_GOAL_PER_S).toFixed(2)}; 2,000 jobs that run in scripted containers); ` +
          `without waiting for the disk ${undurable.toFixed(0)}/s with 16 in flight (durable/undurable ${(concurrent / undurable).toFixed(2)})`,
      );
    } finally {
      client.destroy();
      engine.terminateAll('benchmark over');
      await server.close();
      await engine.detach();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return lines;
  },
};

if (require.main === module) void Promise.resolve(apiBench.run()).then((lines) => lines.forEach((l) => console.log(l)));
