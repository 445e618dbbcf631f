/**
 * The event-driven pipeline in a real VS Code with real Docker: a rule on "Batch Job State Change"
 * FAILED with an SNS topic target (made through the emulator's EventBridge and SNS APIs, as a user's
 * `aws events put-rule` would), a job that exits 1, and the SNS message reaching the editor as a
 * notification whose Show Logs opens the job's log; the Local view's Buckets, Rules and schedules and
 * Topics groups show the bucket (an object opens read-only), the rule with its delivery and the
 * topic with the message.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { TEST_IMAGE } from '../support/docker';
import { emulatorClientConfig } from './support/emulator-jobs';
import { extensionSession, type Session } from './support/session';
import { expandRow, startEmulatorInLocalView, viewPane, waitForNotification, waitForRows, type TreeRow } from './support/tree';
import { waitFor } from './support/wait';

/** The rows directly beneath the level-1 row labelled `label`. */
function under(rows: TreeRow[], label: string, level = 1): TreeRow[] {
  const i = rows.findIndex((r) => r.level === level && r.label === label);
  if (i < 0) return [];
  const out: TreeRow[] = [];
  for (const r of rows.slice(i + 1)) {
    if (r.level <= level) break;
    if (r.level === level + 1) out.push(r);
  }
  return out;
}

