/**
 * The values of every `resourceRequirements` list in a RegisterJobDefinition or SubmitJob request
 * (container properties and overrides, node ranges, ECS task containers), checked when the request
 * is made, as the API reference documents them (M:ResourceRequirement.value): a positive number of
 * vCPUs, a whole number of MiB of at least 4, a whole number of GPUs. An unreadable value used to
 * be accepted and leave the job RUNNABLE for ever at the head of its queue.
 */
import { ClientException } from '../../edge/errors';

const TYPES = ['GPU', 'VCPU', 'MEMORY'];

function problem(type: string, raw: string): string | undefined {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (type === 'VCPU') return n > 0 ? undefined : 'a positive number of vCPUs (e.g. "1", or "0.25" on Fargate)';
  if (type === 'MEMORY') return Number.isInteger(n) && n >= 4 ? undefined : 'a whole number of MiB of at least 4 (e.g. "2048")';
  return Number.isInteger(n) && n >= 0 ? undefined : 'a whole number of GPUs';
}

function checkList(list: unknown, path: string): void {
  if (!Array.isArray(list)) return;
  list.forEach((r: unknown, i) => {
    if (typeof r !== 'object' || r === null) return;
    const { type, value } = r as { type?: unknown; value?: unknown };
    if (typeof type !== 'string' || !TYPES.includes(type)) throw new ClientException(`${path}[${i}].type must be one of ${TYPES.join(', ')}, not ${JSON.stringify(type)}`);
    if (typeof value !== 'string') throw new ClientException(`${path}[${i}].value is required (the amount of ${type}, as a string)`);
    const want = problem(type, value);
    if (want) throw new ClientException(`${path}[${i}].value ${JSON.stringify(value.slice(0, 40))} is not a valid ${type} value: give ${want}`);
  });
}

/** Throws a ClientException for the first resource requirement with an unknown type or an unreadable value, anywhere in `input`. */
export function checkResourceValues(input: unknown, path = ''): void {
  if (Array.isArray(input)) {
    input.forEach((v, i) => checkResourceValues(v, `${path}[${i}]`));
    return;
  }
  if (typeof input !== 'object' || input === null) return;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const at = path ? `${path}.${k}` : k;
    if (k === 'resourceRequirements') checkList(v, at);
    else if (typeof v === 'object' && v !== null) checkResourceValues(v, at);
  }
}
