/**
 * A distributed Map's ItemReader items, as AWS reads them: `arn:aws:states:::s3:getObject` with
 * ReaderConfig.InputType JSON (the object is a JSON array), JSONL (one JSON value a line) or CSV
 * (RFC 4180 quoting; CSVHeaderLocation FIRST_ROW, or GIVEN with CSVHeaders; each row an object of
 * strings; CSVDelimiter COMMA / PIPE / SEMICOLON / SPACE / TAB), and `arn:aws:states:::s3:listObjectsV2`
 * (each object of the listing). ReaderConfig.MaxItems limits the count. Pure: the S3 calls are the
 * caller's.
 */
import { StatesError } from '../core/errors';

export type ReaderConfig = Record<string, unknown>;

const DELIMITERS: Record<string, string> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

/** Items of an object's text after ReaderConfig (InputType, CSV headers, MaxItems). */
export function parseItems(text: string, config: ReaderConfig = {}): unknown[] {
  const type = String(config.InputType ?? 'JSON');
  let items: unknown[];
  if (type === 'JSON') items = parseJsonArray(text);
  else if (type === 'JSONL') items = parseJsonLines(text);
  else if (type === 'CSV') items = parseCsvItems(text, config);
  else throw new StatesError('States.ItemReaderFailed', `localbatch reads ItemReader objects of InputType JSON, JSONL or CSV, not ${type}`);
  return limit(items, config);
}

export function limit<T>(items: T[], config: ReaderConfig = {}): T[] {
  const max = config.MaxItems;
  if (max === undefined || max === 0) return items;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw new StatesError('States.ItemReaderFailed', `ReaderConfig.MaxItems must be a non-negative integer, not ${JSON.stringify(max)}`);
  return items.slice(0, max);
}

function parseJsonArray(text: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new StatesError('States.ItemReaderFailed', `The ItemReader object is not valid JSON (${(err as Error).message}); with InputType JSON it must hold a JSON array`);
  }
  if (!Array.isArray(v)) throw new StatesError('States.ItemReaderFailed', 'The ItemReader object must hold a JSON array for InputType JSON (use JSONL for one value a line)');
  return v;
}

function parseJsonLines(text: string): unknown[] {
  const out: unknown[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        throw new StatesError('States.ItemReaderFailed', `Line ${i + 1} of the ItemReader object is not valid JSON (${(err as Error).message})`);
      }
    });
  return out;
}

function parseCsvItems(text: string, config: ReaderConfig): Array<Record<string, string>> {
  const delimiterName = String(config.CSVDelimiter ?? 'COMMA');
  const delimiter = DELIMITERS[delimiterName];
  if (!delimiter) throw new StatesError('States.ItemReaderFailed', `ReaderConfig.CSVDelimiter must be one of ${Object.keys(DELIMITERS).join(', ')}, not ${delimiterName}`);
  const rows = parseCsv(text.replace(/^\uFEFF/, ''), delimiter);
  const location = String(config.CSVHeaderLocation ?? 'FIRST_ROW');
  let headers: string[];
  if (location === 'GIVEN') {
    if (!Array.isArray(config.CSVHeaders) || config.CSVHeaders.some((h) => typeof h !== 'string')) {
      throw new StatesError('States.ItemReaderFailed', 'ReaderConfig.CSVHeaders must list the column names (strings) when CSVHeaderLocation is GIVEN');
    }
    headers = config.CSVHeaders as string[];
  } else if (location === 'FIRST_ROW') {
    const first = rows.shift();
    if (!first) return [];
    headers = first;
  } else {
    throw new StatesError('States.ItemReaderFailed', `ReaderConfig.CSVHeaderLocation must be FIRST_ROW or GIVEN, not ${location}`);
  }
  return rows.map((row, i) => {
    if (row.length > headers.length) {
      throw new StatesError('States.ItemReaderFailed', `Row ${i + 1} of the CSV has ${row.length} fields but there are ${headers.length} headers`);
    }
    const item: Record<string, string> = {};
    headers.forEach((h, j) => (item[h] = row[j] ?? ''));
    return item;
  });
}

/** RFC 4180 rows: quoted fields may hold the delimiter, newlines and doubled quotes; blank lines are skipped. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let touched = false;
  const endRow = () => {
    if (touched || row.length) {
      row.push(field);
      rows.push(row);
    }
    row = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
      touched = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      touched = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      field += c;
      touched = true;
    }
  }
  if (quoted) throw new StatesError('States.ItemReaderFailed', 'The CSV ends inside a quoted field (a closing " is missing)');
  endRow();
  return rows;
}

/** A ListObjectsV2 entry as the ItemReader gives it to an iteration. */
export function listedItem(o: { Key?: string; Size?: number; ETag?: string; LastModified?: Date | string; StorageClass?: string }): Record<string, unknown> {
  const modified = o.LastModified === undefined ? undefined : Math.floor(new Date(o.LastModified).getTime() / 1000);
  return { Etag: o.ETag, Key: o.Key, LastModified: modified, Size: o.Size, StorageClass: o.StorageClass ?? 'STANDARD' };
}
