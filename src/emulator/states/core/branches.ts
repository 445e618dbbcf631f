/**
 * Parallel branches and Map iterations (inline, and distributed with ItemReader, ItemBatcher and
 * tolerated failures). A failing branch or iteration stops the others, as in AWS. Their events
 * follow AWS's recorded histories: a distributed Map records
 * MapStateStarted (length 0) and MapRunStarted before it reads its items, MapRunSucceeded or
 * MapRunFailed, then MapStateSucceeded or MapStateFailed; ParallelStateFailed and MapStateFailed are
 * recorded once the error leaves the state (not for an attempt a retrier runs again: failedEvent).
 */
import { randomUUID } from 'node:crypto';
import { asStatesError, StatesError } from './errors';
import { evaluateTemplate, isJsonataExpression, jsonataSource, QueryEvaluationError } from './jsonata';
import { childName, mapRunIdentity, transformResults, type MapRunIdentity } from './map-results';
import { History } from './history';
import { exitsOf, finishedLevel, historyBeforeRedrive } from './redrive';
import { MapRunProgress } from './map-run-progress';
import { mustRead } from './paths';
import { AbortedError, pool } from './timing';
import type { TaskRunContext } from './task';
import type { ChildEnd, ChildRedrive, MapRunChild, StateDef } from './types';

/** How many child workflow executions a distributed Map runs at once when MaxConcurrency is 0 or absent. */
const DISTRIBUTED_DEFAULT_CONCURRENCY = 10_000;

export async function runParallel(run: TaskRunContext, input: unknown): Promise<unknown[]> {
  const { execution, frame } = run;
  const branches = run.state.Branches ?? [];
  // Each branch's events chain from ParallelStateStarted; the state's own events chain on.
  frame.history?.emit('ParallelStateStarted', undefined, frame.chain, retryMark(run));
  const controller = execution.controllerFor(frame.signal);
  try {
    const out = await Promise.all(
      branches.map(async (def, i) => {
        try {
          return await execution.runStates(execution.childFrame(frame, def, { key: `${run.key}[${i}]`, exit: `${run.exitKey}[${i}]` }, controller.signal), input);
        } catch (err) {
          controller.abort();
          throw err;
        }
      }),
    );
    frame.history?.emit('ParallelStateSucceeded', undefined, frame.chain);
    return out;
  } catch (err) {
    if (frame.signal.aborted) throw new AbortedError();
    throw failing(firstReal(err), 'ParallelStateFailed');
  } finally {
    controller.abort();
  }
}

/** A Parallel's or Map's attempt after the first: what its earlier attempts exited no longer counts for a redrive (redrive.ts). */
function retryMark(run: TaskRunContext): { retry: string } | undefined {
  return run.attempt === 0 ? undefined : { retry: run.exitKey };
}

const failedEvents = new WeakMap<object, string>();

/**
 * The error of a Map or Parallel, marked with the event it records once the error leaves the state:
 * a copy per throw (same class and fields), so two states failing with one error object each record theirs.
 */
function failing(e: StatesError, event: string): StatesError {
  const own = Object.create(Object.getPrototypeOf(e) as object, Object.getOwnPropertyDescriptors(e)) as StatesError;
  failedEvents.set(own, event);
  return own;
}

/** The event a failed Map or Parallel records (ParallelStateFailed, MapStateFailed), taken once. */
export function failedEvent(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const event = failedEvents.get(err);
  failedEvents.delete(err);
  return event;
}

function firstReal(err: unknown): StatesError {
  return asStatesError(err instanceof AbortedError ? new StatesError('States.BranchFailed', 'A branch was stopped') : err);
}

async function numberField(run: TaskRunContext, field: 'MaxConcurrency' | 'ToleratedFailurePercentage' | 'ToleratedFailureCount'): Promise<number | undefined> {
  const s = run.state;
  const path = s[`${field}Path`];
  let v: unknown = s[field];
  if (path !== undefined) v = mustRead(path, run.scope, () => `The ${field}Path '${path}' selects nothing in the input`);
  else if (run.jsonata && typeof v === 'string') v = await evaluateTemplate(v, run.jscope, field);
  if (v === undefined) return undefined;
  // (AWS's words for a Path's value, from its histories)
  const whole = field !== 'ToleratedFailurePercentage';
  if (path !== undefined && (typeof v !== 'number' || (whole && !Number.isInteger(v)))) {
    throw new StatesError('States.Runtime', `The ${field}Path field refers to value "${typeof v === 'string' ? v : JSON.stringify(v)}" which is not a valid ${whole ? 'integer' : 'number'}: ${path}`);
  }
  if (typeof v === 'number' && v < 0) throw new StatesError('States.Runtime', `${field} cannot be negative.`);
  if (typeof v !== 'number') throw new StatesError('States.Runtime', `The ${field} must be a non-negative number, not ${JSON.stringify(v)}`);
  return v;
}

