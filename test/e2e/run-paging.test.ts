/**
 * A run larger than one page in a real VS Code: the Local view lists the whole run (its progress
 * counts every job, not a capped listing), shows RUN_JOBS_PAGE of its jobs and a "Load more…" row
 * saying how many, and Load more shows the rest. The emulator is `localbatch serve --runtime scripted`
 * (no Docker), which the extension attaches to.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { BatchClient, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { RUN_TAGS } from '../../src/model/runs';
import { killServe, startServe, type ServeChild } from '../support/serve-process';
import { extensionSession, type Session } from './support/session';
import { expandView, viewPane, waitForRows, type TreeRow } from './support/tree';
import { waitFor } from './support/wait';

const JOBS = 520;
const PAGE = 500;
const RUN = 'big.workflow.yaml';
const jobName = (i: number) => `job-${String(i).padStart(3, '0')}`;

describe('a run of more jobs than one page in the Local view (e2e)', function () {
  this.timeout(300_000);
  let session: Session | undefined;
  let serve: ServeChild | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'run-paging' });
    const started = await startServe(['--runtime', 'scripted', '--port', '0'], session.workspace, path.join(session.workspace, '.localbatch'));
    serve = started;
    const batch = new BatchClient({ endpoint: started.endpoint.url, region: started.endpoint.region, credentials: started.endpoint.credentials });
    try {
      await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'tiny', type: 'container',
        containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '0.25' }, { type: 'MEMORY', value: '16' }] } }));
      const ids: string[] = [];
      // One after another, so creation order (the run's order for jobs without dependencies) is the index order.
      for (let i = 0; i < JOBS; i++) {
        const tags = { [RUN_TAGS.id]: 'r-big', [RUN_TAGS.name]: RUN, [RUN_TAGS.job]: jobName(i) };
        ids.push((await batch.send(new SubmitJobCommand({ jobName: jobName(i), jobQueue: 'local', jobDefinition: 'tiny', tags }))).jobId!);
      }
      await waitFor(async () => {
        for (let i = 0; i < ids.length; i += 100) {
          const jobs = (await batch.send(new DescribeJobsCommand({ jobs: ids.slice(i, i + 100) }))).jobs ?? [];
          if (!jobs.every((j) => j.status === 'SUCCEEDED')) return false;
        }
        return true;
      }, { timeoutMs: 120_000, intervalMs: 500, what: `${JOBS} jobs to succeed` });
    } finally {
      batch.destroy();
    }
  });

  after(async () => {
    if (serve) await killServe(serve);
    await session?.dispose();
  });

  it(`lists all ${JOBS} jobs in the run's progress, shows ${PAGE} with Load more, then the rest`, async () => {
    const wb = await session!.workbench();
    await wb.answerTrustDialog('trust');
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    const runRow = await waitForRows(wb, 'Local', (rows) => rows.find((r) => r.level === 1 && r.label === RUN), 'the run', 90_000);
    assert.match(runRow.description, new RegExp(`^${JOBS}/${JOBS} · `), 'the run counts every job');

    const pane = viewPane(wb, 'Local');
    const run = pane.locator('.pane-body .monaco-list-row[aria-level="1"]', { has: wb.page.locator('.label-name', { hasText: RUN }) }).first();
    await run.locator('.monaco-tl-twistie').click();
    await waitForRows(wb, 'Local', (rows) => rows.some((r) => r.level === 2 && r.label === jobName(0)), 'the run\'s first job', 30_000);
    // The last row of the tree (the run is the last top-level row): End in the focused tree moves there.
    const lastRow = async (): Promise<TreeRow | undefined> => {
      await pane.locator('.pane-body .monaco-list').first().focus();
      await wb.page.keyboard.press('End');
      const rows = await waitForRows(wb, 'Local', (r) => r.length > 0 && r, 'rows', 10_000);
      // No focused row yet (the tree redrawn after Load more, the End pressed before its rows came):
      // undefined, and the next look presses End again (a textContent waiting its default 30 s for
      // the row would use up the whole wait on one look).
      const focused = await pane.locator('.pane-body .monaco-list-row.focused .label-name').textContent({ timeout: 2_000 }).catch(() => undefined);
      return rows.find((r) => r.label === focused?.trim());
    };
    const more = await waitFor(async () => {
      const r = await lastRow();
      return r?.label === 'Load more…' && r;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the Load more row at the end of the run' });
    await wb.screenshot('run-load-more');
    assert.equal(more.description, `${PAGE} of ${JOBS} jobs shown`);
    const before = await waitForRows(wb, 'Local', (r) => r, 'rows', 10_000);
    const lastShown = before.filter((r) => r.level === 2 && r.label !== 'Load more…').at(-1);
    assert.equal(lastShown?.label, jobName(PAGE - 1), `the first page ends at ${jobName(PAGE - 1)}`);

    await pane.locator('.pane-body .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: 'Load more…' }) }).first().click();
    const end = await waitFor(async () => {
      const r = await lastRow();
      return r?.label === jobName(JOBS - 1) && r;
    }, { timeoutMs: 30_000, intervalMs: 500, what: `the run's last job ${jobName(JOBS - 1)} at the end, no Load more` });
    await wb.screenshot('run-all-jobs');
    assert.equal(end.level, 2);
  });
});
