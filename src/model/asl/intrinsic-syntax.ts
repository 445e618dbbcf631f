/**
 * The syntax of Step Functions' intrinsic functions (`States.Format('{}', $.x)` and the rest) as AWS
 * documents it: one parser for the interpreter (src/emulator/states/core/intrinsics.ts) and for
 * validation, plus each function's number of arguments. Pure.
 */
export type IntrinsicArg = { kind: 'literal'; value: unknown } | { kind: 'path'; path: string } | { kind: 'call'; name: string; args: IntrinsicArg[] };

/** Whether a string value is an intrinsic function call (`States.Format(...)`). */
export function isIntrinsicCall(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\s*\(/.test(text);
}

/** A call that does not parse (the interpreter raises it as States.IntrinsicFailure). */
export class IntrinsicSyntaxError extends Error {}

function fail(message: string): never {
  throw new IntrinsicSyntaxError(message);
}

/** Parses one intrinsic call (nesting allowed, as AWS allows up to 10 levels). */
export function parseIntrinsicCall(text: string): IntrinsicArg {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const parseArg = (depth: number): IntrinsicArg => {
    ws();
    const c = text[i];
    if (c === "'") {
      let out = '';
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          // \' \{ \} \\ keep the escaped character (\{ and \} stay escaped for States.Format).
          const n = text[i + 1];
          out += n === '{' || n === '}' ? '\\' + n : n;
          i += 2;
        } else out += text[i++];
      }
      if (text[i] !== "'") fail(`The intrinsic function has an unterminated string: ${text}`);
      i++;
      return { kind: 'literal', value: out };
    }
    if (c === '$') {
      const start = i;
      let bracket = 0;
      let quote: string | undefined;
      while (i < text.length) {
        const ch = text[i];
        if (quote) {
          if (ch === '\\') i++;
          else if (ch === quote) quote = undefined;
        } else if (ch === "'" || ch === '"') quote = ch;
        else if (ch === '[' || ch === '(') bracket++;
        else if (ch === ']' || (ch === ')' && bracket > 0)) bracket--;
        else if ((ch === ',' || ch === ')') && bracket === 0) break;
        i++;
      }
      return { kind: 'path', path: text.slice(start, i).trim() };
    }
    if (text.startsWith('States.', i)) {
      if (depth >= 10) fail('Intrinsic functions nest at most 10 levels');
      const m = /^States\.([A-Za-z0-9]+)\s*\(/.exec(text.slice(i));
      if (!m) fail(`Invalid intrinsic function call at '${text.slice(i)}'`);
      i += m[0].length;
      const args: IntrinsicArg[] = [];
      ws();
      if (text[i] === ')') i++;
      else {
        for (;;) {
          args.push(parseArg(depth + 1));
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ')') {
            i++;
            break;
          }
          fail(`Invalid intrinsic function call: expected ',' or ')' at position ${i} of ${text}`);
        }
      }
      return { kind: 'call', name: `States.${m[1]}`, args };
    }
    const lit = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!lit) fail(`Invalid argument at position ${i} of ${text}`);
    i += lit[0].length;
    return { kind: 'literal', value: JSON.parse(lit[0]) as unknown };
  };
  const arg = parseArg(0);
  ws();
  if (i !== text.length || arg.kind !== 'call') fail(`Invalid intrinsic function: ${text}`);
  return arg;
}

export const INTRINSIC_ARITY: Record<string, [number, number]> = {
  'States.Format': [1, Infinity],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Infinity],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};