/** A Map's items (read, selected and batched). */
async function mapInputs(run: TaskRunContext, effective: unknown) {
  const { execution, frame, state } = run;
  let items: unknown;
  if (state.ItemReader) {
    if (!execution.ports.readItems) throw new StatesError('States.ItemReaderFailed', 'ItemReader is not available here');
    const params = run.jsonata
      ? await evaluateTemplate(state.ItemReader.Arguments ?? {}, run.jscope, 'ItemReader')
      : execution.template(state.ItemReader.Parameters ?? {}, run.scope);
    const reader = await withMaxItems(run, state.ItemReader);
    try {
      items = await execution.ports.readItems(reader, params, frame.signal);
    } catch (err) {
      if (err instanceof AbortedError) throw err;
      throw new StatesError('States.ItemReaderFailed', asStatesError(err).cause);
    }
  } else if (run.jsonata) {
    items = state.Items !== undefined ? await evaluateTemplate(state.Items, run.jscope, 'Items') : effective;
  } else {
    items = state.ItemsPath !== undefined ? mustRead(state.ItemsPath, run.scope, () => `The ItemsPath '${state.ItemsPath}' selects nothing in the input`) : effective;
  }
  if (!Array.isArray(items)) throw notAnArray(run, items);
  return batch(run, items);
}

/**
 * A Map's items that are not a list. With JSONata, AWS's wording and an EvaluationFailed event
 * (naming Items when an expression gave them), then MapStateFailed.
 */
function notAnArray(run: TaskRunContext, items: unknown): StatesError {
  if (!run.jsonata || run.state.ItemReader) return new StatesError(run.jsonata ? 'States.QueryEvaluationError' : 'States.Runtime', `The Map state's items must be a JSON array, not ${JSON.stringify(items)?.slice(0, 200)}`);
  const kind = items === null ? 'null' : typeof items;
  return isJsonataExpression(run.state.Items)
    ? new QueryEvaluationError(`The JSONata expression '${jsonataSource(run.state.Items)}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${kind}' for value: ${JSON.stringify(items)}`, { location: 'Items' })
    : new QueryEvaluationError(`Map state input must be an array but was: ${JSON.stringify(items)}`);
}

