import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordJournal } from '../../../../src/emulator/store/record-journal';

describe('RecordJournal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'record-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps committed puts and deletes across a reopen, ignoring a torn last line', async () => {
    const a = await RecordJournal.open<{ n: number }>(dir, 'rules');
    a.put('x', { n: 1 });
    a.put('y', { n: 2 });
    a.put('x', { n: 3 });
    a.delete('y');
    await a.committed();
    // A write cut short by a kill: no newline, half a JSON line.
    appendFileSync(join(dir, 'rules.jsonl'), '{"k":"z","v":{"n"');
    const b = await RecordJournal.open<{ n: number }>(dir, 'rules');
    assert.deepEqual([...b.records.entries()], [['x', { n: 3 }]]);
    assert.match(b.problems.join(), /partial last entry/);
    b.put('w', { n: 4 });
    await b.committed();
    await b.close();
    const c = await RecordJournal.open<{ n: number }>(dir, 'rules');
    assert.deepEqual([...c.records.keys()].sort(), ['w', 'x']);
    assert.ok(readFileSync(join(dir, 'rules.jsonl'), 'utf8').endsWith('\n'));
    await c.close();
    // `a` stood for a process that was killed: closed only now, after the reopens.
    await a.close();
  });

  it('is private (folder 0700, file 0600, also one made before) and drops deleted keys\' lines when opened', async () => {
    const folder = join(dir, 'events');
    const a = await RecordJournal.open<{ secret: string }>(folder, 'retries');
    a.put('gone', { secret: 'payload of an event delivered long ago' });
    a.put('kept', { secret: 'still waiting' });
    a.delete('gone');
    await a.close();
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(join(folder, 'retries.jsonl')).mode & 0o777, 0o600);
    chmodSync(folder, 0o755);
    chmodSync(join(folder, 'retries.jsonl'), 0o644);
    assert.match(readFileSync(join(folder, 'retries.jsonl'), 'utf8'), /long ago/);
    const b = await RecordJournal.open<{ secret: string }>(folder, 'retries');
    assert.deepEqual([...b.records.keys()], ['kept']);
    assert.doesNotMatch(readFileSync(join(folder, 'retries.jsonl'), 'utf8'), /long ago/);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(join(folder, 'retries.jsonl')).mode & 0o777, 0o600);
    await b.close();
  });
});
