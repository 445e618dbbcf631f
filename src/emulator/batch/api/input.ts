/**
 * Checks of request members against the service model's types, so a wrong type is a
 * ClientException naming the member instead of an internal error deeper in the engine.
 */
import { ClientException } from '../../edge/errors';

export type Input = Record<string, unknown>;

/** The handler's input as an object (the server passes the parsed JSON body). */
export function asInput(input: unknown): Input {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ClientException('The request body must be a JSON object');
  return input as Input;
}

export function requiredString(input: Input, name: string): string {
  const v = input[name];
  if (typeof v !== 'string' || v.length === 0) throw new ClientException(`${name} is required and must be a non-empty string`);
  return v;
}

export function optionalString(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ClientException(`${name} must be a string`);
  return v;
}

export function optionalInteger(input: Input, name: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ClientException(`${name} must be an integer`);
  return v;
}

export function stringList(input: Input, name: string, max: number, required = false): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw new ClientException(`${name} is required`);
    return undefined;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ClientException(`${name} must be a list of strings`);
  if (v.length > max) throw new ClientException(`${name} can have at most ${max} entries, not ${v.length}`);
  return v as string[];
}

export function optionalObject(input: Input, name: string): Input | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ClientException(`${name} must be an object`);
  return v as Input;
}

export function optionalList(input: Input, name: string): unknown[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ClientException(`${name} must be a list`);
  return v;
}

export function oneOf<T extends string>(input: Input, name: string, values: readonly T[]): T | undefined {
  const v = optionalString(input, name);
  if (v !== undefined && !values.includes(v as T)) throw new ClientException(`${name} must be one of ${values.join(', ')}, not ${v}`);
  return v as T | undefined;
}

/** Request members that are lists or objects in the model must not arrive as other JSON types. */
export function checkShapes(input: Input, lists: readonly string[], objects: readonly string[]): void {
  for (const n of lists) optionalList(input, n);
  for (const n of objects) optionalObject(input, n);
}
