/**
 * Red-team corpus (test/fixtures/redteam): realistic valid definitions must give no errors, and each
 * invalid file must give exactly its expected rule(s) at the expected line(s). Each folder is
 * validated as one workspace, as `localbatch validate <folder>` would.
 *
 * Expectations: a YAML file starts with `# expect: <rule> line <n>[ warning]` comment lines; any file
 * may instead have a sibling `<file>.expect.json` holding `{rule, line?, severity?}` or a list of them.
 * Every error of an invalid file must be expected (one mistake, one diagnostic).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../../src/model/diagnostics';
import { validateWorkspace, type DefinitionSource } from '../../../src/model/validation';
import { displayPath, findDefinitionFiles, readDefinitionFile } from '../../../src/node/definition-files';

const ROOT = path.resolve(__dirname, '../../fixtures/redteam');

interface Expected {
  readonly rule: string;
  readonly line?: number;
  readonly severity?: 'error' | 'warning';
}

/** Reads a folder like the CLI does: unreadable / binary files become diagnostics. */
async function load(folder: string): Promise<{ sources: DefinitionSource[]; problems: Diagnostic[] }> {
  const found = await findDefinitionFiles([folder], ROOT);
  const sources: DefinitionSource[] = [];
  const problems: Diagnostic[] = [];
  for (const abs of found.files) {
    const display = displayPath(abs, path.join(ROOT, folder));
    const read = await readDefinitionFile(abs, display);
    if ('problem' in read) problems.push(read.problem);
    else sources.push({ path: display, text: read.text });
  }
  return { sources, problems };
}

function expectationsOf(abs: string): Expected[] {
  const sidecar = `${abs}.expect.json`;
  if (existsSync(sidecar)) {
    const parsed = JSON.parse(readFileSync(sidecar, 'utf8')) as Expected | Expected[];
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  const head = readFileSync(abs, 'utf8').slice(0, 4000);
  return [...head.matchAll(/^# expect: (\S+) line (\d+)( warning)?$/gm)].map((m) => ({ rule: m[1], line: Number(m[2]), severity: m[3] ? 'warning' : 'error' }));
}

function matches(d: Diagnostic, e: Expected): boolean {
  return d.rule === e.rule && (e.line === undefined || d.range.start.line + 1 === e.line) && d.severity === (e.severity ?? 'error');
}

describe('red-team corpus (unit)', () => {
  it('valid: real-world definitions give no errors, and only allowlisted warnings', async () => {
    const { sources, problems } = await load('valid');
    assert.ok(sources.length >= 40, `expected at least 40 valid files, found ${sources.length}`);
    assert.deepEqual(problems.map(formatDiagnostic), []);
    const allowed = JSON.parse(readFileSync(path.join(ROOT, 'valid', 'allowed-warnings.json'), 'utf8')) as Record<string, string[]>;
    const unexpected = validateWorkspace(sources).filter((d) => d.severity === 'error' || !(allowed[d.file] ?? []).includes(d.rule));
    assert.deepEqual(unexpected.map(formatDiagnostic), []);
  });

  it('invalid: each file gives its expected rule at the expected line, and no other error', async () => {
    const { sources, problems } = await load('invalid');
    const diags = [...problems, ...validateWorkspace(sources)];
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diags) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
    const found = await findDefinitionFiles(['invalid'], ROOT);
    const failures: string[] = [];
    let checked = 0;
    for (const abs of found.files) {
      const file = displayPath(abs, path.join(ROOT, 'invalid'));
      const got = byFile.get(file) ?? [];
      const expected = expectationsOf(abs);
      if (file.startsWith('_support/')) {
        if (got.length > 0) failures.push(`${file}: support file has diagnostics: ${got.map(formatDiagnostic).join(' | ')}`);
        continue;
      }
      checked++;
      if (expected.length === 0) failures.push(`${file}: no expectation`);
      for (const e of expected) {
        if (!got.some((d) => matches(d, e))) failures.push(`${file}: expected ${e.rule} at line ${e.line ?? '?'}; got ${got.map(formatDiagnostic).join(' | ') || 'nothing'}`);
      }
      for (const d of got.filter((x) => x.severity === 'error')) {
        if (!expected.some((e) => matches(d, e))) failures.push(`${file}: unexpected ${formatDiagnostic(d)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(checked >= 60, `expected at least 60 invalid files, found ${checked}`);
  });

  it('a file over 5 MiB is reported, not parsed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'redteam-'));
    try {
      const file = path.join(dir, 'huge.jobdef.json');
      writeFileSync(file, `{"jobDefinitionName": "huge", "parameters": {"p": "${'x'.repeat(5 * 1024 * 1024)}"}}`);
      const read = await readDefinitionFile(file, 'huge.jobdef.json');
      assert.ok('problem' in read && read.problem.rule === 'file-too-large');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a YAML merge key brings in the values of its anchor, and their problems point at the merge', () => {
    const text = 'jobs:\n  a: &base\n    jobDefinition: d\n    jobQueue: local\n  b:\n    <<: *base\n    timeout: {attemptDurationSeconds: 5}\n';
    const diags = validateWorkspace([{ path: 'w.workflow.yaml', text }, { path: 'd.jobdef.yaml', text: 'jobDefinitionName: d\ntype: container\ncontainerProperties:\n  image: x\n  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]\n' }]);
    assert.deepEqual(diags.map((d) => `${d.rule}@${d.range.start.line + 1}`), ['timeout-minimum@7']);
    const unknown = validateWorkspace([{ path: 'w.workflow.yaml', text: 'jobs:\n  a: &base\n    jobDefinition: nope\n  b:\n    <<: *base\n' }]);
    assert.deepEqual(unknown.map((d) => `${d.rule}@${d.range.start.line + 1}`), ['unknown-job-definition@3', 'unknown-job-definition@5']);
  });
});
