/** The LocalBatch activity-bar container and its views, seen in the real workbench. */
import * as assert from 'node:assert/strict';
import { requireRealVsCode } from './support/env';
import { Session } from './support/session';
import { expandView, waitForRows } from './support/tree';
import { extensionVsix } from './support/vsix';

describe('LocalBatch views in the workbench (e2e)', function () {
  this.timeout(180_000);
  let session: Session | undefined;

  before(async function () {
    requireRealVsCode(this);
    session = await Session.start({ name: 'views', vsix: [extensionVsix()] });
  });

  after(async () => {
    await session?.dispose();
  });

  it('shows the LocalBatch container with the Local, AWS and Definitions views', async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('trust');
    const views = await wb.openViewContainer('LocalBatch');
    await wb.waitForExtensionsActivated();
    const shot = await wb.screenshot('localbatch-views');
    console.log(`      screenshot: ${shot}`);
    for (const title of ['Local', 'AWS', 'Definitions']) {
      assert.ok(views.some((v) => v.toLowerCase() === title.toLowerCase()), `view ${title} in ${JSON.stringify(views)}`);
    }
  });

  it('shows a broken job definition\'s error in Problems at its line', async () => {
    const wb = await session!.workbench();
    await wb.openFile('broken.jobdef.json');
    const rows = await wb.waitForProblem(/localbatch/i);
    await wb.screenshot('problems');
    console.log(`      problems: ${JSON.stringify(rows)}`);
    const ours = rows.filter((r) => /localbatch/i.test(r));
    assert.ok(ours.some((r) => /\bline 12\b/.test(r)), `a localbatch problem on line 12 (retryStrategy.attempts): ${JSON.stringify(ours)}`);
  });

  it('lists the workspace\'s definitions by kind with their problem counts in the Definitions view', async () => {
    const wb = await session!.workbench();
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Definitions');
    const rows = await waitForRows(wb, 'Definitions', (r) => r.some((x) => x.label === 'broken' && /1 error/.test(x.description)) && r,
      'the broken job definition with its error count', 30_000);
    await wb.screenshot('definitions');
    for (const r of rows) console.log(`      ${'  '.repeat(r.level)}${r.label} | ${r.description}`);
    const row = (label: string, file: string) => rows.find((r) => r.label === label && r.description.startsWith(file));
    assert.deepEqual(rows.filter((r) => r.level === 1).map((r) => [r.label, r.description]),
      [['Workflows', '1'], ['Job Definitions', '2 · 1 error']]);
    assert.equal(row('broken', 'broken.jobdef.json')?.description, 'broken.jobdef.json · 1 error');
    assert.equal(row('hello', 'hello.jobdef.json')?.description, 'hello.jobdef.json');
    assert.equal(row('hello', 'hello.workflow.yaml')?.description, 'hello.workflow.yaml');
  });
});
