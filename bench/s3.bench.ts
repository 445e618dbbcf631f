/**
 * S3 benchmark (issue 22, item 1): the local S3, moto_server's S3 and a floor server (a server that
 * does next to nothing: s3-floor-server.ts) started side by side, each in its own process, driven by
 * the same clients in the same run: upload and download of a 100 MiB object and of 200 objects of
 * 64 KiB through the AWS CLI and through @aws-sdk/client-s3 at its default settings, and
 * ListObjectsV2 of 10,000 objects page by page (the local S3's dropped into the bucket's folder:
 * first listing and again; then 10,000 put through the API, first listing). Steps alternate between
 * the peers over LOCALBATCH_BENCH_ROUNDS rounds (default 3). Prints moto's time / ours (goals: 4x
 * big, 3x small, 5x a list page) with its spread over the rounds, the highest ratio the clients'
 * own work allows (moto's time / the floor's), and the local server's CPU-seconds per GiB moved
 * (goal at most 2), read from /proc for the server process only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Benchmark } from './benchmark';
import { freePort } from '../test/support/free-port';

const MiB = 1024 * 1024;
const BIG = 100 * MiB;
const SMALL = 64 * 1024;
const SMALL_COUNT = 200;
const LIST_COUNT = 10_000;

interface Peer {
  readonly name: string;
  /** Puts the 10,000 objects to list (the local S3: files written into the bucket's folder). */
  readonly seedList?: (bucket: string, keys: readonly string[]) => void;
  readonly url: string;
  readonly pid: number;
  readonly creds: { accessKeyId: string; secretAccessKey: string };
  readonly child: ChildProcess;
}


/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startLocal(stateDir: string): Promise<Peer> {
  // LOCALBATCH_BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when the bench ends.
  const prof = process.env.LOCALBATCH_BENCH_CPU_PROF;
  const flags = prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', join(__dirname, 's3-server.ts'), stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ url: string; accessKeyId: string; secretAccessKey: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]) as { url: string; accessKeyId: string; secretAccessKey: string });
    });
    child.once('exit', () => reject(new Error('the local S3 server exited')));
  });
  const seedList = (bucket: string, keys: readonly string[]) => {
    const dir = join(stateDir, 's3', 'buckets', bucket);
    for (const k of keys) {
      mkdirSync(join(dir, k, '..'), { recursive: true });
      writeFileSync(join(dir, k), 'x');
    }
  };
  return { name: 'localbatch', url: info.url, pid: child.pid!, creds: info, child, seedList };
}

