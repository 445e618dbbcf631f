/**
 * Editing in the real workbench: one diagnostic per mistake in JSON (no second copy from VS Code's
 * JSON schema validation), one clean hover, and quick fixes that apply a suggested name (in a workflow
 * and in a state machine file).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireRealVsCode, resultsPath } from './support/env';
import { Session } from './support/session';
import { extensionVsix } from './support/vsix';
import { waitFor } from './support/wait';
import { notificationTexts, waitForNotification } from './support/tree';
import type { Locator } from 'playwright-core';
import type { Workbench } from './support/workbench';

/** Problems rows that are markers of one file (the rows after its "N problems in file X" header). */
async function markersOf(wb: Workbench, file: string): Promise<string[]> {
  const out: string[] = [];
  let current: string | undefined;
  for (const r of await wb.problems()) {
    const header = /problems? in file (\S+)/.exec(r);
    if (header) current = header[1];
    else if (current === file) out.push(r);
  }
  return out;
}

/**
 * Clicks the misspelt value, opens the quick fixes (Ctrl+.) and applies the one whose label
 * matches, with the keyboard (the menu's pointer block swallows clicks). `shot` names a screenshot
 * of the open menu.
 */
async function applyQuickFix(wb: Workbench, value: Locator, label: RegExp, shot?: string): Promise<void> {
  await value.click();
  const fix = wb.page.locator('.action-widget .monaco-list-row', { hasText: label }).first();
  await waitFor(async () => {
    if (!(await fix.isVisible())) await wb.page.keyboard.press('Control+.');
    return fix.isVisible();
  }, { timeoutMs: 20_000, intervalMs: 1000, what: 'the quick fix menu' });
  if (shot) await wb.screenshot(shot);
  await waitFor(async () => {
    if (/\bfocused\b/.test((await fix.getAttribute('class')) ?? '')) return true;
    await wb.page.keyboard.press('ArrowDown');
    return false;
  }, { timeoutMs: 10_000, intervalMs: 300, what: 'the quick fix focused' });
  await wb.page.keyboard.press('Enter');
}

