/**
 * A distributed Map's child workflow executions through the API: found by their ARN
 * (`execution:<machine>/<Map state>:<map run id>:<name>`), listed by their map run, described, their
 * histories paged, and the state machine they run (the Map's ItemProcessor).
 */
import { mapRunOfChild } from '../core/map-results';
import { executionDescription } from './describe-execution';
import type { StateDef, StateMachineDef } from '../core/types';
import type { ChildSummary } from '../map-run-children';
import type { StatesService } from '../service';

const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** The child execution an ARN names, if it is one this emulator keeps. */
export function childExecution(svc: StatesService, executionArn: string): ChildSummary | undefined {
  const mapRunArn = mapRunOfChild(executionArn);
  if (!mapRunArn || !svc.mapRuns.has(mapRunArn)) return undefined;
  return svc.mapRunChildren.get(mapRunArn, executionArn);
}

/** ExecutionListItem of a child (ListExecutions with a mapRunArn). */
export function childListItem(c: ChildSummary): Record<string, unknown> {
  return { executionArn: c.executionArn, stateMachineArn: c.stateMachineArn, name: c.name, status: c.status, startDate: secs(c.startDate), stopDate: secs(c.stopDate), mapRunArn: c.mapRunArn, itemCount: c.itemCount, redriveCount: c.redriveCount ?? 0, redriveDate: secs(c.redriveDate) };
}

/** DescribeExecution of a child: its data read back from its map run's log. */
export function describeChild(svc: StatesService, c: ChildSummary): Record<string, unknown> {
  // (as the ResultWriter exports them: a failed child is redriven by redriving its map run)
  const redriveStatus = c.status === 'SUCCEEDED' || c.status === 'RUNNING' ? 'NOT_REDRIVABLE' : 'REDRIVABLE_BY_MAP_RUN';
  return executionDescription({ ...c, ...svc.mapRunChildren.data(c) }, { mapRunArn: c.mapRunArn, redriveStatus, redriveCount: c.redriveCount ?? 0, ...(c.redriveDate !== undefined ? { redriveDate: c.redriveDate / 1000 } : {}) });
}

/** DescribeStateMachineForExecution of a child: the Map's ItemProcessor, its map run and label. */
export function childStateMachine(svc: StatesService, c: ChildSummary): Record<string, unknown> {
  const run = svc.mapRuns.get(c.mapRunArn);
  const parent = run ? svc.executions.get(run.executionArn) : undefined;
  // `…:stateMachine:<machine>/<label>:<id>` (a run journaled before its label was kept: read from there)
  const tail = c.stateMachineArn.slice(c.stateMachineArn.indexOf(':stateMachine:') + ':stateMachine:'.length, c.stateMachineArn.lastIndexOf(':'));
  const machine = tail.slice(0, tail.indexOf('/'));
  const label = run?.label ?? tail.slice(tail.indexOf('/') + 1);
  return {
    stateMachineArn: c.stateMachineArn,
    name: `${machine}/${label}`,
    definition: run?.processor ?? processorOf(parent?.definition, label),
    roleArn: parent?.roleArn ?? '',
    updateDate: secs(run?.startDate ?? c.startDate),
    mapRunArn: c.mapRunArn,
    label,
  };
}

/** The ItemProcessor of the Map `label` names in a definition (without ProcessorConfig), as JSON; '{}' when not found. */
function processorOf(definition: string | undefined, label: string): string {
  try {
    const found = definition ? findProcessor(JSON.parse(definition) as StateMachineDef, label) : undefined;
    const { ProcessorConfig: _p, ...rest } = (found ?? {}) as StateMachineDef & { ProcessorConfig?: unknown };
    return JSON.stringify(rest);
  } catch {
    return '{}';
  }
}

/** The ItemProcessor of the Map labelled (or else named) `label`, at any depth of the definition. */
function findProcessor(def: StateMachineDef, label: string): StateMachineDef | undefined {
  for (const [stateName, state] of Object.entries(def.States ?? {})) {
    const inner = (state as StateDef).ItemProcessor ?? (state as StateDef).Iterator;
    if ((stateName === label || (state as StateDef).Label === label) && inner) return inner;
    for (const d of [...((state as StateDef).Branches ?? []), ...(inner ? [inner] : [])]) {
      const found = findProcessor(d, label);
      if (found) return found;
    }
  }
  return undefined;
}
