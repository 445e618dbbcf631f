/** DescribeExecution's answer, for an execution or a distributed Map's child execution. */

/** What it is made of (dates in milliseconds). */
export interface DescribedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** `extra`: the fields of its kind (a child's mapRunArn) and its redrive members (redriveStatus; redriveCount, 0 when not given). */
export function executionDescription(e: DescribedExecution, extra: { readonly redriveStatus: string; readonly mapRunArn?: string } & Record<string, unknown>): Record<string, unknown> {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate / 1000,
    stopDate: e.stopDate === undefined ? undefined : e.stopDate / 1000,
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error ? { error: e.error } : {}),
    ...(e.cause ? { cause: e.cause } : {}),
    redriveCount: 0,
    ...extra,
  };
}
