/**
 * Step Functions' InvalidArn: an operation given a string that is not an ARN of the kind it takes
 * answers InvalidArn before it looks for the resource (a well-formed ARN of nothing is
 * StateMachineDoesNotExist / ExecutionDoesNotExist). AWS's messages for the two cases seen in its
 * answers are kept word for word: `Invalid Arn: 'Invalid ARN prefix: <arn>'` and
 * `Invalid Arn: 'Resource type not valid in this context: <type>'`. Any other malformed ARN
 * (too few parts, another service) gets this emulator's own wording, saying the form expected.
 */
import { sfnError } from './errors';

/** The resource types in `arn:<partition>:states:<region>:<account>:<type>:...` an operation takes. */
export type ArnKind = 'stateMachine' | 'execution' | 'resource' | 'mapRun';

const TYPES: Readonly<Record<ArnKind, readonly string[]>> = {
  stateMachine: ['stateMachine'],
  execution: ['execution', 'express'],
  resource: ['stateMachine', 'activity'],
  mapRun: ['mapRun'],
};

const FORM: Readonly<Record<ArnKind, string>> = {
  stateMachine: 'arn:aws:states:<region>:<account>:stateMachine:<name>',
  execution: 'arn:aws:states:<region>:<account>:execution:<state machine name>:<execution name>',
  resource: 'arn:aws:states:<region>:<account>:stateMachine:<name> (or an activity ARN)',
  mapRun: 'arn:aws:states:<region>:<account>:mapRun:<state machine name>/<Map state name>:<id>',
};

/** Throws InvalidArn when `arn` is not a Step Functions ARN of `kind`. */
export function checkArn(arn: string, kind: ArnKind): void {
  const invalid = (why: string) => sfnError('InvalidArn', `Invalid Arn: '${why}'`);
  if (!arn.startsWith('arn:')) throw invalid(`Invalid ARN prefix: ${arn}`);
  const parts = arn.split(':');
  if (parts.length < 7 || parts[2] !== 'states' || parts.slice(3).some((p) => p === '')) throw invalid(`${arn} is not a Step Functions ARN of the form ${FORM[kind]}`);
  if (!TYPES[kind].includes(parts[5])) throw invalid(`Resource type not valid in this context: ${parts[5]}`);
}
