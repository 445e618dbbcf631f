/**
 * The Batch journal replayed as a restart does, for unit tests on the fake clock.
 * - MemoryJournal: a fake of the durable store's journal (named so: it keeps entries in memory),
 *   taking a JSON copy of each entry when it is appended, as the store's file does.
 * - replay(entries): the snapshot a restarted server loads: the entries folded by the engine's own
 *   SnapshotBuilder, then read back through JSON as from disk.
 * - journaledWorld() / restart(): an engine (FakeClock + ScriptedRuntime, a fake of Docker that
 *   outlives the server) with one compute environment and queue `q`; restart() kills the server (the
 *   old engine stops watching), replays its journal into a fresh engine and reconciles.
 */
import type { CreateComputeEnvironmentRequest } from '@aws-sdk/client-batch';
import { BatchEngine } from '../../src/emulator/batch/core/engine';
import { SnapshotBuilder, type JournalEntry, type JournalSink } from '../../src/emulator/batch/core/journal';
import type { ReconcileReport } from '../../src/emulator/batch/core/reconcile';
import type { EngineSnapshot } from '../../src/emulator/batch/core/snapshot';
import { FakeClock } from '../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../src/emulator/runtime/scripted';
import { MemoryLogSink } from './runtime-conformance';

/** The label a server puts on its containers (reconcile finds them by it). */
export const STATE_DIR_LABELS = { 'dev.localbatch.state-dir': '/test/state' };

export class MemoryJournal implements JournalSink {
  readonly entries: JournalEntry[] = [];
  append(e: JournalEntry): void {
    this.entries.push(JSON.parse(JSON.stringify(e)) as JournalEntry);
  }
}

/** The snapshot a restart loads from these entries. */
export function replay(entries: readonly JournalEntry[]): EngineSnapshot {
  const builder = new SnapshotBuilder();
  for (const e of entries) builder.apply(e);
  return JSON.parse(JSON.stringify(builder.build())) as EngineSnapshot;
}

export interface JournaledWorld {
  readonly clock: FakeClock;
  readonly logs: MemoryLogSink;
  readonly runtime: ScriptedRuntime;
  /** The running engine's journal (a new one after each restart). */
  journal: MemoryJournal;
  engine: BatchEngine;
  /** What the last restart's reconcile() reported. */
  report?: ReconcileReport;
  /** A fresh engine (ids go on from the last engine's) writing to `journal`, as a restarted server builds it. */
  newEngine(journal: MemoryJournal, durable?: () => Promise<void>): BatchEngine;
}

export interface WorldOptions {
  /** maxvCpus of the compute environment (default 4). */
  readonly vcpus?: number;
  readonly pullDelayMs?: number;
  /** The first engine's wait for its journal writes to be on disk. */
  readonly durable?: () => Promise<void>;
  /** Merged into the compute environment's request (its name, eksConfiguration...). */
  readonly computeEnvironment?: Partial<CreateComputeEnvironmentRequest>;
}

/** An engine writing to a MemoryJournal, with compute environment `ce` (or as given) and queue `q` on it. */
export async function journaledWorld(opts: WorldOptions = {}): Promise<JournaledWorld> {
  const clock = new FakeClock();
  const logs = new MemoryLogSink();
  const runtime = new ScriptedRuntime({ clock, logs, pullDelayMs: opts.pullDelayMs });
  let ids = 0;
  const newEngine = (journal: MemoryJournal, durable?: () => Promise<void>) =>
    new BatchEngine({ clock, runtime, journal, containerLabels: STATE_DIR_LABELS, durable, newId: () => `00000000-0000-4000-8000-${(++ids).toString().padStart(12, '0')}` });
  const journal = new MemoryJournal();
  const engine = newEngine(journal, opts.durable);
  const ce = { computeEnvironmentName: 'ce', type: 'MANAGED' as const, computeResources: { type: 'EC2' as const, maxvCpus: opts.vcpus ?? 4, subnets: [] }, ...opts.computeEnvironment };
  engine.createComputeEnvironment(ce, { memoryMiB: 8192 });
  await clock.settle();
  engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentName }] });
  await clock.settle();
  return { clock, logs, runtime, journal, engine, newEngine };
}

/**
 * The server is killed and started again: the old engine stops watching, `between` runs while no
 * server is up, and a fresh engine restores the replayed journal and reconciles. Returns the new engine.
 */
export async function restart(w: JournaledWorld, between?: () => Promise<void>): Promise<BatchEngine> {
  await w.engine.detach();
  await between?.();
  const snapshot = replay(w.journal.entries);
  w.journal = new MemoryJournal();
  w.engine = w.newEngine(w.journal);
  w.engine.restore(snapshot, { reconcile: true });
  w.report = await w.engine.reconcile();
  return w.engine;
}
