/**
 * The one conformance suite every ContainerRuntime must pass (the scripted fake and the Docker
 * runtime). Containers run the busybox-compatible commands documented in
 * src/emulator/runtime/scripted.ts, so the same specs mean the same thing on both.
 *
 * Usage: runtimeConformance('docker (integration)', async (logs) => ({ runtime, image, elapse, dispose })).
 * Contract checked here beyond ports.ts: all of an attempt's output is in the LogSink by the time
 * `exited` resolves; after `detach()` a container goes on and `attach()` picks it up again (output
 * after the lines the sink holds, its exit), as a restarted server does.
 */
import assert from 'node:assert/strict';
import type { ContainerExit, ContainerRuntime, ContainerSpec, LogEvent, LogSink } from '../../src/emulator/batch/core/ports';

export interface ConformanceHarness {
  readonly runtime: ContainerRuntime;
  /** A busybox image the runtime can run, e.g. `localbatch-busybox:latest`. */
  readonly image: string;
  /** Lets `ms` pass: a fake clock advances, a real runtime just waits. */
  elapse(ms: number): Promise<void>;
  dispose?(): Promise<void>;
}

export type MakeRuntime = (logs: LogSink) => Promise<ConformanceHarness>;

/** A LogSink that keeps every line per stream. */
export class MemoryLogSink implements LogSink {
  readonly streams = new Map<string, LogEvent[]>();
  append(logStreamName: string, events: readonly LogEvent[]): void {
    let s = this.streams.get(logStreamName);
    if (!s) this.streams.set(logStreamName, (s = []));
    s.push(...events);
  }
  count(logStreamName: string): number {
    return this.streams.get(logStreamName)?.length ?? 0;
  }
  lines(logStreamName: string): string[] {
    return (this.streams.get(logStreamName) ?? []).map((e) => e.message);
  }
}

let counter = 0;

