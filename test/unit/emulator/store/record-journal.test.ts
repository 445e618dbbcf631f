import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
});
