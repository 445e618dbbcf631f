/**
 * Event matching (issue 22 item 2): 10,000 PutEvents entries, 10 a call, through
 * @aws-sdk/client-eventbridge against 200 rules using the documented pattern operators, on
 * localbatch's EventBridge (a real signed server, rules journaled) and on moto_server's EventBridge
 * in the same run, with the same client. Goal: at least 10× moto's rate. Prints the ratio.
 * Skipped (with a line saying so) when moto_server is not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BatchEngine } from '../src/emulator/batch/core/engine';
import { systemClock } from '../src/emulator/clock/clock';
import { loadOrCreateCredentials } from '../src/emulator/edge/credentials';
import { startApiServer } from '../src/emulator/edge/server';
import { EventsService } from '../src/emulator/events';
import { ScriptedRuntime } from '../src/emulator/runtime/scripted';
import { FileLogStore } from '../src/emulator/store/log-store';
import type { Benchmark } from './benchmark';
import { freePort } from '../test/support/free-port';

const RULES = 200;
const ENTRIES = 10_000;
const PER_CALL = 10;
const GOAL = 10;

/** 200 patterns cycling through the documented operators, over 20 sources. */
function pattern(i: number): object {
  const source = [`app.${i % 20}`];
  const d = [
    { status: ['FAILED', 'SUCCEEDED'] },
    { key: [{ prefix: `in/${i % 7}/` }] },
    { key: [{ suffix: '.csv' }] },
    { status: [{ 'anything-but': ['RUNNING', 'STARTING'] }] },
    { size: [{ numeric: ['>', i, '<=', i * 10 + 100] }] },
    { owner: [{ exists: true }] },
    { status: [{ 'equals-ignore-case': 'failed' }] },
    { key: [{ wildcard: `in/*/${i % 5}*.csv` }] },
    { ip: [{ cidr: `10.${i % 256}.0.0/16` }] },
    { $or: [{ status: ['FAILED'] }, { size: [{ numeric: ['>=', 1000] }] }] },
  ][i % 10]!;
  return i % 25 === 0 ? { detail: d } : { source, detail: d };
}

function entries(call: number): PutEventsRequestEntry[] {
  return Array.from({ length: PER_CALL }, (_, j) => {
    const n = call * PER_CALL + j;
    return { Source: `app.${n % 20}`, DetailType: 'Bench', Detail: JSON.stringify({ status: n % 3 === 0 ? 'FAILED' : 'RUNNING', key: `in/${n % 7}/${n % 5}-${n}.csv`, size: n % 2000, owner: n % 2 ? 'x' : undefined, ip: `10.${n % 256}.1.2` }) };
  });
}

async function drive(client: EventBridgeClient): Promise<number> {
  for (let i = 0; i < RULES; i++) await client.send(new PutRuleCommand({ Name: `r${i}`, EventPattern: JSON.stringify(pattern(i)) }));
  for (let c = 0; c < 20; c++) await client.send(new PutEventsCommand({ Entries: entries(c) })); // warm-up
  const start = performance.now();
  for (let c = 0; c < ENTRIES / PER_CALL; c++) {
    const out = await client.send(new PutEventsCommand({ Entries: entries(c) }));
    if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} entries`);
  }
  return ENTRIES / ((performance.now() - start) / 1000);
}


async function motoRate(): Promise<number | string> {
  if (spawnSync('moto_server', ['--help'], { timeout: 30_000 }).status !== 0) return 'moto_server is not installed';
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/moto-api/`).then(() => true, () => false);
      if (ok) break;
      if (i > 120) throw new Error('moto_server did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
    const client = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
    try {
      return await drive(client);
    } finally {
      client.destroy();
    }
  } finally {
    child.kill('SIGTERM');
  }
}

export const eventsBench: Benchmark = {
  name: 'events',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'localbatch-bench-events-'));
    const clock = systemClock();
    const logs = new FileLogStore(dir);
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs, record: false }) });
    const events = await EventsService.open({ dir: join(dir, 'events'), clock, account: '000000000000', region: 'us-east-1', targets: {} });
    const credentials = loadOrCreateCredentials(dir, 'us-east-1');
    const server = await startApiServer({ port: 0, credentials, batch: {}, logs, events: engine, accountId: '000000000000', region: 'us-east-1', version: 'bench', log: () => undefined, services: [events.edge] });
    const client = new EventBridgeClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const ours = await drive(client);
      const peer = await motoRate();
      const line = `events PutEvents, ${ENTRIES} entries (${PER_CALL} a call) against ${RULES} rules: localbatch ${ours.toFixed(0)} entries/s`;
      if (typeof peer === 'string') return [`${line}; moto_server not measured (${peer})`];
      return [`${line}, moto_server ${peer.toFixed(0)} entries/s: ratio ${(ours / peer).toFixed(1)}× (goal ≥ ${GOAL}×)`];
    } finally {
      client.destroy();
      await server.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
