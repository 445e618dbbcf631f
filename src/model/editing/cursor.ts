/**
 * What is under the cursor in a JSON or YAML definition: the JSON path, whether it is a property key,
 * the token a completion replaces, and the keys already present in the enclosing object.
 */
import { findNodeAtLocation, getLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { isMap, isScalar, isSeq, isPair, parseDocument, type Node as YamlNode } from 'yaml';
import type { JsonPath } from '../document';
import type { SourceFormat } from '../kinds';

export interface CursorContext {
  /** Path of the value (or, when `isKey`, of the property whose key is) under the cursor. */
  readonly path: JsonPath;
  readonly isKey: boolean;
  /** Offsets [start, end) of the token under the cursor, which a completion replaces. */
  readonly token?: readonly [number, number];
  /** Whether that token is a quoted JSON string. */
  readonly quoted: boolean;
  /** Keys already set in the object that holds the path's last segment. */
  readonly siblingKeys: readonly string[];
}

export function cursorAt(text: string, format: SourceFormat, offset: number): CursorContext | undefined {
  try {
    return format === 'json' ? jsonCursor(text, offset) : yamlCursor(text, offset);
  } catch {
    return undefined;
  }
}

function jsonCursor(text: string, offset: number): CursorContext {
  const loc = getLocation(text, offset);
  const node = loc.previousNode;
  const within = node && offset >= node.offset && offset <= node.offset + node.length;
  const token = within ? ([node.offset, node.offset + node.length] as const) : undefined;
  const root = parseTree(text);
  const parent = root && findNodeAtLocation(root, loc.path.slice(0, -1));
  const siblingKeys = parent?.type === 'object' ? (parent.children ?? []).map((p) => String(p.children?.[0]?.value)) : [];
  return { path: loc.path, isKey: loc.isAtPropertyKey, token, quoted: within === true && node.type === 'string', siblingKeys };
}

function yamlCursor(text: string, offset: number): CursorContext | undefined {
  const doc = parseDocument(text, { version: '1.2', keepSourceTokens: false });
  const path: Array<string | number> = [];
  let node = doc.contents as YamlNode | null;
  for (;;) {
    if (isMap(node)) {
      const keys = node.items.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
      let next: YamlNode | null | undefined;
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        const name = isScalar(key) ? String(key.value) : String(key);
        const [ks, ke] = key?.range ?? [0, 0];
        if (offset >= ks && offset <= ke) return { path: [...path, name], isKey: true, token: [ks, ke], quoted: false, siblingKeys: keys };
        const value = pair.value as YamlNode | null;
        if (value?.range && offset >= value.range[0] && offset <= value.range[1]) {
          path.push(name);
          next = value;
          break;
        }
        // `key: |` with nothing typed yet: the cursor is on the key's line, after the colon.
        if ((!value || (isScalar(value) && value.value === null)) && offset > ke && !text.slice(ke, offset).includes('\n')) {
          return { path: [...path, name], isKey: false, token: undefined, quoted: false, siblingKeys: keys };
        }
      }
      if (next === undefined) return { path: [...path, ''], isKey: true, token: wordAt(text, offset), quoted: false, siblingKeys: keys };
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => {
        const r = (item as YamlNode | null)?.range;
        return r != null && offset >= r[0] && offset <= r[1];
      });
      if (i < 0) return { path: [...path, node.items.length], isKey: false, token: undefined, quoted: false, siblingKeys: [] };
      path.push(i);
      node = node.items[i] as YamlNode;
    } else {
      const r = node?.range;
      return { path, isKey: false, token: r ? [r[0], r[1]] : undefined, quoted: false, siblingKeys: [] };
    }
  }
}

function wordAt(text: string, offset: number): readonly [number, number] | undefined {
  let s = offset;
  while (s > 0 && /[\w-]/.test(text[s - 1])) s--;
  return s < offset ? [s, offset] : undefined;
}

export type { JsonNode };