/** Map: `effective` is the state input after InputPath; `selectorInput` the Parameters-free input (unused in JSONPath). */
export async function runMap(run: TaskRunContext, effective: unknown, _args: unknown): Promise<unknown> {
  const { execution, frame, state } = run;
  const processor = state.ItemProcessor ?? state.Iterator;
  if (!processor) throw new StatesError('States.Runtime', `The Map state '${run.name}' has no ItemProcessor`);
  // (a legacy Iterator with ProcessorConfig DISTRIBUTED runs distributed too, as on AWS)
  const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
  // (a redrive runs the Map's last map run again, under its ARN, also one in a child execution
  // that goes on from where it stopped; a retry's attempt within the redrive starts a map run of
  // its own, as outside one)
  const earlier = distributed && execution.resume && run.attempt === 0 ? execution.ports.earlierMapRun?.(run.exitKey, frame.owner) : undefined;
  const mapRun = !distributed ? undefined : earlier ? mapRunIdentity(execution.identity.stateMachineArn, state.Label ?? run.name, earlier.id) : mapRunOf(run);
  const maxConcurrency = (await numberField(run, 'MaxConcurrency')) ?? 0;
  let list: unknown[] = [];
  // The order of AWS's histories: a Map reads its items before MapStateStarted (which counts
  // them), its tolerated failures after, then a distributed one starts its map run; one with an
  // ItemReader starts (length 0) and reads its items once the map run has started.
  const readLater = mapRun !== undefined && state.ItemReader !== undefined;
  if (!readLater) {
    try {
      list = await mapInputs(run, effective);
    } catch (err) {
      // Evaluated before the Map started: EvaluationFailed, then MapStateFailed (AWS's histories).
      if (err instanceof QueryEvaluationError) err.followedBy = 'MapStateFailed';
      throw err;
    }
  }
  frame.history?.emit('MapStateStarted', { mapStateStartedEventDetails: { length: readLater ? 0 : list.length } }, frame.chain, retryMark(run));
  let toleratedPct = await numberField(run, 'ToleratedFailurePercentage');
  let toleratedCount = await numberField(run, 'ToleratedFailureCount');
  // (a redriven map run: MapRunRedriven, as AWS records it)
  const redriven = earlier !== undefined && earlier.redriveCount > 0;
  if (mapRun && redriven) frame.history?.emit('MapRunRedriven', { mapRunRedrivenEventDetails: { mapRunArn: mapRun.mapRunArn, redriveCount: earlier.redriveCount } }, frame.chain);
  else if (mapRun) frame.history?.emit('MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: mapRun.mapRunArn } }, frame.chain);
  // (a stop while it runs records MapRunAborted)
  const runningRun = mapRun ? execution.running.mark(frame.history, frame.chain, 'MapRunAborted') : undefined;
  // (its start as first recorded: a replay after a restart runs it again under the same ARN; a
  // distributed Map inside a child execution is a map run of that child when the child is
  // recorded, else it is not counted and its children are not recorded)
  const counted = mapRun !== undefined && frame.history !== undefined && (frame.history === execution.history || frame.owner !== undefined);
  const startDate = !counted ? 0 : (earlier?.startDate ?? execution.ports.memo?.(`maprun-start:${mapRun.mapRunArn}`, () => execution.ports.clock.now()) ?? execution.ports.clock.now());
  const { ProcessorConfig: _config, ...childDefinition } = processor;
  const progress = counted
    ? new MapRunProgress(mapRun, frame.owner ?? execution.identity.executionArn, startDate, { maxConcurrency, toleratedFailurePercentage: toleratedPct, toleratedFailureCount: toleratedCount }, {
        label: state.Label ?? run.name,
        processor: JSON.stringify(childDefinition),
        key: run.exitKey,
        executionRedrive: execution.resume?.redriveCount ?? 0,
        // (its date is the execution's redrive's, also in a replay after a restart)
        ...(redriven ? { redrive: { count: earlier.redriveCount, date: execution.resume!.redriveDate } } : {}),
      })
    : undefined;
  let tolerant = toleratedPct !== undefined || toleratedCount !== undefined;
  // (a distributed Map without MaxConcurrency runs up to 10,000 children at once, as AWS documents)
  const widthOf = (n: number) => (distributed && n === 0 ? DISTRIBUTED_DEFAULT_CONCURRENCY : n);
  let width = widthOf(maxConcurrency);
  let widen: (() => void) | undefined;
  // UpdateMapRun: from now on (children running stay running when the width shrinks)
  progress?.onUpdate((changes) => {
    if (changes.toleratedFailurePercentage !== undefined) toleratedPct = changes.toleratedFailurePercentage;
    if (changes.toleratedFailureCount !== undefined) toleratedCount = changes.toleratedFailureCount;
    tolerant = toleratedPct !== undefined || toleratedCount !== undefined;
    if (changes.maxConcurrency !== undefined) width = widthOf(changes.maxConcurrency);
    widen?.();
  });
  if (progress) execution.ports.mapRunStarted?.(progress);
  const ended = (status: 'SUCCEEDED' | 'FAILED' | 'ABORTED', written: boolean) => {
    execution.running.ended(runningRun);
    if (!progress) return;
    progress.ended(status, execution.ports.clock.now(), written);
    execution.ports.mapRunEnded?.(progress);
  };
  if (readLater) {
    try {
      list = await mapInputs(run, effective);
    } catch (err) {
      ended(frame.signal.aborted || err instanceof AbortedError ? 'ABORTED' : 'FAILED', false);
      throw mapRunFailed(run, err);
    }
  }
  // (a batch of the ItemBatcher is one child of its items)
  const itemsOf = (child: unknown) => (state.ItemBatcher ? ((child as { Items?: unknown[] }).Items?.length ?? 0) : 1);
  const itemsPerChild = list.map(itemsOf);
  const itemTotal = itemsPerChild.reduce((n, k) => n + k, 0);
  progress?.planned(itemsPerChild);
  // An inline Map's iterations record into the execution's history; a distributed Map's children each into their own.
  const iterations = distributed ? undefined : frame.history;
  const writer = distributed ? state.ResultWriter : undefined;
  const children: MapRunChild[] = [];
  let writing = false;
  // Each iteration's events chain from its MapIterationStarted, which follows MapStateStarted.
  const started = frame.chain?.last;
  const controller = execution.controllerFor(frame.signal);
  let failures = 0;
  const selector = state.ItemSelector ?? state.Parameters;
  try {
    const out = await pool(list, () => width, async (value, index) => {
      if (controller.signal.aborted) throw new AbortedError();
      // (a redrive passes over an inline Map's iterations that had ended, recording nothing)
      const finished = !distributed && frame.exits ? finishedLevel(frame.exits, `${run.exitKey}[${index}]`, processor.StartAt) : undefined;
      if (finished) return finished.output;
      const mapItem = { Index: index, Value: value };
      let input = value;
      if (selector !== undefined) {
        // (the Map state's own context: its RetryCount when the Map is being retried)
        const context = { ...(run.scope.context as Record<string, unknown>), Map: { Item: mapItem } };
        input = run.jsonata
          ? await evaluateTemplate(selector, { states: { input: run.jscope.states.input, context }, variables: frame.variables }, 'ItemSelector')
          : execution.template(selector, { ...run.scope, context });
      }
      const name = mapRun ? childName(mapRun.id, index) : '';
      // (a redriven map run's child that had succeeded is not run again: its output stands; one
      // that had not goes on from where it stopped, its history going on after ExecutionRedriven)
      const before = earlier?.child(name);
      const kept = before?.status === 'SUCCEEDED' ? before : undefined;
      if (kept) {
        progress?.childStarted(itemsOf(value));
        progress?.childEnded(itemsOf(value), 'succeeded');
        if (writer) children.push({ index, name, input, status: 'SUCCEEDED', output: kept.output, startDate: new Date(kept.startDate).toISOString(), stopDate: new Date(kept.stopDate).toISOString() });
        return kept.output;
      }
      // (a child has a history of its own even when it is not recorded: what its states check and
      // say, e.g. an event id in an error's cause, is then the same in a replay that records nothing)
      const redrive = earlier && before?.events.length ? { events: historyBeforeRedrive(before.events, earlier.redriveCount), redriveCount: earlier.redriveCount, redriveDate: execution.resume!.redriveDate } : undefined;
      const childRun = mapRun ? startChild(run, counted ? mapRun : undefined, { index, name, input, items: itemsOf(value) }, redrive) : undefined;
      const chain = childRun ? { last: childRun.started } : started === undefined ? undefined : { last: started };
      // (a recorded child's own distributed Maps are map runs of that child)
      const owner = childRun?.recorded ? `${mapRun!.executionArnPrefix}:${name}` : undefined;
      const itemFrame = execution.childFrame(frame, processor, { key: `${run.key}[${index}]`, exit: `${run.exitKey}[${index}]` }, controller.signal, { mapItem, history: childRun ? childRun.history : iterations, chain, ...(distributed ? { owner, exits: redrive ? exitsOf(redrive.events) : undefined } : {}) });
      iterations?.emit('MapIterationStarted', { mapIterationStartedEventDetails: { name: run.name, index } }, chain);
      // (a redriven child keeps its start)
      const startDate = new Date(redrive && before ? before.startDate : execution.ports.clock.now()).toISOString();
      const child = (rest: Pick<MapRunChild, 'status' | 'output' | 'error' | 'cause'>) =>
        children.push({ index, name, input, startDate, stopDate: new Date(execution.ports.clock.now()).toISOString(), ...(redrive ? { redriveCount: redrive.redriveCount } : {}), ...rest });
      progress?.childStarted(itemsOf(value));
      try {
        const r = await execution.runStates(itemFrame, input);
        progress?.childEnded(itemsOf(value), 'succeeded');
        childRun?.end({ status: 'SUCCEEDED', output: r });
        iterations?.emit('MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: run.name, index } }, chain);
        if (writer) child({ status: 'SUCCEEDED', output: r });
        return r;
      } catch (err) {
        const aborted = err instanceof AbortedError || frame.signal.aborted;
        progress?.childEnded(itemsOf(value), aborted ? 'aborted' : 'failed');
        childRun?.end(aborted ? { status: 'ABORTED', error: '', cause: '' } : { status: 'FAILED', ...errorOf(err) });
        if (frame.signal.aborted) throw new AbortedError();
        iterations?.emit(err instanceof AbortedError ? 'MapIterationAborted' : 'MapIterationFailed', { [err instanceof AbortedError ? 'mapIterationAbortedEventDetails' : 'mapIterationFailedEventDetails']: { name: run.name, index } }, chain);
        if (err instanceof AbortedError) throw err;
        const e = asStatesError(err);
        if (writer) child({ status: 'FAILED', error: e.error, cause: e.cause });
        if (tolerant) {
          // (the thresholds count items: a failed batch of the ItemBatcher is all of its items)
          failures += itemsOf(value);
          const overCount = toleratedCount !== undefined && failures > toleratedCount;
          const overPct = toleratedPct !== undefined && (failures / itemTotal) * 100 > toleratedPct;
          const over = toleratedCount !== undefined && toleratedPct !== undefined ? overCount && overPct : overCount || overPct;
          if (!over) return { Error: e.error, Cause: e.cause };
          controller.abort();
          throw new StatesError('States.ExceedToleratedFailureThreshold', `The number of failed items (${failures}) exceeds the tolerated failure threshold of the Map state '${run.name}'`);
        }
        controller.abort();
        throw e;
      }
    }, (w) => (widen = w));
    writing = true;
    const written = writer && mapRun ? await writeResults(run, writer, mapRun, children, out) : undefined;
    if (mapRun) frame.history?.emit('MapRunSucceeded', undefined, frame.chain);
    frame.history?.emit('MapStateSucceeded', undefined, frame.chain);
    ended('SUCCEEDED', writer?.Resource !== undefined);
    return written ?? out;
  } catch (err) {
    if (frame.signal.aborted) {
      ended('ABORTED', false);
      throw new AbortedError();
    }
    // A failed map run still exports what its children did (the Map's own error is what counts).
    const exported = writer?.Resource !== undefined && mapRun && !writing ? await writeResults(run, writer, mapRun, children, []).then(() => true, () => false) : false;
    ended('FAILED', exported);
    if (mapRun) throw mapRunFailed(run, err);
    throw failing(firstReal(err), 'MapStateFailed');
  } finally {
    controller.abort();
  }
}

/**
 * A distributed Map's child workflow execution: a history of its own, from ExecutionStarted (its
 * input) to ExecutionSucceeded, ExecutionFailed or ExecutionAborted, kept by the service when it
 * records the child (`mapRun`: the run of a counted Map), else only counted.
 */
function startChild(run: TaskRunContext, mapRun: MapRunIdentity | undefined, child: { index: number; name: string; input: unknown; items: number }, redrive?: ChildRedrive) {
  const sink = mapRun ? run.execution.ports.mapRunChild?.(mapRun, child, redrive) : undefined;
  const history = new History(sink?.emit);
  if (redrive) history.last = redrive.events.length;
  const started = redrive
    ? history.emit('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: redrive.redriveCount } })
    : history.emit('ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(child.input), inputDetails: { truncated: false }, roleArn: run.execution.identity.roleArn } });
  let ended = false;
  const end = (outcome: ChildEnd) => {
    if (ended) return;
    ended = true;
    if (outcome.status === 'SUCCEEDED') history.emit('ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(outcome.output) ?? 'null', outputDetails: { truncated: false } } });
    else if (outcome.status === 'FAILED') history.emit('ExecutionFailed', { executionFailedEventDetails: { ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.cause ? { cause: outcome.cause } : {}) } });
    else history.emit('ExecutionAborted', { executionAbortedEventDetails: {} });
    sink?.ended(outcome);
  };
  return { history, started, end, recorded: sink !== undefined };
}

function errorOf(err: unknown): { error: string; cause: string } {
  const e = asStatesError(err);
  return { error: e.error, cause: e.cause };
}

/** A distributed Map's run that failed: MapRunFailed now, MapStateFailed once the error leaves the state. */
function mapRunFailed(run: TaskRunContext, err: unknown): unknown {
  if (run.frame.signal.aborted || err instanceof AbortedError) return new AbortedError();
  const e = firstReal(err);
  run.frame.history?.emit('MapRunFailed', { mapRunFailedEventDetails: { error: e.error, cause: e.cause } }, run.frame.chain);
  return failing(e, 'MapStateFailed');
}

/** ReaderConfig.MaxItemsPath (JSONPath) or a JSONata MaxItems resolved to a number in ReaderConfig.MaxItems. */
async function withMaxItems(run: TaskRunContext, reader: NonNullable<StateDef['ItemReader']>): Promise<NonNullable<StateDef['ItemReader']>> {
  const config = reader.ReaderConfig ?? {};
  let max: unknown = config.MaxItems;
  if (typeof config.MaxItemsPath === 'string') {
    const path = config.MaxItemsPath;
    max = mustRead(path, run.scope, () => `The MaxItemsPath '${path}' selects nothing in the input`);
  } else if (run.jsonata && typeof max === 'string') max = await evaluateTemplate(max, run.jscope, 'MaxItems');
  else return reader;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw new StatesError('States.Runtime', `The ItemReader's MaxItems must be a non-negative integer, not ${JSON.stringify(max)}`);
  const { MaxItemsPath: _p, ...rest } = config;
  return { ...reader, ReaderConfig: { ...rest, MaxItems: max } };
}

/** The map run's ARNs as AWS writes them (`mapRun:<machine>/<Map state>:<id>`), its id fixed across restarts. */
function mapRunOf(run: TaskRunContext): MapRunIdentity {
  const { execution } = run;
  const make = () => execution.ports.uuid?.() ?? randomUUID();
  const id = execution.ports.memo ? execution.ports.memo(`maprun:${run.key}`, make) : make();
  // (AWS names a map run after the Map's Label, else its state name)
  return mapRunIdentity(execution.identity.stateMachineArn, run.state.Label ?? run.name, id);
}

/**
 * ResultWriter: with a Resource the results go to S3 through the `writeResults` port and the Map's
 * result is `{ MapRunArn, ResultWriterDetails }`; WriterConfig alone transforms the result in place.
 */
async function writeResults(run: TaskRunContext, writer: NonNullable<StateDef['ResultWriter']>, mapRun: MapRunIdentity, children: MapRunChild[], out: unknown[]): Promise<unknown> {
  const { execution } = run;
  const report = { ...mapRun, children: [...children].sort((a, b) => a.index - b.index) };
  if (writer.Resource === undefined) return transformResults(writer.WriterConfig?.Transformation ?? 'COMPACT', report, out);
  if (!execution.ports.writeResults) throw new StatesError('States.ResultWriterFailed', 'ResultWriter is not available here');
  const params = run.jsonata ? await evaluateTemplate(writer.Arguments ?? {}, run.jscope, 'ResultWriter') : execution.template(writer.Parameters ?? {}, run.scope);
  try {
    const details = await execution.ports.writeResults(writer, params, report, run.frame.signal);
    return { MapRunArn: mapRun.mapRunArn, ResultWriterDetails: details };
  } catch (err) {
    if (err instanceof AbortedError) throw err;
    throw new StatesError('States.ResultWriterFailed', asStatesError(err).cause);
  }
}

/** ItemBatcher: items grouped as `{ Items: [...], BatchInput }`. */
async function batch(run: TaskRunContext, items: unknown[]): Promise<unknown[]> {
  const b = run.state.ItemBatcher;
  if (!b) return items;
  const maxItems = b.MaxItemsPerBatchPath !== undefined ? Number(mustRead(b.MaxItemsPerBatchPath, run.scope, () => 'MaxItemsPerBatchPath selects nothing')) : b.MaxItemsPerBatch;
  const maxBytes = b.MaxInputBytesPerBatchPath !== undefined ? Number(mustRead(b.MaxInputBytesPerBatchPath, run.scope, () => 'MaxInputBytesPerBatchPath selects nothing')) : b.MaxInputBytesPerBatch ?? 256 * 1024;
  const batchInput = b.BatchInput === undefined ? undefined : run.jsonata ? await evaluateTemplate(b.BatchInput, run.jscope, 'BatchInput') : run.execution.template(b.BatchInput, run.scope);
  const out: unknown[] = [];
  let current: unknown[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length) out.push(batchInput === undefined ? { Items: current } : { BatchInput: batchInput, Items: current });
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (current.length && ((maxItems && current.length >= maxItems) || bytes + size > maxBytes)) flush();
    current.push(item);
    bytes += size;
  }
  flush();
  return out;
}

export type { StateDef };