/** The first editor's text, with non-breaking spaces as spaces. */
async function editorText(wb: Workbench): Promise<string> {
  return ((await wb.page.locator('.monaco-editor .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
}

describe('editing in the workbench (e2e)', function () {
  this.timeout(240_000);
  let session: Session | undefined;

  before(async function () {
    requireRealVsCode(this);
    session = await Session.start({ name: 'editing', fixture: 'editing', vsix: [extensionVsix()] });
    const wb = await session.workbench();
    await wb.answerTrustDialog('trust');
    await wb.waitForExtensionsActivated();
  });

  after(async () => {
    await session?.dispose();
  });

  it('shows the LocalBatch activity-bar icon', async () => {
    const wb = await session!.workbench();
    await wb.openViewContainer('LocalBatch');
    const icon = wb.activityBarItem('LocalBatch');
    const file = resultsPath('editing-activity-bar-icon.png');
    await icon.screenshot({ path: file });
    console.log(`      screenshots: ${file}, ${await wb.screenshot('activity-bar')}`);
    // The container's icon is our SVG (an icon from a URI, drawn as a CSS mask), not a codicon placeholder.
    const cls = (await icon.locator('.action-label').first().getAttribute('class')) ?? '';
    console.log(`      activity-bar icon classes: ${cls}`);
    assert.match(cls, /uri-icon/);
  });

  it('a misspelt key in a JSON job definition gives exactly one problem, and a JSON syntax error one too', async () => {
    const wb = await session!.workbench();
    // control.json has a trailing comma: once VS Code's JSON language reports it, it has run on the files opened before it.
    await wb.openFile('typo.jobdef.json');
    await wb.openFile('syntax.jobdef.json');
    await wb.openFile('control.json');
    const rows = await wb.waitForProblem(/control\.json|Trailing comma/i, 60_000);
    const typo = await waitFor(async () => {
      const m = await markersOf(wb, 'typo.jobdef.json');
      return m.length > 0 && m;
    }, { timeoutMs: 30_000, intervalMs: 1000, what: 'the problem in typo.jobdef.json' });
    await wb.screenshot('one-problem');
    console.log(`      problems: ${JSON.stringify(rows)}`);
    assert.equal(typo.length, 1, `one problem for the typo: ${JSON.stringify(typo)}`);
    assert.match(typo[0], /Unknown property "jobDefinitionNam".*did you mean "jobDefinitionName"/);
    const syntax = await markersOf(wb, 'syntax.jobdef.json');
    assert.equal(syntax.length, 1, `one problem for the missing comma: ${JSON.stringify(syntax)}`);
  });

  it('hovering a key shows one hover, as clean Markdown', async () => {
    const wb = await session!.workbench();
    await wb.openFile('typo.jobdef.json');
    // The file may already be open in a tab that Quick Open did not bring forward: pick its tab.
    const tab = wb.page.locator('.tabs-container .tab', { hasText: 'typo.jobdef.json' }).first();
    if (await tab.isVisible()) await tab.click();
    await wb.screenshot('hover-opened');
    // The token of the key (inner span), whether or not the tokenizer split off its quotes.
    const key = wb.page.locator('.monaco-editor .view-line span span', { hasText: /^"?retryStrategy"?$/ }).first();
    // On a loaded machine the editor may show the line before its tokens (one span per key) exist.
    await waitFor(async () => (await key.isVisible()) || undefined, { timeoutMs: 45_000, intervalMs: 500, what: 'the retryStrategy key in the editor' });
    const hover = wb.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
    const text = await waitFor(async () => {
      // Leave and re-enter the key, so each attempt starts a new hover.
      await wb.page.mouse.move(700, 700);
      await key.hover();
      const t = await hover.first().textContent({ timeout: 2000 }).catch(() => null);
      return t !== null && /retry strategy/i.test(t) ? t : undefined;
    }, { timeoutMs: 45_000, intervalMs: 500, what: 'the hover on retryStrategy' });
    await wb.screenshot('hover');
    console.log(`      hover: ${text.slice(0, 200)}…`);
    assert.equal((text.match(/The retry strategy to use/g) ?? []).length, 1, `the documentation once: ${text}`);
    assert.doesNotMatch(text, /\[SubmitJob\]/);
    assert.match(text, /SubmitJob operation/);
  });

  it('"did you mean \'preprocess\'?" comes with a quick fix that replaces the value', async () => {
    const wb = await session!.workbench();
    await wb.openFile('pipeline.workflow.yaml');
    await waitFor(async () => (await markersOf(wb, 'pipeline.workflow.yaml')).some((r) => /did you mean 'preprocess'/.test(r)),
      { timeoutMs: 30_000, intervalMs: 1000, what: "the did-you-mean problem" });
    // Put the cursor on the misspelt value and apply the suggested name.
    await applyQuickFix(wb, wb.page.locator('.monaco-editor .view-line span', { hasText: /^preproces$/ }).first(), /Change to "preprocess"/, 'quick-fix-menu');
    await waitFor(async () => /- job: preprocess\b/.test(await editorText(wb)) && !(await markersOf(wb, 'pipeline.workflow.yaml')).some((r) => /preproces\b/.test(r)),
      { timeoutMs: 30_000, intervalMs: 1000, what: 'the fixed value and its problem gone' });
    await wb.screenshot('quick-fix-applied');
  });

  it('a misspelt JobDefinition in a state machine file is one problem, with a quick fix', async () => {
    const wb = await session!.workbench();
    // The Problems list draws only the rows in view: take away the files whose problems the tests
    // above looked at, so this file's rows are the ones shown.
    for (const f of ['typo.jobdef.json', 'syntax.jobdef.json', 'control.json']) rmSync(path.join(session!.workspace, f), { force: true });
    await wb.openFile('typo.asl.json');
    const rows = await waitFor(async () => {
      const m = await markersOf(wb, 'typo.asl.json');
      return m.length > 0 && m;
    }, { timeoutMs: 45_000, intervalMs: 1000, what: 'the problem in typo.asl.json' });
    await wb.screenshot('asl-one-problem');
    assert.equal(rows.length, 1, `one problem for the misspelt job definition: ${JSON.stringify(rows)}`);
    assert.match(rows[0], /job definition 'perp'.*did you mean 'prep'/);
    const value = wb.page.locator('.monaco-editor .view-line span', { hasText: /^"?perp"?$/ }).first();
    await waitFor(async () => (await value.isVisible()) || undefined, { timeoutMs: 30_000, intervalMs: 500, what: 'the misspelt value in the editor' });
    await applyQuickFix(wb, value, /Change to "prep"/);
    await waitFor(async () => /"JobDefinition": "prep"/.test(await editorText(wb)) && (await markersOf(wb, 'typo.asl.json')).length === 0,
      { timeoutMs: 30_000, intervalMs: 1000, what: 'the fixed value and its problem gone' });
    await wb.screenshot('asl-quick-fix-applied');
  });

  it('Run Workflow Locally on an empty or broken workflow file says why it cannot run (no TypeError), as does its graph', async () => {
    const wb = await session!.workbench();
    // (fixtures: zz-empty.workflow.yaml, and zz-broken.workflow.yaml with an unclosed [; named to sort
    // after the files whose problems the other tests read in the Problems view)
    for (const [file, expected] of [['zz-empty.workflow.yaml', /Cannot run workflow zz-empty\.workflow\.yaml: 1 error\(s\) in its definitions\. First: zz-empty\.workflow\.yaml:1: The file is empty/], ['zz-broken.workflow.yaml', /Cannot run workflow zz-broken\.workflow\.yaml: \d+ error\(s\) in its definitions\. First: zz-broken\.workflow\.yaml:/]] as const) {
      await wb.openFile(file);
      await wb.runCommand('LocalBatch: Run Workflow Locally');
      const text = await waitForNotification(wb, expected, 30_000);
      console.log(`      ${file}: ${text.slice(0, 160)}`);
      assert.doesNotMatch((await notificationTexts(wb)).join('\n'), /Cannot read properties|TypeError/);
    }
    await wb.screenshot('run-broken-workflow');
    await wb.runCommand('LocalBatch: Show Dependency Graph');
    // Webviews are nested iframes: the outer host frame, then the content frame.
    const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await waitFor(async () => /holds no workflow yet: it does not parse/.test((await frame.locator('body').textContent().catch(() => '')) ?? ''), { timeoutMs: 30_000, what: "the graph's notice" });
    await wb.screenshot('graph-broken-workflow');
  });

  it('Deploy of a folder holding several workspaces (a localbatch.yaml each) asks which one', async () => {
    const wb = await session!.workbench();
    const jobdef = 'jobDefinitionName: worker\ntype: container\ncontainerProperties:\n  image: busybox\n  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]\n';
    // The folders first: VS Code's file watcher can miss a file written into a folder it has not seen yet.
    for (const w of ['svc-a', 'svc-b']) mkdirSync(path.join(session!.workspace, w));
    await new Promise((r) => setTimeout(r, 1500));
    for (const w of ['svc-a', 'svc-b']) {
      writeFileSync(path.join(session!.workspace, w, 'localbatch.yaml'), 'region: us-east-1\n');
      writeFileSync(path.join(session!.workspace, w, 'worker.jobdef.yaml'), jobdef);
    }
    const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
    let offered: string[] = [];
    // (until the extension's file watcher has seen the new folders, Deploy goes on to its next question: closed again)
    await waitFor(async () => {
      await wb.runCommand('LocalBatch: Deploy to AWS Batch');
      await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
      offered = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      if (offered.some((t) => t.startsWith('svc-a')) && offered.some((t) => t.startsWith('svc-b'))) return true;
      await wb.page.keyboard.press('Escape');
      return false;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'Deploy to ask which workspace' }).catch((err: Error) => { throw new Error(`${err.message}; offered: ${offered.join(' | ')}`); });
    await wb.screenshot('deploy-which-workspace');
    console.log(`      offered: ${offered.join(' | ')}`);
    await wb.page.keyboard.press('Escape');
    assert.ok(offered.some((t) => /^svc-a\s*svc-a\/localbatch\.yaml\s*2 files$/.test(t)), offered.join(' | '));
    assert.ok(offered.some((t) => /^svc-b\s*svc-b\/localbatch\.yaml\s*2 files$/.test(t)), offered.join(' | '));
    assert.ok(offered.some((t) => /^\(the folder itself\)\s*no localbatch\.yaml/.test(t)), offered.join(' | '));
  });
});
