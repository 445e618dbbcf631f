import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, appendFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLogStore } from '../../../../src/emulator/store/log-store';
import { ensureStateDir } from '../../../../src/emulator/store/state-dir';

describe('FileLogStore (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends, reads back in order and survives a new instance', () => {
    const store = new FileLogStore(dir, () => 42);
    store.append('def/default/a1', [{ timestamp: 1, message: 'one' }]);
    store.append('def/default/a1', [{ timestamp: 2, message: 'two' }, { timestamp: 3, message: 'three' }]);
    assert.deepEqual(store.events('def/default/a1').map((e) => e.message), ['one', 'two', 'three']);
    const again = new FileLogStore(dir);
    assert.deepEqual(again.events('def/default/a1').map((e) => [e.timestamp, e.message, e.ingestionTime]), [
      [1, 'one', 42],
      [2, 'two', 42],
      [3, 'three', 42],
    ]);
    assert.deepEqual(again.events('unknown'), []);
  });

  it("a group named '.' or '..' is a folder of its own: deleting it leaves the other groups' logs", () => {
    const store = new FileLogStore(dir);
    store.append('s', [{ timestamp: 1, message: 'kept' }]);
    store.append('s', [{ timestamp: 1, message: 'kept too' }], '/team/etl');
    for (const name of ['..', '.']) {
      assert.equal(store.hasGroup(name), false, name);
      assert.equal(store.createGroup(name), true, name);
      assert.equal(store.createStream('x', name), true, name);
      assert.ok(store.groups().includes(name), name);
      assert.equal(store.deleteGroup(name), true, name);
    }
    assert.deepEqual(store.events('s').map((e) => e.message), ['kept']);
    assert.deepEqual(new FileLogStore(dir).events('s', '/team/etl').map((e) => e.message), ['kept too']);
    assert.deepEqual(store.groups(), ['/aws/batch/job', '/team/etl']);
  });

  it('notifies followers of new events only', () => {
    const store = new FileLogStore(dir);
    store.append('s', [{ timestamp: 1, message: 'before' }]);
    const seen: string[] = [];
    const stop = store.follow('s', (evs) => seen.push(...evs.map((e) => e.message)));
    store.append('s', [{ timestamp: 2, message: 'after' }]);
    stop();
    store.append('s', [{ timestamp: 3, message: 'unfollowed' }]);
    assert.deepEqual(seen, ['after']);
  });

  it('lists streams by prefix and skips a torn last line', () => {
    const store = new FileLogStore(dir);
    store.append('a/default/1', [{ timestamp: 5, message: 'x' }]);
    store.append('b/default/2', [{ timestamp: 6, message: 'y' }]);
    const file = join(dir, 'logs', readdirSync(join(dir, 'logs')).find((f) => f.startsWith('a'))!);
    appendFileSync(file, '{"timestamp": 7, "mess');
    const fresh = new FileLogStore(dir);
    assert.deepEqual(fresh.streams('a/').map((s) => s.logStreamName), ['a/default/1']);
    assert.equal(fresh.events('a/default/1').length, 1);
    assert.ok(readFileSync(file, 'utf8').includes('mess'));
  });

  it('creates the state dir private, with a .gitignore that ignores everything', () => {
    const state = ensureStateDir(join(dir, 'state'));
    assert.equal(statSync(state).mode & 0o777, 0o700);
    assert.match(readFileSync(join(state, '.gitignore'), 'utf8'), /^\*$/m);
  });
});

describe('FileLogStore log groups (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-logs-groups-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps streams of other groups apart from the default group, across instances', () => {
    const store = new FileLogStore(dir);
    assert.deepEqual(store.groups(), ['/aws/batch/job']);
    assert.equal(store.hasGroup('/team/etl'), false);
    store.append('p/default/t1', [{ timestamp: 1, message: 'in team group' }], '/team/etl');
    store.append('p/default/t1', [{ timestamp: 1, message: 'in default group' }]);
    const again = new FileLogStore(dir);
    assert.deepEqual(again.groups(), ['/aws/batch/job', '/team/etl']);
    assert.equal(again.hasGroup('/team/etl'), true);
    assert.deepEqual(again.events('p/default/t1', '/team/etl').map((e) => e.message), ['in team group']);
    assert.deepEqual(again.events('p/default/t1').map((e) => e.message), ['in default group']);
    assert.equal(again.has('p/default/t1', '/team/etl'), true);
    assert.equal(again.has('p/default/t2', '/team/etl'), false);
    assert.deepEqual(again.streams('', '/team/etl').map((s) => s.logStreamName), ['p/default/t1']);
    assert.deepEqual(again.streams('', '/nope'), []);
  });
});
