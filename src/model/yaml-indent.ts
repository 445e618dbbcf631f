/**
 * Finds a misindented mapping key in YAML text that did not parse, so the syntax error can point at
 * that key and say which column it should start at (`yaml` itself reports such mistakes as
 * "Nested mappings are not allowed in compact mappings" or "All mapping items must start at the
 * same column", often at another line). A plain indentation walk over block mappings and
 * sequences; flow collections, block scalars and multi-line strings are skipped. Pure.
 */

export interface MisindentedKey {
  /** Offset of the key's first character. */
  readonly offset: number;
  readonly key: string;
  /** One-based columns. */
  readonly column: number;
  /** The columns it could start at, each with a key above that starts there (nearest first). */
  readonly expected: ReadonlyArray<{ readonly column: number; readonly key?: string }>;
}

const KEY_LINE = /^( *)(- +)?(["']?)([A-Za-z0-9_.$/-]+)\3 *:(?: +(.*))?$/;

export function findMisindentedKey(text: string): MisindentedKey | undefined {
  // Levels: the column at which the keys of each open block mapping start, innermost last, with the last key seen there.
  const levels: Level[] = [{ indent: 0 }];
  let opens: number | undefined; // the indent of the last key whose value is a block on the next lines
  let scalarAbove: number | undefined; // block scalar (| or >) content: lines indented deeper than this
  let offset = 0;
  for (const raw of text.split('\n')) {
    const lineStart = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (scalarAbove !== undefined) {
      if (indent > scalarAbove) continue;
      scalarAbove = undefined;
    }
    if (trimmed === '---' || trimmed.startsWith('%')) return undefined; // several documents, directives: leave it to yaml
    const m = KEY_LINE.exec(line);
    if (!m) {
      // A sequence item holding a scalar, or a continuation line: no key to check.
      if (trimmed.startsWith('- ') || trimmed === '-') {
        if (opens !== undefined && indent >= opens) levels.push({ indent });
        else void popTo(levels, indent);
      }
      opens = undefined;
      continue;
    }
    const dash = m[2];
    const key = m[4];
    const value = (m[5] ?? '').replace(/ #.*$/, '').trim();
    let keyIndent = indent;
    if (dash) {
      // `- key: v`: a sequence item at `indent` starting a mapping at the key's column.
      if (opens !== undefined && indent >= opens) levels.push({ indent });
      else {
        const off = popTo(levels, indent);
        if (off !== undefined) return misindented(lineStart + indent, key, indent, levels, off);
      }
      keyIndent = indent + dash.length;
      levels.push({ indent: keyIndent, key });
    } else if (opens !== undefined && indent > opens) {
      levels.push({ indent, key });
    } else {
      const off = popTo(levels, indent);
      if (off !== undefined) return misindented(lineStart + indent, key, indent, levels, off);
      levels[levels.length - 1].key = key;
    }
    opens = value === '' ? keyIndent : undefined;
    if (/^[|>][-+0-9]*$/.test(value)) scalarAbove = keyIndent;
    if (/^[[{]/.test(value) && !balanced(value)) return undefined; // a flow collection over several lines
  }
  return undefined;
}

type Level = { indent: number; key?: string };

/**
 * Closes levels deeper than `indent`; undefined when an open level starts at exactly that column,
 * else the innermost level it closed (the one just right of the key), or null.
 */
function popTo(levels: Level[], indent: number): Level | null | undefined {
  let closed: Level | null = null;
  while (levels.length > 1 && levels[levels.length - 1].indent > indent) closed = levels.pop() ?? null;
  return levels[levels.length - 1].indent === indent ? undefined : closed;
}

function misindented(offset: number, key: string, indent: number, levels: readonly Level[], right: Level | null): MisindentedKey {
  const left = levels[levels.length - 1];
  const keyed = [left, ...(right ? [right] : [])].filter((l) => l.key !== undefined);
  const expected = (keyed.length > 0 ? keyed : [left])
    .sort((a, b) => Math.abs(a.indent - indent) - Math.abs(b.indent - indent) || b.indent - a.indent)
    .map((l) => ({ column: l.indent + 1, ...(l.key !== undefined ? { key: l.key } : {}) }));
  return { offset, key, column: indent + 1, expected };
}

function balanced(value: string): boolean {
  let depth = 0;
  for (const c of value) {
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth <= 0;
}