export function runtimeConformance(name: string, makeRuntime: MakeRuntime): void {
  describe(`ContainerRuntime conformance: ${name}`, function () {
    let logs: MemoryLogSink;
    let h: ConformanceHarness;
    const ids: string[] = [];

    beforeEach(async () => {
      logs = new MemoryLogSink();
      h = await makeRuntime(logs);
      await h.runtime.ensureImage(h.image);
    });

    afterEach(async () => {
      for (const id of ids.splice(0)) await h.runtime.remove(id);
      await h.dispose?.();
    });

    function spec(command: string[], extra: Partial<ContainerSpec> = {}): ContainerSpec {
      const n = `${Date.now().toString(36)}-${process.pid}-${++counter}`;
      return {
        name: `localbatch-conformance-${n}`,
        image: h.image,
        command,
        environment: {},
        vcpus: 1,
        memoryMiB: 64,
        gpus: 0,
        labels: { 'localbatch.test': 'conformance' },
        logStreamName: `conformance/default/${n}`,
        ...extra,
      };
    }

    async function run(s: ContainerSpec): Promise<{ id: string; exited: Promise<ContainerExit> }> {
      const c = await h.runtime.start(s);
      ids.push(c.id);
      return c;
    }

    it('runs a container and reports its exit code', async () => {
      const c = await run(spec(['sh', '-c', 'exit 3']));
      const exit = await c.exited;
      assert.equal(exit.exitCode, 3);
      assert.equal(exit.oomKilled, false);
      const ok = await run(spec(['true']));
      assert.equal((await ok.exited).exitCode, 0);
    });

    it('passes the environment to the container', async () => {
      const s = spec(['sh', '-c', 'echo "value=$GREETING"'], { environment: { GREETING: 'hello from env' } });
      const c = await run(s);
      assert.equal((await c.exited).exitCode, 0);
      assert.deepEqual(logs.lines(s.logStreamName), ['value=hello from env']);
    });

    it("replaces the image's CMD with the command", async () => {
      const s = spec(['echo', 'replaced']);
      const c = await run(s);
      assert.equal((await c.exited).exitCode, 0);
      assert.deepEqual(logs.lines(s.logStreamName), ['replaced']);
    });

    it('delivers every output line to the LogSink under the stream name, in order, before exit resolves', async () => {
      const s = spec(['sh', '-c', 'echo one; echo two && echo three']);
      const c = await run(s);
      await c.exited;
      assert.deepEqual(logs.lines(s.logStreamName), ['one', 'two', 'three']);
      for (const e of logs.streams.get(s.logStreamName) ?? []) assert.equal(typeof e.timestamp, 'number');
    });

    it('stops a sleeping container with SIGTERM', async () => {
      const c = await run(spec(['sh', '-c', 'sleep 300'], { initProcessEnabled: true }));
      await h.elapse(500);
      await h.runtime.signal(c.id, 'SIGTERM');
      const exit = await c.exited;
      assert.equal(exit.exitCode, 143);
      assert.equal(exit.oomKilled, false);
    });

    it('stops a container that ignores SIGTERM with SIGKILL', async () => {
      const c = await run(spec(['sh', '-c', 'trap "" TERM; sleep 300'], { initProcessEnabled: true }));
      await h.elapse(500);
      let done = false;
      void c.exited.then(() => (done = true));
      await h.runtime.signal(c.id, 'SIGTERM');
      await h.elapse(1000);
      assert.equal(done, false, 'SIGTERM was ignored, the container still runs');
      await h.runtime.signal(c.id, 'SIGKILL');
      assert.equal((await c.exited).exitCode, 137);
    });

    it('reports an out-of-memory kill with oomKilled and exit 137', async () => {
      const c = await run(spec(['sh', '-c', 'tail /dev/zero'], { memoryMiB: 16 }));
      const exit = await c.exited;
      assert.equal(exit.oomKilled, true);
      assert.equal(exit.exitCode, 137);
    });

    it('treats signal after exit, and a repeated remove, as no-ops', async () => {
      const c = await run(spec(['sh', '-c', 'exit 3']));
      assert.equal((await c.exited).exitCode, 3);
      // A signal after exit changes nothing: still exited, with its own exit code (not 143 or 137).
      await h.runtime.signal(c.id, 'SIGTERM');
      await h.runtime.signal(c.id, 'SIGKILL');
      const after = await h.runtime.inspect(c.id);
      assert.deepEqual([after?.status, after?.exitCode], ['exited', 3]);
      // remove removes; a second remove of the gone container resolves and leaves it gone.
      await h.runtime.remove(c.id);
      assert.equal(await h.runtime.inspect(c.id), undefined);
      await h.runtime.remove(c.id);
      assert.equal(await h.runtime.inspect(c.id), undefined);
    });

    it('rejects ensureImage for a missing image with a readable message naming it', async () => {
      const image = 'localbatch-does-not-exist:latest';
      await assert.rejects(h.runtime.ensureImage(image), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /localbatch-does-not-exist/);
        return true;
      });
    });

    it('lists its containers by label with their state, and inspect sees them exit and go', async () => {
      const label = { 'localbatch.test': 'conformance', 'localbatch.case': `list-${process.pid}-${++counter}` };
      const c = await run(spec(['sh', '-c', 'sleep 1; exit 4'], { labels: label }));
      const listed = await h.runtime.list(label);
      assert.deepEqual(listed.map((x) => x.id), [c.id]);
      assert.equal(listed[0].labels['localbatch.case'], label['localbatch.case']);
      assert.equal(listed[0].state.status, 'running');
      assert.equal(typeof listed[0].state.startedAt, 'number');
      await h.elapse(1500);
      await c.exited;
      const state = await h.runtime.inspect(c.id);
      assert.equal(state?.status, 'exited');
      assert.equal(state?.exitCode, 4);
      await h.runtime.remove(c.id);
      assert.equal(await h.runtime.inspect(c.id), undefined);
      assert.deepEqual(await h.runtime.list(label), []);
    });

    it('re-attaches a running container after detach: output goes on without repeats, then its exit', async () => {
      const s = spec(['sh', '-c', 'echo one; sleep 2; echo two; exit 5']);
      const c = await run(s);
      for (let i = 0; i < 100 && logs.count(s.logStreamName) === 0; i++) await h.elapse(50);
      assert.deepEqual(logs.lines(s.logStreamName), ['one']);
      let old = false;
      void c.exited.then(() => (old = true));
      await h.runtime.detach();
      const again = await h.runtime.attach(c.id, s.logStreamName);
      await h.elapse(2500);
      const exit = await again.exited;
      assert.equal(exit.exitCode, 5);
      assert.deepEqual(logs.lines(s.logStreamName), ['one', 'two']);
      assert.equal(old, false, 'the detached wait never settles');
    });

    it('attaches an exited container: its remaining output, then its exit at once', async () => {
      const s = spec(['sh', '-c', 'echo a; echo b; exit 2']);
      const c = await run(s);
      await c.exited;
      const other = `${s.logStreamName}-again`;
      const again = await h.runtime.attach(c.id, other);
      assert.deepEqual(await again.exited, { exitCode: 2, oomKilled: false });
      assert.deepEqual(logs.lines(other), ['a', 'b']);
      await assert.rejects(h.runtime.attach('localbatch-no-such-container', other));
    });
  });
}
