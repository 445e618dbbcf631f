/**
 * A distributed Map run as DescribeMapRun and ListMapRuns show it: its status, dates, settings and
 * how many of its items and child workflow executions are pending, running, succeeded, failed or
 * aborted. runMap keeps it current as the children run (an execution's child processes a batch of
 * items when the Map has an ItemBatcher, one item otherwise); the service holds it for the API and
 * journals it once the run ends. Locally the children run inside the parent execution: they are
 * counted here, not listed as executions of their own.
 */
import type { MapRunIdentity } from './map-results';

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

/** What is kept of a map run (plain data: journaled as it is). */
export interface MapRunRecord {
  readonly mapRunArn: string;
  readonly executionArn: string;
  /** The child workflows' state machine (`stateMachine:<machine>/<Map state>:<id>`). */
  readonly stateMachineArn: string;
  readonly startDate: number;
  stopDate?: number;
  status: MapRunStatus;
  /** Its settings (UpdateMapRun changes them while it runs). */
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  readonly itemCounts: MapRunCounts;
  readonly executionCounts: MapRunCounts;
  /** The Map's label (its Label, else its state name); absent in records journaled before it was kept. */
  readonly label?: string;
  /** The child workflows' definition (the Map's ItemProcessor, without ProcessorConfig), as JSON. */
  readonly processor?: string;
  /** The Map's place in its execution's run (core/redrive.ts), and which of the execution's redrives ran it last. */
  readonly key?: string;
  readonly executionRedrive?: number;
  /** RedriveExecution redrove it: how many times, the last one's date. */
  readonly redriveCount?: number;
  readonly redriveDate?: number;
}

const zero = (): MapRunCounts => ({ pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0 });

export type ChildEnd = 'succeeded' | 'failed' | 'aborted';

/** UpdateMapRun's changes to a running map run's settings. */
export interface MapRunSettings {
  readonly maxConcurrency?: number;
  readonly toleratedFailurePercentage?: number;
  readonly toleratedFailureCount?: number;
}

export class MapRunProgress {
  readonly record: MapRunRecord;
  private readonly listeners: Array<(changes: MapRunSettings) => void> = [];

  constructor(
    identity: MapRunIdentity,
    executionArn: string,
    startDate: number,
    settings: { maxConcurrency?: number; toleratedFailurePercentage?: number; toleratedFailureCount?: number },
    children: { label: string; processor: string; key?: string; executionRedrive?: number; redrive?: { count: number; date: number } },
  ) {
    this.record = {
      mapRunArn: identity.mapRunArn,
      executionArn,
      stateMachineArn: identity.stateMachineArn,
      startDate,
      status: 'RUNNING',
      maxConcurrency: settings.maxConcurrency ?? 0,
      toleratedFailurePercentage: settings.toleratedFailurePercentage ?? 0,
      toleratedFailureCount: settings.toleratedFailureCount ?? 0,
      itemCounts: zero(),
      executionCounts: zero(),
      label: children.label,
      processor: children.processor,
      ...(children.key !== undefined ? { key: children.key, executionRedrive: children.executionRedrive ?? 0 } : {}),
      ...(children.redrive ? { redriveCount: children.redrive.count, redriveDate: children.redrive.date } : {}),
    };
  }

  /** UpdateMapRun: new settings, told to the run (runMap) at once. */
  update(changes: MapRunSettings): void {
    if (this.record.status !== 'RUNNING') return;
    for (const k of ['maxConcurrency', 'toleratedFailurePercentage', 'toleratedFailureCount'] as const) if (changes[k] !== undefined) this.record[k] = changes[k];
    for (const l of this.listeners) l(changes);
  }

  onUpdate(listener: (changes: MapRunSettings) => void): void {
    this.listeners.push(listener);
  }

  /** The run's children are known: how many items each processes (a batch's, or one). */
  planned(itemsPerChild: readonly number[]): void {
    const items = itemsPerChild.reduce((n, k) => n + k, 0);
    Object.assign(this.record.executionCounts, { total: itemsPerChild.length, pending: itemsPerChild.length });
    Object.assign(this.record.itemCounts, { total: items, pending: items });
  }

  /** A child of `items` items started. */
  childStarted(items: number): void {
    if (this.record.status !== 'RUNNING') return;
    move(this.record.executionCounts, 'pending', 'running', 1);
    move(this.record.itemCounts, 'pending', 'running', items);
  }

  childEnded(items: number, end: ChildEnd): void {
    if (this.record.status !== 'RUNNING') return;
    move(this.record.executionCounts, 'running', end, 1);
    move(this.record.itemCounts, 'running', end, items);
  }

  /**
   * The run ended; `written`: its results went to the ResultWriter's bucket. Children still running
   * are stopped with it (aborted); ones never started were never child executions (items that were
   * not processed stay pending). Later news of its children changes nothing.
   */
  ended(status: Exclude<MapRunStatus, 'RUNNING'>, stopDate: number, written: boolean): void {
    if (this.record.status !== 'RUNNING') return;
    this.record.status = status;
    this.record.stopDate = stopDate;
    const { itemCounts: items, executionCounts: children } = this.record;
    move(children, 'running', 'aborted', children.running);
    move(items, 'running', 'aborted', items.running);
    children.total -= children.pending;
    children.pending = 0;
    if (written) {
      items.resultsWritten = items.succeeded + items.failed;
      children.resultsWritten = children.succeeded + children.failed;
    }
  }
}

function move(c: MapRunCounts, from: 'pending' | 'running', to: 'running' | ChildEnd, n: number): void {
  c[from] -= n;
  c[to] += n;
}
