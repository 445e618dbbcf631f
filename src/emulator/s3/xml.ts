/** XML in and out with fast-xml-parser (S3's REST-XML protocol). */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { malformedXml } from './errors';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: true, isArray: () => false });

/** `<Root xmlns=...>…</Root>` from a plain object; arrays become repeated elements. */
export function toXml(root: string, content: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': S3_NS, ...content } }) as string}`;
}

/** Parses a request body; the root element must be `root`. */
export function fromXml(body: Buffer, root: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body.toString('utf8'), true) as Record<string, unknown>;
  } catch {
    throw malformedXml();
  }
  const top = doc[root];
  if (top === undefined) throw malformedXml();
  return top === '' ? {} : (top as Record<string, unknown>);
}

/** A child that may occur once or many times, always as a list. */
export function many<T = unknown>(value: unknown): T[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as T[]) : [value as T];
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
