/** Amazon States Language as the interpreter reads it (validated loosely; see validate.ts for checks). */
import type { MapRunProgress } from './map-run-progress';
import type { ExitMark } from './redrive';
import type { MapRunIdentity } from './map-results';
import type { Clock } from '../../batch/core/ports';

export type QueryLanguage = 'JSONPath' | 'JSONata';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

export interface StateDef {
  Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  QueryLanguage?: QueryLanguage;
  Comment?: string;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  Parameters?: unknown;
  ResultSelector?: unknown;
  ResultPath?: string | null;
  Result?: unknown;
  Arguments?: unknown;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  Resource?: string;
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: unknown;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Choices?: Array<Record<string, unknown>>;
  Default?: string;
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
  Branches?: StateMachineDef[];
  Items?: unknown;
  ItemsPath?: string;
  ItemSelector?: unknown;
  ItemProcessor?: StateMachineDef & { ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' } };
  Iterator?: StateMachineDef & { ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' } };
  ItemReader?: { Resource: string; Parameters?: unknown; Arguments?: unknown; ReaderConfig?: Record<string, unknown> };
  ItemBatcher?: { MaxItemsPerBatch?: number; MaxItemsPerBatchPath?: string; MaxInputBytesPerBatch?: number; MaxInputBytesPerBatchPath?: string; BatchInput?: unknown };
  ResultWriter?: { Resource?: string; Parameters?: unknown; Arguments?: unknown; WriterConfig?: { Transformation?: string; OutputType?: string } };
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  Label?: string;
}

export interface StateMachineDef {
  StartAt: string;
  States: Record<string, StateDef>;
  Comment?: string;
  Version?: string;
  TimeoutSeconds?: number;
  QueryLanguage?: QueryLanguage;
}

/** A history event as GetExecutionHistory returns it, before its id is given. */
export interface HistoryEventInput {
  readonly type: string;
  /** The details member, e.g. `stateEnteredEventDetails`. */
  readonly details?: Record<string, unknown>;
  /** The event before it in its own branch or iteration (so concurrent branches form separate chains). */
  readonly previousEventId?: number;
  /** A StateExited event's place in the run and where the state went (kept for RedriveExecution, not answered). */
  readonly exit?: ExitMark;
}

export interface TaskInvocation {
  /** The Resource as written (e.g. arn:aws:states:::batch:submitJob.sync). */
  readonly resource: string;
  readonly parameters: unknown;
  readonly stateName: string;
  /** Stable across restarts for this state entry and attempt (journal key). */
  readonly key: string;
  /** Aborted when the execution stops or the state times out: a `.sync` task ends its work. */
  readonly signal: AbortSignal;
  readonly taskToken?: string;
  readonly executionArn: string;
  /** A `.sync` task reports the work it started (TaskSubmitted). */
  readonly submitted: (output: unknown) => void;
}

export interface InterpreterPorts {
  readonly clock: Clock;
  readonly runTask: (invocation: TaskInvocation) => Promise<unknown>;
  /**
   * Why a Task's service would refuse its parameters before the call (an optimized integration's
   * member of the wrong type), if it would: the state then fails with States.Runtime, unscheduled.
   */
  readonly checkTask?: (resource: string, parameters: unknown, stateName: string) => string | undefined;
  /** Called for each history event; returns its id. */
  readonly emit?: (event: HistoryEventInput) => number;
  /** A value fixed once per key across restarts (Wait deadlines); default computes it. */
  readonly memo?: <T>(key: string, compute: () => T) => T;
  readonly random?: () => number;
  readonly uuid?: () => string;
  /** Items of a distributed Map's ItemReader. */
  readonly readItems?: (reader: NonNullable<StateDef['ItemReader']>, parameters: unknown, signal: AbortSignal) => Promise<unknown[]>;
  /** A distributed Map's ResultWriter with a Resource: writes the run's results, returns ResultWriterDetails. */
  readonly writeResults?: (writer: NonNullable<StateDef['ResultWriter']>, parameters: unknown, run: MapRunReport, signal: AbortSignal) => Promise<unknown>;
  /** A distributed Map run started (its progress is kept current while it runs), and ended. */
  readonly mapRunStarted?: (run: MapRunProgress) => void;
  readonly mapRunEnded?: (run: MapRunProgress) => void;
  /**
   * A counted map run's child workflow execution started: where its history goes, and its end
   * (none: it is not recorded, e.g. a map run that had ended before a restart, run again by the replay).
   */
  readonly mapRunChild?: (run: MapRunIdentity, child: { readonly index: number; readonly name: string; readonly input: unknown; readonly items: number }, redriven?: ChildRedrive) => ChildExecutionSink | undefined;
  /**
   * In a redrive: the last map run a distributed Map (by its place in the run; `owner`: the child
   * execution it is in, if it is in one) started, which the redrive runs again.
   */
  readonly earlierMapRun?: (key: string, owner?: string) => EarlierMapRun | undefined;
}

/** A map run a redrive runs again: under its ARN, passing over the children that had succeeded. */
export interface EarlierMapRun {
  /** Its id (the last part of its ARN). */
  readonly id: string;
  readonly startDate: number;
  /** What it is counted as now (its redriveCount, one more unless this redrive had run it already: a replay). */
  readonly redriveCount: number;
  /** A child it had run: how it ended, its output and dates (ms), and its history (with its exits' marks). */
  child(name: string): { readonly status: string; readonly output?: unknown; readonly startDate: number; readonly stopDate: number; readonly events: readonly object[] } | undefined;
}

/** A child execution a redriven map run runs again from where it stopped: its history before, and its redrive's number. */
export interface ChildRedrive {
  readonly events: readonly object[];
  readonly redriveCount: number;
  /** The redrive's date (the execution's: also in a replay after a restart), ms. */
  readonly redriveDate: number;
}

/** How a distributed Map's child workflow execution ended. */
export type ChildEnd = { readonly status: 'SUCCEEDED'; readonly output: unknown } | { readonly status: 'FAILED' | 'ABORTED'; readonly error: string; readonly cause: string };

/** Where a distributed Map's child workflow execution is kept: each history event (returns its id), then its end. */
export interface ChildExecutionSink {
  readonly emit: (event: HistoryEventInput) => number;
  readonly ended: (end: ChildEnd) => void;
}

/** One child workflow execution of a distributed Map run, as the ResultWriter exports it. */
export interface MapRunChild {
  readonly index: number;
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: string;
  readonly stopDate: string;
  /** A child a redriven map run ran again: its redrive's number. */
  readonly redriveCount?: number;
}

export interface MapRunReport {
  readonly mapRunArn: string;
  /** The map run's id (the last part of its ARN): the ResultWriter writes under `<Prefix>/<id>/`. */
  readonly id: string;
  /** The child workflows' state machine ARN (`stateMachine:<machine>/<Map state>:<id>`). */
  readonly stateMachineArn: string;
  readonly executionArnPrefix: string;
  readonly children: readonly MapRunChild[];
}

export interface ExecutionIdentity {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly startTime: string;
}
