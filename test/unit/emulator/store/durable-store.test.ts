import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEntry } from '../../../../src/emulator/batch/core/journal';
import type { EngineSnapshot, JobSnapshot } from '../../../../src/emulator/batch/core/snapshot';
import { DurableStore } from '../../../../src/emulator/store/durable-store';

function def(name: string, revision = 1): JournalEntry {
  return { k: 'def', v: { jobDefinitionName: name, revision, jobDefinitionArn: `arn:aws:batch:us-east-1:123456789012:job-definition/${name}:${revision}`, type: 'container', status: 'ACTIVE' } };
}

function job(id: string): JournalEntry {
  const v: JobSnapshot = { id, status: 'SUBMITTED', attemptCount: 0, request: { jobName: id, jobQueue: 'q', jobDefinition: 'd' }, jobDefinitionArn: 'x', queueName: 'q', createdAt: 1 };
  return { k: 'sub', v };
}

function names(s: EngineSnapshot | undefined): string[] {
  return (s?.jobDefinitions ?? []).map((d) => d.jobDefinitionName!);
}

/** Every store a test opened (the tests open again without closing, as after a SIGKILL): closed after the test. */
const opened: DurableStore[] = [];

async function openStore(...args: Parameters<typeof DurableStore.open>): ReturnType<typeof DurableStore.open> {
  const got = await DurableStore.open(...args);
  opened.push(got.store);
  return got;
}

describe('Durable store: journal, group commit, compaction (unit)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'localbatch-store-'))));
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has every committed entry on disk when committed() resolves, and replays it', async () => {
    const { store } = await openStore(dir);
    store.append(def('a'));
    store.append(job('j1'));
    await store.committed();
    const text = readdirSync(dir).filter((f) => f.startsWith('journal.')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    assert.equal(text.trim().split('\n').length, 2);
    // No close: as after a SIGKILL.
    const { loaded } = await openStore(dir);
    assert.deepEqual(names(loaded.snapshot), ['a']);
    assert.deepEqual(loaded.snapshot!.jobs.map((j) => j.id), ['j1']);
  });

  it('commits many appends with far fewer writes (group commit)', async () => {
    const { store } = await openStore(dir);
    const writes: number[] = [];
    const handle = (store as unknown as { handle: { write: (c: string) => Promise<unknown> } }).handle;
    const write = handle.write.bind(handle);
    handle.write = (c: string) => (writes.push(c.split('\n').length - 1), write(c));
    const acks = Array.from({ length: 500 }, (_, i) => {
      store.append(job(`j${i}`));
      return store.committed();
    });
    await Promise.all(acks);
    assert.equal(writes.reduce((a, b) => a + b, 0), 500);
    assert.ok(writes.length <= 3, `${writes.length} writes for 500 entries`);
  });

  it('ignores a torn last entry and reports it', async () => {
    const { store } = await openStore(dir);
    store.append(def('a'));
    await store.committed();
    const file = join(dir, readdirSync(dir).find((f) => f.startsWith('journal.'))!);
    appendFileSync(file, JSON.stringify(def('b')).slice(0, 40));
    const { loaded } = await openStore(dir);
    assert.deepEqual(names(loaded.snapshot), ['a']);
    assert.ok(loaded.problems.some((p) => p.includes('partial last entry')), loaded.problems.join('\n'));
    assert.ok(existsSync(file), 'a torn tail is not damage: the file stays');
  });

  it('sets a damaged journal aside with a timestamp, keeps what was before the damage, and still starts', async () => {
    const { store } = await openStore(dir);
    store.append(def('a'));
    await store.committed();
    const name = readdirSync(dir).find((f) => f.startsWith('journal.'))!;
    appendFileSync(join(dir, name), 'garbage{\n' + JSON.stringify(def('c')) + '\n');
    const { store: s2, loaded } = await openStore(dir);
    assert.deepEqual(names(loaded.snapshot), ['a']);
    assert.ok(loaded.problems.some((p) => /damaged at line 2/.test(p)), loaded.problems.join('\n'));
    assert.ok(readdirSync(dir).some((f) => f.startsWith(`${name}.damaged-`)), readdirSync(dir).join(','));
    s2.append(def('d'));
    await s2.committed();
  });

  it('sets a damaged snapshot aside and starts from the journals', async () => {
    writeFileSync(join(dir, 'state.json'), '{"version":2,"engine":');
    const { loaded } = await openStore(dir);
    assert.equal(loaded.snapshot, undefined);
    assert.ok(loaded.problems[0].includes('could not be read'));
    assert.ok(readdirSync(dir).some((f) => f.startsWith('state.json.damaged-')));
  });

  it('compacts into state.json past the size limit, deletes covered journals, and replays to the same state', async () => {
    const { store } = await openStore(dir, { compactBytes: 2_000 });
    const state = new Map<string, JournalEntry>();
    store.setSnapshotSource(() => ({ version: 1, jobDefinitions: [...state.values()].map((e) => (e as unknown as { v: never }).v), computeEnvironments: [], jobQueues: [], jobs: [] }));
    for (let i = 0; i < 60; i++) {
      const e = def(`d${i}`);
      state.set(`d${i}`, e);
      store.append(e);
      await store.committed();
    }
    assert.ok(existsSync(join(dir, 'state.json')));
    assert.ok(readdirSync(dir).filter((f) => f.startsWith('journal.')).length <= 2);
    const { loaded } = await openStore(dir);
    assert.deepEqual(names(loaded.snapshot).sort(), [...state.keys()].sort());
  });
});