async function startMotoServer(): Promise<Peer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/`)).status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('moto_server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name: 'moto', url, pid: child.pid!, creds: { accessKeyId: 'testing', secretAccessKey: 'testing' }, child };
}

/** The clients' floor (s3-floor-server.ts): a server doing next to nothing, in its own process. */
async function startFloor(): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 's3-floor-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { url: string }).url);
    });
    child.once('exit', () => reject(new Error('the floor server exited')));
  });
  return { name: 'floor', url, pid: child.pid!, creds: { accessKeyId: 'floor', secretAccessKey: 'floor' }, child };
}

function cli(peer: Peer, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: peer.creds.accessKeyId, AWS_SECRET_ACCESS_KEY: peer.creds.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const child = spawn('aws', ['--endpoint-url', peer.url, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`aws ${args.join(' ')}: ${err.slice(-500)}`))));
  });
}

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** A measured step: run against a peer; `cpu` set: counted in the server CPU per GiB moved. */
interface Step {
  readonly name: string;
  readonly big?: boolean;
  run(p: PeerRun): Promise<unknown>;
}

/** A peer with its client and files, for one run of the steps. */
interface PeerRun {
  readonly peer: Peer;
  readonly s3: S3Client;
  readonly work: string;
  readonly bigFile: string;
  readonly bigData: Buffer;
  readonly smallDir: string;
  readonly smallData: Buffer;
  round: number;
}

const smallKeys = Array.from({ length: SMALL_COUNT }, (_, i) => `sdk-small/${i}`);

async function listAll(p: PeerRun, bucket: string): Promise<number> {
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await p.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', ContinuationToken: token }));
    token = page.NextContinuationToken;
    pages++;
  } while (token);
  return pages;
}

const STEPS: readonly Step[] = [
  { name: 'CLI upload 100 MiB', big: true, run: (p) => cli(p.peer, ['s3', 'cp', p.bigFile, 's3://bench/cli/big.bin']) },
  { name: 'CLI download 100 MiB', big: true, run: (p) => cli(p.peer, ['s3', 'cp', 's3://bench/cli/big.bin', join(p.work, `${p.peer.name}-big.out`)]) },
  { name: 'SDK upload 100 MiB', big: true, run: (p) => p.s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'sdk/big.bin', Body: p.bigData })) },
  {
    name: 'SDK download 100 MiB',
    big: true,
    run: async (p) => {
      const got = await p.s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'sdk/big.bin' }));
      for await (const _ of got.Body as AsyncIterable<Buffer>) void _;
    },
  },
  { name: 'CLI upload 200x64 KiB', run: (p) => cli(p.peer, ['s3', 'cp', '--recursive', p.smallDir, 's3://bench/cli-small/']) },
  { name: 'CLI download 200x64 KiB', run: (p) => cli(p.peer, ['s3', 'cp', '--recursive', 's3://bench/cli-small/', join(p.work, `${p.peer.name}-small-${p.round}`)]) },
  { name: 'SDK upload 200x64 KiB', run: (p) => pool(smallKeys, 10, (k) => p.s3.send(new PutObjectCommand({ Bucket: 'bench', Key: k, Body: p.smallData }))) },
  { name: 'SDK download 200x64 KiB', run: (p) => pool(smallKeys, 10, async (k) => (await p.s3.send(new GetObjectCommand({ Bucket: 'bench', Key: k }))).Body!.transformToByteArray()) },
];

/** Per peer: step -> times (one per round), CPU seconds of the big steps, per round. */
interface Result {
  readonly times: Record<string, number[]>;
  readonly cpu: Record<string, number[]>;
  readonly bigCpu: number[];
}

async function runStep(p: PeerRun, step: Step, out: Result): Promise<void> {
  const cpu0 = cpuSeconds(p.peer.pid);
  const start = performance.now();
  await step.run(p);
  const t = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(p.peer.pid) - cpu0;
  (out.times[step.name] ??= []).push(t);
  (out.cpu[step.name] ??= []).push(cpu);
  if (step.big) out.bigCpu[p.round] = (out.bigCpu[p.round] ?? 0) + cpu;
}

/**
 * The list steps: a page of the folder of 10,000 objects, first listing (cold) and again (warm), then
 * (local S3) a first listing of 10,000 objects put through the API; new buckets each round.
 */
async function runList(p: PeerRun, out: Result): Promise<void> {
  const bucket = `bench-list-${p.round}`;
  // moto lists slower with more objects held in all: each round's listing starts from an empty moto
  if (p.peer.name === 'moto') await fetch(`${p.peer.url}/moto-api/reset`, { method: 'POST' });
  await p.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const many = Array.from({ length: LIST_COUNT }, (_, i) => `list/${String(i).padStart(6, '0')}`);
  if (p.peer.seedList) p.peer.seedList(bucket, many);
  else await pool(many, 32, (k) => p.s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: 'x' })));
  for (const name of [LIST_COLD, LIST_WARM]) await timeListing(p, bucket, name, out);
  // The like-for-like case: objects put through the S3 API, then listed for the first time. Moto's
  // and the floor's first listing above was that already; the local S3's was of dropped-in files.
  if (p.peer.seedList) {
    const put = `bench-put-${p.round}`;
    await p.s3.send(new CreateBucketCommand({ Bucket: put }));
    await pool(many, 32, (k) => p.s3.send(new PutObjectCommand({ Bucket: put, Key: k, Body: 'x' })));
    await timeListing(p, put, LIST_PUT, out);
  } else {
    (out.times[LIST_PUT] ??= []).push(out.times[LIST_COLD].at(-1)!);
    (out.cpu[LIST_PUT] ??= []).push(out.cpu[LIST_COLD].at(-1)!);
  }
}

/** Lists `bucket` whole, page by page, recording the time per page under `name`. */
async function timeListing(p: PeerRun, bucket: string, name: string, out: Result): Promise<void> {
  const cpu0 = cpuSeconds(p.peer.pid);
  const start = performance.now();
  const pages = await listAll(p, bucket);
  (out.times[name] ??= []).push((performance.now() - start) / 1000 / Math.max(1, pages));
  (out.cpu[name] ??= []).push(cpuSeconds(p.peer.pid) - cpu0);
}

const LIST_COLD = 'ListObjectsV2 10,000, first listing (per 1,000-key page)';
/** (moto's and the floor's figure is their LIST_COLD: their objects are always put through the API) */
const LIST_PUT = 'ListObjectsV2 10,000 put through the API, first listing (per 1,000-key page)';
const LIST_WARM = 'ListObjectsV2 10,000, listed again (per 1,000-key page)';

/** CPU seconds (median of 3) to hash `data` as an upload must be: MD5, SHA-256 and CRC32, in 64 KiB pieces as they arrive. */
function requiredHashSeconds(data: Buffer): number {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.cpuUsage();
    const md5 = createHash('md5');
    const sha = createHash('sha256');
    let crc = 0;
    for (let i = 0; i < data.length; i += 65536) {
      const piece = data.subarray(i, i + 65536);
      md5.update(piece);
      sha.update(piece);
      crc = zlibCrc32(piece, crc);
    }
    md5.digest();
    sha.digest();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1e6);
  }
  return median(times);
}

const zlibCrc32 = (zlib as unknown as { crc32: (d: Uint8Array, v: number) => number }).crc32;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const s3Bench: Benchmark = {
  name: 's3',
  async run() {
    const work = mkdtempSync(join(tmpdir(), 'localbatch-s3-bench-'));
    const peers: Peer[] = [];
    const rounds = Math.max(1, Number(process.env.LOCALBATCH_BENCH_ROUNDS ?? 3) || 3);
    try {
      const bigFile = join(work, 'big.bin');
      writeFileSync(bigFile, randomBytes(BIG));
      const smallDir = join(work, 'small');
      mkdirSync(smallDir);
      for (let i = 0; i < SMALL_COUNT; i++) writeFileSync(join(smallDir, `f${i}.bin`), randomBytes(SMALL));
      mkdirSync(join(work, 'state'));
      const localOnly = !!process.env.LOCALBATCH_BENCH_S3_LOCAL_ONLY;
      peers.push(await startLocal(join(work, 'state')));
      if (!localOnly) peers.push(await startMotoServer(), await startFloor());
      const bigData = readFileSync(bigFile);
      const smallData = randomBytes(SMALL);
      const runs: PeerRun[] = peers.map((peer) => ({ peer, s3: new S3Client({ endpoint: peer.url, region: 'us-east-1', forcePathStyle: true, credentials: peer.creds }), work, bigFile, bigData, smallDir, smallData, round: 0 }));
      const results = new Map<string, Result>(peers.map((p) => [p.name, { times: {}, cpu: {}, bigCpu: [] }]));
      for (const r of runs) await r.s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
      // Step by step, each peer in turn (the order rotating each round), so that a change in the
      // machine's load hits all peers alike; the figures are medians over the rounds.
      // LOCALBATCH_BENCH_S3_ONLY=list: the list steps alone (no 100 MiB / 64 KiB transfers).
      // LOCALBATCH_BENCH_S3_ONLY=<text>: only the transfer steps whose name has it ("SDK upload"), no list steps.
      const only = process.env.LOCALBATCH_BENCH_S3_ONLY;
      const listOnly = only === 'list';
      const steps = only && !listOnly ? STEPS.filter((s) => s.name.includes(only)) : STEPS;
      for (let round = 0; round < (listOnly ? 0 : rounds); round++) {
        const order = runs.map((_, i) => runs[(i + round) % runs.length]);
        for (const step of steps) {
          for (const r of order) {
            r.round = round;
            await runStep(r, step, results.get(r.peer.name)!);
          }
        }
      }
      // The client's first ListObjectsV2 pages are parsed by code not compiled yet: warm it up on the
      // floor server (untimed), or that cost lands on whichever peer lists first in round 1.
      const floorRun = runs.find((r) => r.peer.name === 'floor');
      if (floorRun) {
        await floorRun.s3.send(new CreateBucketCommand({ Bucket: 'warm-up' }));
        await pool(Array.from({ length: 3000 }, (_, i) => `list/${i}`), 32, (k) => floorRun.s3.send(new PutObjectCommand({ Bucket: 'warm-up', Key: k, Body: 'x' })));
        for (let i = 0; i < 3; i++) await listAll(floorRun, 'warm-up');
      }
      for (let round = 0; round < (only && !listOnly ? 0 : rounds); round++) {
        for (const r of runs.map((_, i) => runs[(i + round) % runs.length])) {
          r.round = round;
          await runList(r, results.get(r.peer.name)!);
        }
      }
      for (const r of runs) r.s3.destroy();
      const ours = results.get('localbatch')!;
      const gib = (4 * BIG) / 1024 ** 3;
      const spread = (xs: readonly number[]) => (xs.length > 1 ? ` [${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}]` : '');
      // LOCALBATCH_BENCH_S3_LOCAL_ONLY=1 (while profiling): times of the local S3 only, no ratios.
      if (localOnly) {
        return [
          ...Object.entries(ours.times).map(([what, t]) => `s3 ${what}: localbatch ${median(t).toFixed(3)} s${spread(t)}, server CPU ${median(ours.cpu[what]).toFixed(2)} s`),
          `s3 server CPU per GiB moved: localbatch ${(median(ours.bigCpu) / gib).toFixed(2)} s/GiB`,
        ];
      }
      const moto = results.get('moto')!;
      const floor = results.get('floor')!;
      const lines = Object.keys(ours.times).map((what) => {
        const goal = what.startsWith('List') ? 5 : what.includes('100 MiB') ? 4 : 3;
        const ratios = ours.times[what].map((t, i) => moto.times[what][i] / t);
        const best = median(moto.times[what]) / median(floor.times[what]);
        return `s3 ${what}: localbatch ${median(ours.times[what]).toFixed(3)} s, moto ${median(moto.times[what]).toFixed(3)} s: ${median(ratios).toFixed(2)}x moto's speed${spread(ratios)} (goal ${goal}x); client floor ${median(floor.times[what]).toFixed(3)} s, so at most ${best.toFixed(2)}x`;
      });
      const transfers = steps === STEPS && !listOnly;
      if (transfers) lines.push(`s3 server CPU per GiB moved (100 MiB transfers, CLI + SDK): localbatch ${(median(ours.bigCpu) / gib).toFixed(2)} s/GiB${spread(ours.bigCpu.map((c) => c / gib))} (goal at most 2), moto ${(median(moto.bigCpu) / gib).toFixed(2)} s/GiB; the floor server (HTTP only: no hashing, no disk) ${(median(floor.bigCpu) / gib).toFixed(2)} s/GiB`);
      const hashing = transfers ? (2 * requiredHashSeconds(bigData)) / gib : 0;
      if (transfers) lines.push(`s3 hashes S3 requires of the two 100 MiB uploads (MD5 for the ETag, SHA-256 of the signed payload, the clients' CRC32), timed here: ${hashing.toFixed(2)} s/GiB moved; with the floor server's HTTP: ${(hashing + median(floor.bigCpu) / gib).toFixed(2)} s/GiB before any disk write`);
      lines.push(`s3 rounds: ${rounds} (LOCALBATCH_BENCH_ROUNDS); medians, [min-max] of the per-round ratios`);
      return lines;
    } finally {
      // SIGTERM lets the local server write its CPU profile (s3-server.ts exits on it).
      for (const p of peers) p.child.kill(p.name === 'moto' ? 'SIGKILL' : 'SIGTERM');
      await Promise.all(peers.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)));
      rmSync(work, { recursive: true, force: true });
    }
  },
};

if (require.main === module) void Promise.resolve(s3Bench.run()).then((lines) => lines.forEach((l) => console.log(l)));