describe('LocalBatch pipelines: SNS notifications and the Local view\'s buckets, rules and topics (e2e)', function () {
  this.timeout(300_000);
  let session: Session | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'pipeline', docker: true });
    writeFileSync(path.join(session.workspace, 'boom.jobdef.json'), JSON.stringify({
      jobDefinitionName: 'boom',
      type: 'container',
      containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', 'echo about to fail; exit 1'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
    }, null, 2));
    writeFileSync(path.join(session.workspace, 'oops.workflow.yaml'), 'jobs:\n  boom:\n    jobDefinition: boom\n');
  });

  after(async () => {
    await session?.dispose();
  });

  it('a job that fails under a rule with an SNS target shows the notification; its Show Logs opens the job\'s log', async () => {
    const wb = await session!.workbench();
    await startEmulatorInLocalView(wb);

    // The pipeline, made through the emulator's own AWS APIs (what aws s3 mb / sns create-topic / events put-rule do).
    const config = await emulatorClientConfig(session!.workspace);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const sns = new SNSClient(config);
    const events = new EventBridgeClient(config);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
      await s3.send(new PutObjectCommand({ Bucket: 'results', Key: 'out/summary.txt', Body: 'rows: 42\n', ContentType: 'text/plain' }));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'job-failures' }));
      await events.send(new PutRuleCommand({ Name: 'job-failed', EventPattern: JSON.stringify({ source: ['aws.batch'], 'detail-type': ['Batch Job State Change'], detail: { status: ['FAILED'] } }) }));
      await events.send(new PutTargetsCommand({ Rule: 'job-failed', Targets: [{ Id: 'notify', Arn: TopicArn! }] }));
    } finally {
      s3.destroy();
      sns.destroy();
      events.destroy();
    }

    await wb.openFile('oops.workflow.yaml');
    await wb.runCommand('LocalBatch: Run Workflow Locally');
    const text = await waitForNotification(wb, /LocalBatch SNS job-failures: job boom FAILED/, 120_000);
    console.log(`      notification: ${text}`);
    assert.match(text, /job boom FAILED \(exit 1: Essential container in task exited\)/);
    console.log(`      screenshot: ${await wb.screenshot('pipeline-sns-notification')}`);

    // This toast's own Show Logs (the run's failure notice has one too): the job's log in a terminal.
    const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: 'LocalBatch SNS job-failures' }).first();
    await toast.getByRole('button', { name: 'Show Logs' }).click();
    const tabs = wb.page.locator('.terminal-tabs-entry, .single-terminal-tab');
    await waitFor(async () => (await tabs.allInnerTexts()).some((t) => /Logs: boom/.test(t)), { timeoutMs: 30_000, what: 'the terminal with boom\'s log' });
    const selected = viewPane(wb, 'Local').locator('.pane-body .monaco-list-row.selected .label-name');
    await waitFor(async () => (await selected.textContent())?.trim() === 'boom', { timeoutMs: 15_000, what: 'boom selected in the Local view' });
  });

  it('the Local view shows the bucket (an object opens read-only), the rule with its delivery and the topic with the message', async () => {
    const wb = await session!.workbench();
    const pane = viewPane(wb, 'Local');
    const expand = (label: string, level: number) => expandRow(wb, 'Local', label, level);
    for (const group of ['Buckets', 'Rules and schedules', 'Topics']) await expand(group, 1);
    await expand('results', 2);
    await expand('job-failures', 2);
    await expand('job-failed', 2);
    const rows = await waitForRows(wb, 'Local', (r) => {
      const topic = under(r, 'job-failures', 2);
      const rule = under(r, 'job-failed', 2);
      return under(r, 'results', 2).some((x) => x.label === 'out/') && topic.some((x) => /job boom FAILED/.test(x.label)) && rule.some((x) => /^delivered /.test(x.label)) && r;
    }, 'the bucket\'s folder, the rule\'s delivery and the topic\'s message', 30_000);
    for (const r of rows) console.log(`      ${'  '.repeat(r.level)}${r.label} | ${r.description}`);
    assert.deepEqual(under(rows, 'Buckets').map((r) => r.label), ['results']);
    assert.deepEqual(under(rows, 'Topics').map((r) => r.label), ['job-failures']);
    const rule = under(rows, 'Rules and schedules').find((r) => r.label === 'job-failed');
    assert.ok(rule, 'the rule is listed');
    assert.match(rule.description, /on matching events · last delivered \d\d:\d\d:\d\d/);
    assert.ok(under(rows, 'job-failed', 2).some((r) => r.label === '→ topic job-failures'), 'the rule\'s SNS target');
    console.log(`      screenshot: ${await wb.screenshot('pipeline-local-view')}`);

    // A text object opens read-only from the view (a virtual document, not a file in the workspace).
    await expand('out/', 3);
    const object = pane.locator('.pane-body .monaco-list-row[aria-level="4"]', { hasText: 'summary.txt' }).first();
    await object.waitFor({ state: 'visible', timeout: 15_000 });
    await object.click();
    const editor = wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await waitFor(async () => (await editor.innerText()).replace(/\u00a0/g, ' ').includes('rows: 42'), { timeoutMs: 15_000, what: 'the object in an editor' });
    const tab = (await wb.page.locator('.editor-group-container.active .tab.active').first().getAttribute('aria-label')) ?? '';
    console.log(`      editor tab: ${tab}`);
    assert.match(tab, /summary\.txt/);
    console.log(`      screenshot: ${await wb.screenshot('pipeline-object-open')}`);
  });

  it('the Local view\'s Refresh re-reads what is expanded: objects put and deleted since, a new bucket; expanded rows stay expanded', async () => {
    const wb = await session!.workbench();
    const pane = viewPane(wb, 'Local');
    const s3 = new S3Client({ ...(await emulatorClientConfig(session!.workspace)), forcePathStyle: true });
    const refresh = async () => {
      await pane.locator('.pane-header').hover();
      await pane.locator('.pane-header .actions').getByRole('button', { name: 'Refresh', exact: true }).click();
    };
    const shown = (r: TreeRow[]) => ({ buckets: under(r, 'Buckets').map((x) => x.label), results: under(r, 'results', 2).map((x) => x.label), out: under(r, 'out/', 3).map((x) => x.label) });
    try {
      // The previous test left Buckets, results and out/ expanded. Nothing below shows what S3 did
      // since until the Refresh: the view does not watch the bucket.
      await s3.send(new PutObjectCommand({ Bucket: 'results', Key: 'out/later.txt', Body: 'later\n' }));
      await s3.send(new PutObjectCommand({ Bucket: 'results', Key: 'top.txt', Body: 'top\n' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'more-results' }));
      await refresh();
      let rows = await waitForRows(wb, 'Local', (r) => shown(r).out.includes('later.txt') && shown(r).buckets.includes('more-results') && r, 'the new object, in its folder, and the new bucket', 30_000);
      console.log(`      after Refresh: ${JSON.stringify(shown(rows))}`);
      assert.deepEqual(shown(rows), { buckets: ['more-results', 'results'], results: ['out/', 'top.txt'], out: ['later.txt', 'summary.txt'] });
      console.log(`      screenshot: ${await wb.screenshot('pipeline-refresh')}`);

      // The buckets unchanged: the expanded bucket is still listed again.
      await s3.send(new DeleteObjectCommand({ Bucket: 'results', Key: 'top.txt' }));
      await refresh();
      rows = await waitForRows(wb, 'Local', (r) => !shown(r).results.includes('top.txt') && r, 'the deleted object gone', 30_000);
      assert.deepEqual(shown(rows), { buckets: ['more-results', 'results'], results: ['out/'], out: ['later.txt', 'summary.txt'] });
    } finally {
      s3.destroy();
    }
  });
});
