/** How deeply a JSON or YAML text nests, estimated before parsing so a hostile file is refused cheaply. */

/**
 * An upper estimate of a document's nesting, in one pass: open brackets outside quoted strings,
 * plus the depth of the stack of YAML block levels. Each block indicator at the start of a line
 * (`- `, `? `, `: `) opens a level of its own, so `- - - x` counts three levels, not one. A quote
 * opens a string only where a scalar can start (so `it's` in a plain scalar hides nothing), and a
 * YAML comment is skipped.
 */
export function estimateNesting(text: string): number {
  let max = 0;
  let flow = 0;
  let quote = 0;
  const indents: number[] = [];
  let lineStart = true;
  let column = 0;
  /** The last non-blank character outside strings on this line (0 at the start of a line). */
  let last = 0;
  const push = (col: number): void => {
    while (indents.length > 0 && indents[indents.length - 1] >= col) indents.pop();
    indents.push(col);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lineStart = true;
      column = 0;
      last = 0;
      if (quote === 39) quote = 0; // a single-quoted YAML scalar rarely spans lines; don't let one hide the rest
      continue;
    }
    if (lineStart && quote === 0) {
      if (c === 32 || c === 9) {
        column++;
        continue;
      }
      if ((c === 45 || c === 63 || c === 58) && isBlankOrEnd(text.charCodeAt(i + 1))) {
        push(column);
        column++;
        if (indents.length + flow > max) max = indents.length + flow;
        continue;
      }
      lineStart = false;
      push(column);
    }
    if (quote !== 0) {
      if (c === 92 && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 35 && (last === 0 || isBlankOrEnd(text.charCodeAt(i - 1)))) {
      // A comment (in JSON `#` only occurs inside strings, which never get here).
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10 && text.charCodeAt(i + 1) !== 13) i++;
      continue;
    }
    if ((c === 34 || c === 39) && (last === 0 || SCALAR_START.has(last))) quote = c;
    else if (c === 91 || c === 123) flow++;
    else if ((c === 93 || c === 125) && flow > 0) flow--;
    if (c !== 32 && c !== 9) last = c;
    if (flow + indents.length > max) max = flow + indents.length;
  }
  return max;
}

/** Characters after which a quote starts a string: `:` `,` `[` `{` `-` `?` (and a line's start). */
const SCALAR_START = new Set([58, 44, 91, 123, 45, 63]);

function isBlankOrEnd(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13;
}
