/**
 * Chaos on real Docker: a workflow of 134 jobs (arrays, N_TO_N, a chain, retries, deterministic
 * failures) runs under `localbatch serve` (a real child process) that is SIGKILLed at random moments
 * several times, each time right after a burst of SubmitJob calls, and restarted on the same state
 * directory. Then: every acknowledged job is known, the final statuses are those of an
 * uninterrupted run (computed from the workflow), every attempt's work ran exactly once (each
 * container appends a line to a marker named by job id and attempt in a bind-mounted folder), and
 * no container of this run is left. LOCALBATCH_CHAOS_SEED replays a run's kill moments.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type JobDetail, type SubmitJobRequest } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { killServe, startServe, type ServeChild } from '../../support/serve-process';

const SIZE = 40;
const KILLS = 4;
const BURST = 12;

/** Small seeded PRNG (mulberry32), so a failing run can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// MODE: ok | fail7 (array children whose index ends in 7 exit 3) | second (attempt 1 fails) | bad (always exit 3)
const SCRIPT = [
  'echo "$AWS_BATCH_JOB_ATTEMPT" >> "/markers/$AWS_BATCH_JOB_ID.$AWS_BATCH_JOB_ATTEMPT"',
  'sleep 0.3',
  'case "$MODE" in',
  '  fail7) case "$AWS_BATCH_JOB_ARRAY_INDEX" in *7) exit 3;; esac;;',
  '  second) [ "$AWS_BATCH_JOB_ATTEMPT" -ge 2 ] || exit 1;;',
  '  bad) exit 3;;',
  'esac',
].join('\n');

interface Expected {
  status: 'SUCCEEDED' | 'FAILED';
  /** Attempts that ran a container. */
  attempts: number;
}

