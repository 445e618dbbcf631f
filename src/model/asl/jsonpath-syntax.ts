/**
 * The syntax of the JSONPath that Step Functions accepts in paths (InputPath, ItemsPath, `.$` fields,
 * Choice `Variable`, ...) and reference paths (ResultPath: no wildcards, filters, slices or unions),
 * checked before a run: `$` (the state input), `$$` (the context object) or `$name` (a variable),
 * then `.name`, `..name`, `.*`, `[n]`, `['name']`, `[*]`, `[a:b]`, `[a,b]`, `[?(...)]`, and at
 * the end of a path (not a reference path) one of the functions Step Functions' JSONPath (Jayway's)
 * has, such as `.length()`. Pure.
 */

/** The functions a path may end with (`$.items.length()`): Jayway JsonPath's that take no argument. */
export const JSONPATH_FUNCTIONS: ReadonlySet<string> = new Set(['length', 'size', 'min', 'max', 'avg', 'sum', 'stddev', 'keys', 'first', 'last']);

/** What is wrong with a path, or undefined when it is well formed. */
export function jsonPathProblem(path: string, kind: 'path' | 'reference'): string | undefined {
  const head = /^\$(\$|[A-Za-z_][A-Za-z0-9_]*)?/.exec(path);
  if (!head) return `a path starts with '$' (the input), '$$' (the context object) or '$name' (a variable)`;
  let i = head[0].length;
  const reference = kind === 'reference';
  const notInReference = (what: string) => `a reference path (ResultPath) cannot hold ${what}; name one node with '.name', ['name'] or [index]`;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') {
        if (reference) return notInReference("'..' (recursive descent)");
        i += 2;
      } else i += 1;
      if (path[i] === '*') {
        if (reference) return notInReference("'*'");
        i++;
        continue;
      }
      if (path[i] === '[' && path[i - 1] === '.' && path[i - 2] === '.') continue; // $..['a']
      const name = /^[^.[\]\s()'"]+/.exec(path.slice(i));
      if (!name) return `a name is expected after '.' at position ${i + 1}`;
      i += name[0].length;
      if (path[i] === '(') {
        if (!JSONPATH_FUNCTIONS.has(name[0])) return `'${name[0]}()' is not a JSONPath function: ${[...JSONPATH_FUNCTIONS].map((f) => `${f}()`).join(', ')}`;
        if (path.slice(i) !== '()') return `a function ('.${name[0]}()', no arguments) must end the path`;
        if (reference) return notInReference('a function');
        return undefined;
      }
      continue;
    }
    if (c === '[') {
      const end = bracketEnd(path, i);
      if (end < 0) return `the '[' at position ${i + 1} is not closed`;
      const inner = path.slice(i + 1, end).trim();
      const problem = bracketProblem(inner, reference);
      if (problem) return problem;
      i = end + 1;
      continue;
    }
    return `unexpected '${c}' at position ${i + 1}: segments are '.name' or '[...]'`;
  }
  return undefined;
}

/** Where the bracket opened at `start` closes (quotes and parentheses respected), or -1. */
function bracketEnd(path: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < path.length; i++) {
    const ch = path[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') {
      depth--;
      if (depth === 0) return ch === ']' ? i : -1;
    }
  }
  return -1;
}

function bracketProblem(inner: string, reference: boolean): string | undefined {
  if (/^'(?:[^'\\]|\\.)*'$/.test(inner) || /^"(?:[^"\\]|\\.)*"$/.test(inner) || /^-?\d+$/.test(inner)) return undefined;
  const what = /^\*$/.test(inner) ? "'[*]'" : inner.startsWith('?(') || inner.startsWith('(') ? 'a filter or script' : /:/.test(inner) ? 'a slice' : /,/.test(inner) ? 'a union' : undefined;
  if (what === undefined) return `'[${inner}]' is not a JSONPath subscript: use an index, a quoted name, '*', a slice, a union or a filter '?(...)'`;
  if (reference) return `a reference path (ResultPath) cannot hold ${what}; name one node with '.name', ['name'] or [index]`;
  if (what === 'a slice' && !/^-?\d*\s*:\s*-?\d*(\s*:\s*-?\d+)?$/.test(inner)) return `'[${inner}]' is not a slice: write [start:end] or [start:end:step]`;
  if (what === 'a union' && !inner.split(',').every((p) => /^\s*(-?\d+|'[^']*'|"[^"]*")\s*$/.test(p))) return `'[${inner}]' is not a union: list indexes or quoted names, separated by commas`;
  if (what === 'a filter or script' && !inner.endsWith(')')) return `'[${inner}]' is not a filter: write [?(@.name == value)]`;
  return undefined;
}
