/**
 * Step Functions benchmark (issue 22 item 3): the same definitions run on the emulator's Step
 * Functions and on moto_server's (its state machine executor switched on through moto's config
 * API), both driven by @aws-sdk/client-sfn over HTTP, end measured by DescribeExecution. Goal: at
 * least 10× moto's speed for a Map of 1,000 Pass items and for an execution of 2,000 states; and a
 * GetExecutionHistory of a 10,000-event history read page by page. Also a Map of 100 Batch `.sync`
 * tasks against the same 100 jobs as one array job (goal: at most 1.10× its time), on the same
 * server with scripted containers (1 s each, 20 at a time), so it measures the orchestration, not
 * Docker. And a distributed Map of 10,000 Pass items against the same inline (what its child
 * executions cost), then its children listed page by page.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListMapRunsCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { clientsFor } from '../src/cli/run/session';
import { systemClock } from '../src/emulator/clock/clock';
import { ScriptedRuntime } from '../src/emulator/runtime/scripted';
import { LocalService } from '../src/emulator/service';
import type { Benchmark } from './benchmark';
import { freePort } from '../test/support/free-port';

const GOAL_RATIO = 10;
const ROLE = 'arn:aws:iam::123456789012:role/bench';

const mapOfPass = {
  StartAt: 'M',
  States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
};
const chain = (n: number) => ({
  StartAt: 'S0',
  States: Object.fromEntries(Array.from({ length: n }, (_, i) => [`S${i}`, i === n - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` }])),
});


/** 100 jobs of 1 s each (scripted containers) on 20 vCPUs, 1 vCPU each: five waves of 20. */
const SYNC_JOBS = 100;
const SYNC_VCPUS = 20;
const mapOfSync = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'J', States: { J: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { 'JobName.$': "States.Format('item-{}', $)", JobQueue: 'local', JobDefinition: 'sleep1' }, ResultSelector: { 'Status.$': '$.Status' }, End: true } } },
      End: true,
    },
  },
};

