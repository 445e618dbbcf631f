/** Which workspace (nearest localbatch.yaml, or the one listing a template) each file belongs to. */
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../src/model/diagnostics';
import { listedTemplates, uniqueDiagnostics, workspaceGroups } from '../../../src/model/workspace-groups';

const shape = (groups: ReturnType<typeof workspaceGroups>) => groups.map((g) => `${g.settings ?? '(none)'}: ${g.files.join(' ')}`);

describe('workspace groups (unit)', () => {
  it('keeps every file together when there is at most one localbatch.yaml above them', () => {
    assert.deepEqual(shape(workspaceGroups(['/r/a.jobdef.yaml', '/r/x/b.workflow.yaml'])), ['(none): /r/a.jobdef.yaml /r/x/b.workflow.yaml']);
    assert.deepEqual(shape(workspaceGroups(['/r/localbatch.yaml', '/r/a.jobdef.yaml', '/r/x/b.workflow.yaml'])), ['/r/localbatch.yaml: /r/localbatch.yaml /r/a.jobdef.yaml /r/x/b.workflow.yaml']);
    assert.deepEqual(workspaceGroups([]), []);
  });

  it('puts each file with the nearest localbatch.yaml above it, nested ones included', () => {
    const groups = workspaceGroups([
      '/repo/localbatch.yaml', '/repo/top.jobdef.yaml',
      '/repo/svc/a/localbatch.yaml', '/repo/svc/a/jobs/worker.jobdef.yaml',
      '/repo/svc/ab/worker.jobdef.yaml', // not under svc/a: a name that starts with it is another folder
      '/repo/svc/b/localbatch.yml', '/repo/svc/b/worker.jobdef.yaml',
    ]);
    assert.deepEqual(shape(groups), [
      '/repo/localbatch.yaml: /repo/localbatch.yaml /repo/top.jobdef.yaml /repo/svc/ab/worker.jobdef.yaml',
      '/repo/svc/a/localbatch.yaml: /repo/svc/a/localbatch.yaml /repo/svc/a/jobs/worker.jobdef.yaml',
      '/repo/svc/b/localbatch.yml: /repo/svc/b/localbatch.yml /repo/svc/b/worker.jobdef.yaml',
    ]);
  });

  it('takes localbatch.yml as localbatch.yaml, one workspace per folder when a folder has both', () => {
    assert.deepEqual(workspaceGroups(['/r/a/localbatch.yml', '/r/a/x.jobdef.yaml', '/r/b/localbatch.yaml', '/r/b/y.jobdef.yaml']).map((g) => `${g.folder}: ${g.files.join(' ')}`),
      ['/r/a: /r/a/localbatch.yml /r/a/x.jobdef.yaml', '/r/b: /r/b/localbatch.yaml /r/b/y.jobdef.yaml']);
    const both = workspaceGroups(['/r/localbatch.yml', '/r/localbatch.yaml', '/r/x.jobdef.yaml']);
    assert.deepEqual(both.map((g) => `${g.folder} ${g.settings}: ${g.files.join(' ')}`), ['/r /r/localbatch.yaml: /r/localbatch.yml /r/localbatch.yaml /r/x.jobdef.yaml']);
    assert.deepEqual(workspaceGroups(['localbatch.yml', 'x.jobdef.yaml']).map((g) => `'${g.folder}' ${g.settings}`), ["'' localbatch.yml"]);
    // localbatch.yaml is the folder's settings file whichever comes first, in either path form
    for (const files of [['/r/localbatch.yaml', '/r/localbatch.yml'], ['localbatch.yml', 'localbatch.yaml'], ['localbatch.yaml', 'localbatch.yml']]) {
      assert.deepEqual(workspaceGroups(files).map((g) => g.settings), [files.find((f) => f.endsWith('.yaml'))], files.join(' '));
    }
  });

  it('gives files no localbatch.yaml governs a group of their own', () => {
    const groups = workspaceGroups(['/r/a/localbatch.yaml', '/r/a/x.jobdef.yaml', '/r/loose.jobdef.yaml']);
    assert.deepEqual(shape(groups), ['/r/a/localbatch.yaml: /r/a/localbatch.yaml /r/a/x.jobdef.yaml', '(none): /r/loose.jobdef.yaml']);
  });

  it('puts a listed template with each localbatch.yaml that lists it, wherever it is', () => {
    const listed = new Map([['/r/a/localbatch.yaml', ['/r/infra/cdk.out/S.template.json']], ['/r/b/localbatch.yaml', ['/r/infra/cdk.out/S.template.json', '/r/b/t.json']]]);
    const groups = workspaceGroups(['/r/a/localbatch.yaml', '/r/b/localbatch.yaml', '/r/b/t.json', '/r/infra/cdk.out/S.template.json'], listed);
    assert.deepEqual(shape(groups), [
      '/r/a/localbatch.yaml: /r/a/localbatch.yaml /r/infra/cdk.out/S.template.json',
      '/r/b/localbatch.yaml: /r/b/localbatch.yaml /r/b/t.json /r/infra/cdk.out/S.template.json',
    ]);
  });

  it('puts a template listed twice (or by two settings files of one folder) in the group once', () => {
    const listed = new Map([['/r/a/localbatch.yaml', ['/r/t.json', '/r/t.json']], ['/r/a/localbatch.yml', ['/r/t.json']]]);
    const groups = workspaceGroups(['/r/a/localbatch.yaml', '/r/a/localbatch.yml', '/r/t.json'], listed);
    assert.deepEqual(shape(groups), ['/r/a/localbatch.yaml: /r/a/localbatch.yaml /r/a/localbatch.yml /r/t.json']);
  });

  it('reports a problem two groups found in a file they share once', () => {
    const d = (file: string, message: string, line = 0): Diagnostic => ({ file, message, severity: 'error', rule: 'r', range: { start: { line, column: 0 }, end: { line, column: 1 } } });
    const merged = uniqueDiagnostics([[d('t.json', 'bad'), d('a.yaml', 'x')], [d('t.json', 'bad'), d('t.json', 'bad', 3), d('t.json', 'other')]]);
    assert.deepEqual(merged.map((x) => `${x.file}:${x.range.start.line} ${x.message}`), ['t.json:0 bad', 'a.yaml:0 x', 't.json:3 bad', 't.json:0 other']);
  });

  it('reads paths relative to one folder (the editor\'s)', () => {
    const groups = workspaceGroups(['localbatch.yaml', 'a.jobdef.yaml', 'sub/localbatch.yaml', 'sub/b.jobdef.yaml']);
    assert.deepEqual(shape(groups), ['localbatch.yaml: localbatch.yaml a.jobdef.yaml', 'sub/localbatch.yaml: sub/localbatch.yaml sub/b.jobdef.yaml']);
  });

  it('reads the templates a localbatch.yaml lists in the form of its own path', () => {
    const settings = { templates: ['cdk.out/S.template.json', '../infra/./t.yaml', '/abs/t.json', 7, ''] };
    // (in the editor's relative form, an absolute path or one leading out of the folder names no file of it)
    assert.deepEqual(listedTemplates('svc/a/localbatch.yaml', settings), ['svc/a/cdk.out/S.template.json', 'svc/infra/t.yaml']);
    assert.deepEqual(listedTemplates('localbatch.yaml', { templates: ['../shared/t.json', 'x/../../t.json', 'x/../t.json'] }), ['t.json']);
    assert.deepEqual(listedTemplates('/r/localbatch.yaml', settings), ['/r/cdk.out/S.template.json', '/infra/t.yaml', '/abs/t.json']);
    assert.deepEqual(listedTemplates('localbatch.yaml', { templates: ['t.json'] }), ['t.json']);
    assert.deepEqual(listedTemplates('localbatch.yaml', {}), []);
  });
});
