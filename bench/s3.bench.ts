/**
 * S3 benchmark (issue 22, item 1): the local S3 and moto_server's S3 started side by side, each in
 * its own process, driven by the same clients in the same run: upload and download of a 100 MiB
 * object and of 200 objects of 64 KiB through the AWS CLI and through @aws-sdk/client-s3 at its
 * default settings, and ListObjectsV2 of 10,000 objects page by page. Prints moto's time / ours
 * (goals: 4x big, 3x small, 5x a list page) and the local server's CPU-seconds per GiB moved (goal
 * at most 2), read from /proc for the server process only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
  readonly seedList?: (keys: readonly string[]) => void;
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
  const seedList = (keys: readonly string[]) => {
    const dir = join(stateDir, 's3', 'buckets', 'bench');
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

/** Server CPU seconds per measured step (printed with LOCALBATCH_BENCH_S3_LOCAL_ONLY). */
let cpuOf: Record<string, number> = {};
let serverPid = 0;

async function timed(fn: () => Promise<unknown>, what?: string): Promise<number> {
  const cpu0 = serverPid ? cpuSeconds(serverPid) : 0;
  const start = performance.now();
  await fn();
  if (what && serverPid) cpuOf[what] = cpuSeconds(serverPid) - cpu0;
  return (performance.now() - start) / 1000;
}

interface Result {
  readonly times: Record<string, number>;
  readonly cpuPerGiB: number;
}

async function measure(peer: Peer, work: string, bigFile: string, smallDir: string): Promise<Result> {
  const s3 = new S3Client({ endpoint: peer.url, region: 'us-east-1', forcePathStyle: true, credentials: peer.creds });
  const times: Record<string, number> = {};
  serverPid = peer.pid;
  cpuOf = {};
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const bigData = readFileSync(bigFile);
    const smallData = randomBytes(SMALL);
    const cpu0 = cpuSeconds(peer.pid);
    times['CLI upload 100 MiB'] = await timed(() => cli(peer, ['s3', 'cp', bigFile, 's3://bench/cli/big.bin']), 'CLI upload 100 MiB');
    times['CLI download 100 MiB'] = await timed(() => cli(peer, ['s3', 'cp', 's3://bench/cli/big.bin', join(work, `${peer.name}-big.out`)]), 'CLI download 100 MiB');
    times['SDK upload 100 MiB'] = await timed(() => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'sdk/big.bin', Body: bigData })), 'SDK upload 100 MiB');
    times['SDK download 100 MiB'] = await timed(async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'sdk/big.bin' }));
      for await (const _ of got.Body as AsyncIterable<Buffer>) void _;
    }, 'SDK download 100 MiB');
    const cpuBig = cpuSeconds(peer.pid) - cpu0;
    times['CLI upload 200x64 KiB'] = await timed(() => cli(peer, ['s3', 'cp', '--recursive', smallDir, 's3://bench/cli-small/']), 'CLI upload 200x64 KiB');
    times['CLI download 200x64 KiB'] = await timed(() => cli(peer, ['s3', 'cp', '--recursive', 's3://bench/cli-small/', join(work, `${peer.name}-small`)]), 'CLI download 200x64 KiB');
    const keys = Array.from({ length: SMALL_COUNT }, (_, i) => `sdk-small/${i}`);
    times['SDK upload 200x64 KiB'] = await timed(() => pool(keys, 10, (k) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: k, Body: smallData }))), 'SDK upload 200x64 KiB');
    times['SDK download 200x64 KiB'] = await timed(() => pool(keys, 10, async (k) => (await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: k }))).Body!.transformToByteArray()), 'SDK download 200x64 KiB');
    const many = Array.from({ length: LIST_COUNT }, (_, i) => `list/${String(i).padStart(6, '0')}`);
    if (peer.seedList) peer.seedList(many);
    else await pool(many, 32, (k) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: k, Body: 'x' })));
    let pages = 0;
    times['ListObjectsV2 10,000 (per 1,000-key page)'] = (await timed(async () => {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: 'bench', Prefix: 'list/', ContinuationToken: token }));
        token = page.NextContinuationToken;
        pages++;
      } while (token);
    }, 'ListObjectsV2 10,000 (per 1,000-key page)')) / Math.max(1, pages);
    return { times, cpuPerGiB: cpuBig / ((4 * BIG) / 1024 ** 3) };
  } finally {
    s3.destroy();
  }
}

export const s3Bench: Benchmark = {
  name: 's3',
  async run() {
    const work = mkdtempSync(join(tmpdir(), 'localbatch-s3-bench-'));
    const peers: Peer[] = [];
    try {
      const bigFile = join(work, 'big.bin');
      writeFileSync(bigFile, randomBytes(BIG));
      const smallDir = join(work, 'small');
      mkdirSync(smallDir);
      for (let i = 0; i < SMALL_COUNT; i++) writeFileSync(join(smallDir, `f${i}.bin`), randomBytes(SMALL));
      mkdirSync(join(work, 'state'));
      const local = await startLocal(join(work, 'state'));
      peers.push(local);
      const ours = await measure(local, work, bigFile, smallDir);
      // LOCALBATCH_BENCH_S3_LOCAL_ONLY=1 (while profiling): times of the local S3 only, no ratios.
      if (process.env.LOCALBATCH_BENCH_S3_LOCAL_ONLY) {
        return [...Object.entries(ours.times).map(([what, t]) => `s3 ${what}: localbatch ${t.toFixed(3)} s, server CPU ${(cpuOf[what] ?? NaN).toFixed(2)} s`), `s3 server CPU per GiB moved: localbatch ${ours.cpuPerGiB.toFixed(2)} s/GiB`];
      }
      const moto = await startMotoServer();
      peers.push(moto);
      const theirs = await measure(moto, work, bigFile, smallDir);
      const lines = Object.keys(ours.times).map((what) => {
        const goal = what.startsWith('List') ? 5 : what.includes('100 MiB') ? 4 : 3;
        const ratio = theirs.times[what] / ours.times[what];
        return `s3 ${what}: localbatch ${ours.times[what].toFixed(3)} s, moto ${theirs.times[what].toFixed(3)} s: ${ratio.toFixed(2)}x moto's speed (goal ${goal}x)`;
      });
      lines.push(`s3 server CPU per GiB moved (100 MiB transfers, CLI + SDK): localbatch ${ours.cpuPerGiB.toFixed(2)} s/GiB (goal at most 2), moto ${theirs.cpuPerGiB.toFixed(2)} s/GiB`);
      return lines;
    } finally {
      // SIGTERM lets the local server write its CPU profile (s3-server.ts exits on it).
      for (const p of peers) p.child.kill(p.name === 'localbatch' ? 'SIGTERM' : 'SIGKILL');
      await Promise.all(peers.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)));
      rmSync(work, { recursive: true, force: true });
    }
  },
};

if (require.main === module) void Promise.resolve(s3Bench.run()).then((lines) => lines.forEach((l) => console.log(l)));
