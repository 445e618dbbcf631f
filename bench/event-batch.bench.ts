/**
 * Event delivery to a Batch target (issue 22 item 2): how much an EventBridge rule adds to a
 * SubmitJob. On one signed server (Batch API durable as `serve` runs it, EventBridge with 200 rules
 * of the documented operators plus one whose target is the job queue), the same SDK process times
 * a direct SubmitJob (request to its answer, which comes once the job is journaled) and a PutEvents
 * whose event the rule delivers (request to the job submitted by the target and journaled),
 * alternated, 200 of each. Prints both medians and the
 * difference (goal: under 5 ms), and a breakdown: a PutEvents that no rule matches (the round trip
 * any PutEvents pays), and when the delivered PutEvents was answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchClient, SubmitJobCommand, type SubmitJobRequest } from '@aws-sdk/client-batch';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { batchHandlers } from '../src/emulator/batch/api';
import { BatchEngine } from '../src/emulator/batch/core/engine';
import { systemClock } from '../src/emulator/clock/clock';
import { loadOrCreateCredentials } from '../src/emulator/edge/credentials';
import { startApiServer } from '../src/emulator/edge/server';
import { EventsService } from '../src/emulator/events';
import { ScriptedRuntime } from '../src/emulator/runtime/scripted';
import { durableHandlers } from '../src/emulator/service';
import { DurableStore } from '../src/emulator/store/durable-store';
import { FileLogStore } from '../src/emulator/store/log-store';
import type { Benchmark } from './benchmark';
import { median } from './timing';

const RUNS = 200;
const GOAL_MS = 5;
const ACCOUNT = '000000000000';

export const eventBatchBench: Benchmark = {
  name: 'event-batch',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'localbatch-bench-event-batch-'));
    const clock = systemClock();
    const logs = new FileLogStore(dir);
    const { store } = await DurableStore.open(dir);
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs, record: false }), journal: store, durable: () => store.committed() });
    store.setSnapshotSource(() => engine.snapshot());
    // A disabled compute environment: submitted jobs wait RUNNABLE, so only submission is timed.
    engine.createComputeEnvironment({ computeEnvironmentName: 'off', type: 'UNMANAGED', state: 'DISABLED' });
    await Promise.resolve();
    engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'off' }] });
    engine.registerJobDefinition({ jobDefinitionName: 'b', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '0.25' }, { type: 'MEMORY', value: '64' }] } });
    await store.committed();
    let submitted: (() => void) | undefined;
    const events = await EventsService.open({
      dir: join(dir, 'events'),
      clock,
      account: ACCOUNT,
      region: 'us-east-1',
      targets: {
        submitJob: (req: SubmitJobRequest) => {
          const r = engine.submitJob(req);
          submitted?.();
          return r;
        },
        // As `serve` wires it: a PutEvents that submitted a job answers once it is journaled.
        committed: () => store.committed(),
      },
    });
    const credentials = loadOrCreateCredentials(dir, 'us-east-1');
    const server = await startApiServer({ port: 0, credentials, batch: durableHandlers(batchHandlers(engine), () => store.committed()), logs, events: engine, accountId: ACCOUNT, region: 'us-east-1', version: 'bench', log: () => undefined, services: [events.edge] });
    const batch = new BatchClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const eb = new EventBridgeClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      for (let i = 0; i < 200; i++) {
        const op = [{ prefix: `in/${i}/` }, { suffix: `.${i}` }, { 'anything-but': ['x', `${i}`] }, { wildcard: `*/${i}/*` }][i % 4];
        await eb.send(new PutRuleCommand({ Name: `other-${i}`, EventPattern: JSON.stringify({ source: [`app.${i}`], detail: { key: [op] } }) }));
      }
      await eb.send(new PutRuleCommand({ Name: 'to-batch', EventPattern: JSON.stringify({ source: ['bench.upload'], 'detail-type': ['Object Created'], detail: { key: [{ suffix: '.csv' }] } }) }));
      await eb.send(new PutTargetsCommand({
        Rule: 'to-batch',
        Targets: [{ Id: 'q', Arn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/q`, RoleArn: `arn:aws:iam::${ACCOUNT}:role/events-batch`, BatchParameters: { JobDefinition: 'b', JobName: 'from-event' } }],
      }));
      const direct = async (i: number) => {
        const start = performance.now();
        await batch.send(new SubmitJobCommand({ jobName: `direct-${i}`, jobQueue: 'q', jobDefinition: 'b' }));
        return performance.now() - start;
      };
      /** A PutEvents that no rule matches: the round trip every PutEvents pays. */
      const bare = async (i: number) => {
        const start = performance.now();
        const out = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'bench.none', DetailType: 'Object Created', Detail: JSON.stringify({ key: `in/${i}.csv` }) }] }));
        if (out.FailedEntryCount) throw new Error('PutEvents refused the entry');
        return performance.now() - start;
      };
      const answered: number[] = [];
      const viaEvent = async (i: number) => {
        const start = performance.now();
        const done = new Promise<void>((r) => (submitted = r));
        const out = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'bench.upload', DetailType: 'Object Created', Detail: JSON.stringify({ key: `in/${i}.csv` }) }] }));
        if (out.FailedEntryCount) throw new Error('PutEvents refused the entry');
        answered.push(performance.now() - start);
        await done;
        await store.committed(); // durable, as the direct SubmitJob's answer is
        return performance.now() - start;
      };
      for (let i = 0; i < 20; i++) {
        await direct(i);
        await bare(i);
        await viaEvent(i);
      }
      answered.length = 0;
      const a: number[] = [];
      const b: number[] = [];
      const c: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        a.push(await direct(i));
        c.push(await bare(i));
        b.push(await viaEvent(i));
      }
      for (const x of [a, b, c, answered]) x.sort((p, q) => p - q);
      const added = median(b) - median(a);
      return [
        `event-batch SubmitJob direct: median ${median(a).toFixed(2)} ms; PutEvents delivered by a rule (201 rules) to the job queue: median ${median(b).toFixed(2)} ms until the job is submitted and journaled; delivery adds ${added.toFixed(2)} ms (goal under ${GOAL_MS} ms; ratio ${(median(b) / median(a)).toFixed(2)}x the direct SubmitJob) over ${RUNS} runs each`,
        `event-batch breakdown (medians): PutEvents that no rule matches answered in ${median(c).toFixed(2)} ms; the delivered PutEvents answered in ${median(answered).toFixed(2)} ms, its job journaled at ${median(b).toFixed(2)} ms`,
      ];
    } finally {
      batch.destroy();
      eb.destroy();
      await server.close();
      await events.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

if (require.main === module) void Promise.resolve(eventBatchBench.run()).then((lines) => lines.forEach((l) => console.log(l)));