async function timeArrayJob(batch: BatchClient): Promise<number> {
  const start = performance.now();
  const { jobId } = await batch.send(new SubmitJobCommand({ jobName: 'array', jobQueue: 'local', jobDefinition: 'sleep1', arrayProperties: { size: SYNC_JOBS } }));
  for (;;) {
    const status = (await batch.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0]?.status;
    if (status === 'SUCCEEDED') return performance.now() - start;
    if (status === 'FAILED') throw new Error('the array job failed');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `fn` against a fresh moto_server with its Step Functions executor switched on. */
async function withMoto<T>(fn: (client: SFNClient) => Promise<T>): Promise<T> {
  const port = await freePort();
  const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const client = new SFNClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/moto-api/config`, { method: 'POST', body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('moto_server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn(client);
  } finally {
    client.destroy();
    moto.kill('SIGTERM');
  }
}

async function timeExecution(sfn: SFNClient, name: string, definition: unknown, input: unknown): Promise<{ ms: number; status: string }> {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }));
  const start = performance.now();
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return { ms: performance.now() - start, status: d.status! };
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * What a distributed Map's child executions cost (moto runs no distributed Map): the same 10,000
 * Pass items as a distributed Map (each child an execution with its own history, written to its map
 * run's log) against an inline Map on the same server, alternated twice; then its children listed,
 * 1,000 a page.
 */
async function distributedAgainstInline(sfn: SFNClient): Promise<string> {
  const items = { items: Array.from({ length: DISTRIBUTED_ITEMS }, (_, i) => i) };
  const distributed = { StartAt: 'M', States: { M: { ...mapOfPass.States.M, ItemProcessor: { ...mapOfPass.States.M.ItemProcessor, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } } } } };
  const times: Record<'inline' | 'distributed', number[]> = { inline: [], distributed: [] };
  let last = '';
  for (let round = 0; round < 2; round++) {
    for (const [kind, def] of [['inline', mapOfPass], ['distributed', distributed]] as const) {
      const r = await timeExecution(sfn, `${kind}${round}`, def, items);
      if (r.status !== 'SUCCEEDED') throw new Error(`the ${kind} Map ended ${r.status}`);
      times[kind].push(r.ms);
    }
    last = `distributed${round}`;
  }
  const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name === last)!;
  const [execution] = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }))).executions!;
  const [run] = (await sfn.send(new ListMapRunsCommand({ executionArn: execution.executionArn }))).mapRuns!;
  const start = performance.now();
  let token: string | undefined;
  let pages = 0;
  let children = 0;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ mapRunArn: run.mapRunArn, maxResults: 1000, nextToken: token }));
    children += page.executions!.length;
    pages++;
    token = page.nextToken;
  } while (token);
  const listed = performance.now() - start;
  const best = (xs: number[]) => Math.min(...xs);
  return (
    `sfn distributed Map of ${DISTRIBUTED_ITEMS.toLocaleString('en')} Pass items (each a child execution with its history): ${times.distributed.map((x) => x.toFixed(0)).join(', ')} ms; ` +
    `the same as an inline Map: ${times.inline.map((x) => x.toFixed(0)).join(', ')} ms: best ${(best(times.distributed) / best(times.inline)).toFixed(2)}× the inline Map; ` +
    `ListExecutions of its ${children} children: ${pages} pages of ≤1,000 in ${listed.toFixed(0)} ms (${(listed / pages).toFixed(1)} ms a page)`
  );
}

const DISTRIBUTED_ITEMS = 10_000;

export const sfnBench: Benchmark = {
  name: 'sfn',
  async run() {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'localbatch-sfn-bench-'));
    const clock = systemClock();
    const local = await LocalService.start({ stateDir: join(dir, '.localbatch'), workspaceRoot: dir, settings: { capacity: { vcpus: SYNC_VCPUS } }, runtime: (logs) => new ScriptedRuntime({ clock, logs, record: false }), log: () => undefined });
    try {
      const ours = new SFNClient({ endpoint: local.endpoint.url, region: local.endpoint.region, credentials: local.endpoint.credentials });
      const cases: Array<[string, unknown, unknown]> = [
        ['Map of 1,000 Pass items', mapOfPass, { items: Array.from({ length: 1000 }, (_, i) => i) }],
        ['execution of 2,000 Pass states', chain(2000), {}],
        ['execution of 200 Pass states', chain(200), {}],
      ];
      for (const [i, [what, definition, input]] of cases.entries()) {
        const a = await timeExecution(ours, `local${i}`, definition, input);
        // A fresh moto_server for each case: moto 5's executor fails every StartExecution after its
        // first one has run (a deepcopy of a lock, HTTP 500), so one server can time one execution.
        const b = await withMoto((theirs) => timeExecution(theirs, `moto${i}`, definition, input)).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
        if (b instanceof Error) {
          // moto's executor answers some definitions with an HTML error page: no ratio then.
          lines.push(`sfn ${what}: localbatch ${a.ms.toFixed(0)} ms (${a.status}); moto_server could not run it (${b.message.split('\n')[0]})`);
          continue;
        }
        const ratio = b.ms / a.ms;
        lines.push(`sfn ${what}: localbatch ${a.ms.toFixed(0)} ms (${a.status}), moto_server ${b.ms.toFixed(0)} ms (${b.status}): ${ratio.toFixed(1)}× moto (goal ≥ ${GOAL_RATIO}×)`);
      }
      // A Map of 100 Batch .sync tasks against the same 100 jobs as one array job, alternated twice.
      const batch = clientsFor(local.endpoint).batch;
      try {
        await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'sleep1', type: 'container', containerProperties: { image: 'localbatch-busybox:latest', command: ['sh', '-c', 'sleep 1'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
        const items = { items: Array.from({ length: SYNC_JOBS }, (_, i) => i) };
        const arrays: number[] = [];
        const maps: number[] = [];
        for (let round = 0; round < 2; round++) {
          arrays.push(await timeArrayJob(batch));
          const m = await timeExecution(ours, `sync${round}`, mapOfSync, items);
          if (m.status !== 'SUCCEEDED') throw new Error(`the Map of .sync tasks ended ${m.status}`);
          maps.push(m.ms);
        }
        const best = (xs: number[]) => Math.min(...xs);
        lines.push(
          `sfn Map of ${SYNC_JOBS} Batch .sync tasks: ${maps.map((x) => x.toFixed(0)).join(', ')} ms; the same ${SYNC_JOBS} jobs as one array job: ${arrays.map((x) => x.toFixed(0)).join(', ')} ms ` +
            `(scripted 1 s containers, ${SYNC_VCPUS} at a time): best ${(best(maps) / best(arrays)).toFixed(2)}× the array job (goal ≤ 1.10×)`,
        );
      } finally {
        batch.destroy();
      }
      // A 10,000-event history (a Map of 2,500 items gives 4 events per item) read page by page.
      const { stateMachineArn } = await ours.send(new CreateStateMachineCommand({ name: 'history', roleArn: ROLE, definition: JSON.stringify(mapOfPass) }));
      const { executionArn } = await ours.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ items: Array.from({ length: 2500 }, (_, i) => i) }) }));
      while ((await ours.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING') await new Promise((r) => setTimeout(r, 10));
      const start = performance.now();
      let token: string | undefined;
      let events = 0;
      let pages = 0;
      do {
        const page = await ours.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken: token }));
        events += page.events!.length;
        pages++;
        token = page.nextToken;
      } while (token);
      lines.push(`sfn GetExecutionHistory of ${events} events: ${pages} pages of ≤1,000 in ${(performance.now() - start).toFixed(0)} ms (${((performance.now() - start) / pages).toFixed(1)} ms a page)`);
      lines.push(await distributedAgainstInline(ours));
    } finally {
      await local.close({ terminateAll: true, graceMs: 1000 });
      rmSync(dir, { recursive: true, force: true });
    }
    return lines;
  },
};