describe('Chaos: SIGKILL and restart of localbatch serve during a workflow (integration, Docker)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let dir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const seed = Number(process.env.LOCALBATCH_CHAOS_SEED ?? Date.now() % 1_000_000);

  before(async function () {
    docker = await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-chaos-'));
  });

  after(async () => {
    if (serve && serve.child.exitCode === null) await killServe(serve);
    if (dir) {
      for (const c of await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.state-dir=${path.join(dir, 'state')}`] } })) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`keeps every acknowledged job, runs each attempt once and ends as an uninterrupted run (seed ${seed})`, async () => {
    const random = rng(seed);
    const stateDir = path.join(dir, 'state');
    const markers = path.join(dir, 'markers');
    mkdirSync(markers);
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'capacity: { vcpus: 6, memoryMiB: 2048 }\n');
    const args = ['--port', '0'];
    const outputs: string[] = [];
    const start = async () => {
      if (serve) outputs.push(serve.output());
      serve = await startServe(args, dir, stateDir);
      return new BatchClient({ endpoint: serve.endpoint.url, region: serve.endpoint.region, credentials: serve.endpoint.credentials, maxAttempts: 1 });
    };
    let batch = await start();
    await batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: 'chaos',
        type: 'container',
        containerProperties: {
          volumes: [{ name: 'markers', host: { sourcePath: markers } }],
          image: TEST_IMAGE,
          command: ['sh', '-c', SCRIPT],
          mountPoints: [{ sourceVolume: 'markers', containerPath: '/markers' }],
          resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }],
        },
      }),
    );
    const expected = new Map<string, Expected>();
    const acked: string[] = [];
    const submit = async (req: Omit<SubmitJobRequest, 'jobQueue' | 'jobDefinition'>, mode = 'ok', client = batch): Promise<string> => {
      const out = await client.send(new SubmitJobCommand({ jobQueue: 'local', jobDefinition: 'chaos', ...req, containerOverrides: { environment: [{ name: 'MODE', value: mode }] } }));
      acked.push(out.jobId!);
      return out.jobId!;
    };
    const array = (id: string, status: (i: number) => Expected) => {
      let failed = false;
      for (let i = 0; i < SIZE; i++) {
        const e = status(i);
        failed ||= e.status === 'FAILED';
        expected.set(`${id}:${i}`, e);
      }
      expected.set(id, { status: failed ? 'FAILED' : 'SUCCEEDED', attempts: 0 });
    };
    const ends7 = (i: number) => i % 10 === 7;
    const a = await submit({ jobName: 'a', arrayProperties: { size: SIZE } });
    array(a, () => ({ status: 'SUCCEEDED', attempts: 1 }));
    const b = await submit({ jobName: 'b', arrayProperties: { size: SIZE }, dependsOn: [{ jobId: a, type: 'N_TO_N' }] }, 'fail7');
    array(b, (i) => ({ status: ends7(i) ? 'FAILED' : 'SUCCEEDED', attempts: 1 }));
    const c = await submit({ jobName: 'c', arrayProperties: { size: SIZE }, dependsOn: [{ jobId: b, type: 'N_TO_N' }] });
    array(c, (i) => (ends7(i) ? { status: 'FAILED', attempts: 0 } : { status: 'SUCCEEDED', attempts: 1 }));
    let prev = a;
    for (let i = 1; i <= 8; i++) {
      prev = await submit({ jobName: `chain${i}`, dependsOn: [{ jobId: prev }] });
      expected.set(prev, { status: 'SUCCEEDED', attempts: 1 });
    }
    const second = await submit({ jobName: 'second', retryStrategy: { attempts: 2 } }, 'second');
    expected.set(second, { status: 'SUCCEEDED', attempts: 2 });
    const bad = await submit({ jobName: 'bad', retryStrategy: { attempts: 2 } }, 'bad');
    expected.set(bad, { status: 'FAILED', attempts: 2 });
    const afterBad = await submit({ jobName: 'afterbad', dependsOn: [{ jobId: bad }] });
    expected.set(afterBad, { status: 'FAILED', attempts: 0 });

    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 1000 + random() * 4000));
      // A burst of submits, then the kill while some of them are still in flight.
      const burst = Array.from({ length: BURST }, (_, i) =>
        submit({ jobName: `burst${k}-${i}` }).then(
          (id) => expected.set(id, { status: 'SUCCEEDED', attempts: 1 }),
          () => undefined,
        ),
      );
      await new Promise((r) => setTimeout(r, random() * 60));
      await killServe(serve!);
      await Promise.all(burst);
      batch.destroy();
      batch = await start();
    }

    assert.ok(expected.size >= 100 + KILLS, `${expected.size} jobs`);
    const describe = async (ids: string[]): Promise<JobDetail[]> => {
      const out: JobDetail[] = [];
      for (let i = 0; i < ids.length; i += 100) out.push(...((await batch.send(new DescribeJobsCommand({ jobs: ids.slice(i, i + 100) }))).jobs ?? []));
      return out;
    };
    const known = new Set((await describe(acked)).map((d) => d.jobId));
    assert.deepEqual(acked.filter((id) => !known.has(id)), [], 'every acknowledged job is known after the restarts');

    const deadline = Date.now() + 150_000;
    let details: JobDetail[];
    for (;;) {
      details = await describe([...expected.keys()]);
      if (details.length === expected.size && details.every((d) => d.status === 'SUCCEEDED' || d.status === 'FAILED')) break;
      if (Date.now() > deadline) assert.fail(`not finished: ${details.filter((d) => d.status !== 'SUCCEEDED' && d.status !== 'FAILED').map((d) => `${d.jobName}[${d.arrayProperties?.index ?? ''}] ${d.status}`).slice(0, 10).join(', ')} (${serve!.output().slice(-2000)})`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const got = new Map(details.map((d) => [d.jobId!, d]));
    const wrong: string[] = [];
    for (const [id, e] of expected) {
      const d = got.get(id)!;
      const ran = (d.attempts ?? []).filter((x) => x.container?.exitCode !== undefined).length;
      if (d.status !== e.status || (e.attempts > 0 || !id.includes(':') ? (d.arrayProperties?.size ? false : ran !== e.attempts) : false)) {
        wrong.push(`${d.jobName}${d.arrayProperties?.index !== undefined ? `[${d.arrayProperties.index}]` : ''} ${d.status} after ${ran} attempts (${(d.attempts ?? []).map((x) => x.statusReason).join('; ')}), expected ${e.status} after ${e.attempts}`);
      }
    }
    assert.deepEqual(wrong, [], `final statuses (seed ${seed})`);

    // Each attempt that ran left exactly one line in its own marker.
    const files = readdirSync(markers);
    const twice = files.filter((f) => readFileSync(path.join(markers, f), 'utf8').trim().split('\n').length !== 1);
    assert.deepEqual(twice, [], 'no attempt ran twice');
    const runs = new Map<string, number>();
    for (const f of files) {
      const id = f.slice(0, f.lastIndexOf('.'));
      runs.set(id, (runs.get(id) ?? 0) + 1);
    }
    const mismatched = [...expected].filter(([id, e]) => !(got.get(id)?.arrayProperties?.size) && (runs.get(id) ?? 0) !== e.attempts).map(([id, e]) => `${id}: ${runs.get(id) ?? 0} runs, expected ${e.attempts}`);
    assert.deepEqual(mismatched, [], 'each job ran as often as its attempts, no more');

    // The kills met attempts in flight: some were re-attached or recorded after the fact.
    outputs.push(serve!.output());
    const met = outputs.join('\n').matchAll(/(\d+) running container\(s\) re-attached, (\d+) that exited meanwhile/g);
    assert.ok([...met].reduce((n, m) => n + Number(m[1]) + Number(m[2]), 0) > 0, 'no kill met a running attempt');

    serve!.child.kill('SIGTERM');
    assert.equal(await serve!.exit, 0);
    batch.destroy();
    const leftDeadline = Date.now() + 30_000;
    let left: Docker.ContainerInfo[];
    do {
      left = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.state-dir=${stateDir}`] } });
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < leftDeadline);
    assert.deepEqual(left.map((c) => `${c.Names[0]} ${c.State}`), [], 'no container of this run is left');
  });
});
