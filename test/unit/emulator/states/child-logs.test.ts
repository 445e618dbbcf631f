/**
 * A map run's log of ended child executions (child-logs.ts) in a real temporary folder: lines read
 * back by their place before and after they are written out, a log opened fresh empties the old
 * one even when no line comes, and a torn last line from a crash is left out.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileChildLogs } from '../../../../src/emulator/states/child-logs';

const ARN = 'arn:aws:states:us-east-1:123456789012:mapRun:m/M:1';

describe('map run child logs (files)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-child-logs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each line back by its place, buffered or written, and after a reopen', () => {
    const log = fileChildLogs(dir).open(ARN, true);
    const a = log.append('{"a":"é"}');
    const b = log.append('{"b":2}');
    assert.equal(log.read(b), '{"b":2}', 'read while still buffered');
    // Enough lines to be written out in chunks (256 KiB) while appending.
    const many = Array.from({ length: 3000 }, (_, i) => log.append(JSON.stringify({ i, pad: 'x'.repeat(100) })));
    assert.equal(log.read(a), '{"a":"é"}');
    assert.equal(JSON.parse(log.read(many[2999])).i, 2999);
    log.sync();
    const again = fileChildLogs(dir).open(ARN, false);
    const lines = again.lines();
    assert.equal(lines.length, 3002);
    assert.deepEqual(lines[0], { line: '{"a":"é"}', place: a });
    assert.equal(again.read(many[1500]), lines[1502].line);
  });

  it('a log opened fresh empties the old one at sync even with no line; a torn last line is left out', () => {
    const first = fileChildLogs(dir).open(ARN, true);
    first.append('{"old":1}');
    first.sync();
    const [file] = readdirSync(path.join(dir, 'states-maprun'));
    appendFileSync(path.join(dir, 'states-maprun', file), '{"torn":');
    assert.deepEqual(fileChildLogs(dir).open(ARN, false).lines().map((l) => l.line), ['{"old":1}']);
    fileChildLogs(dir).open(ARN, true).sync();
    assert.deepEqual(fileChildLogs(dir).open(ARN, false).lines(), []);
  });

  it('a log appended to again after a crash tore its last line starts its next line on a line of its own', () => {
    const first = fileChildLogs(dir).open(ARN, true);
    first.append('{"kept":1}');
    first.sync();
    const [file] = readdirSync(path.join(dir, 'states-maprun'));
    appendFileSync(path.join(dir, 'states-maprun', file), '{"torn":');
    const again = fileChildLogs(dir).open(ARN, false);
    const place = again.append('{"added":2}');
    again.sync();
    assert.equal(again.read(place), '{"added":2}');
    assert.deepEqual(fileChildLogs(dir).open(ARN, false).lines().map((l) => l.line), ['{"kept":1}', '{"torn":', '{"added":2}']);
  });

  it('lines that cannot be written stay readable; a later sync writes them all, at the places given', () => {
    // The log's folder cannot be made while a file holds its name.
    writeFileSync(path.join(dir, 'states-maprun'), 'in the way');
    const log = fileChildLogs(dir).open(ARN, true);
    const places = Array.from({ length: 3000 }, (_, i) => log.append(JSON.stringify({ i, pad: 'x'.repeat(100) })));
    assert.equal(JSON.parse(log.read(places[2500])).i, 2500);
    assert.throws(() => log.sync());
    rmSync(path.join(dir, 'states-maprun'));
    log.sync();
    const lines = fileChildLogs(dir).open(ARN, false).lines();
    assert.equal(lines.length, 3000);
    assert.deepEqual(lines[2999].place, places[2999]);
    assert.equal(JSON.parse(lines[1234].line).i, 1234);
  });
});
