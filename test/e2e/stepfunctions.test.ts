/**
 * State machines in the real workbench (real Docker): "Run State Machine Locally" on an `.asl.json`
 * whose Task runs a Batch job (`batch:submitJob.sync`) draws the state machine (the Parallel as a group
 * holding its branches, the Choice's rule and Default), colours its states live from the execution's
 * history until they reach SUCCEEDED (read from the rendered SVG's attributes), binds the Task to the
 * Batch job it started (the emulator knows it, SUCCEEDED), and lists the execution in the Local view
 * with its history. "Run with Input…" asks for the execution's input (JSON or @file), refuses text
 * that is not JSON, and offers the last input given again. A Task naming a CDK `fromAsset` job
 * definition (batch-app's committed cdk.out) gets its image built before the run. A state machine
 * declared in that CDK template runs from its code lens and draws its graph. A distributed Map's
 * progress (DescribeMapRun) shows on its group while it runs, and on its execution's row in the Local view.
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { describeJobs, emulatorClientConfig } from './support/emulator-jobs';
import { extensionSession, type Session } from './support/session';
import { expandRow, expandRows, expandView, notificationTexts, treeRows, viewPane, waitForNotification, waitForRows, waitForStatusBar } from './support/tree';
import { runMenuEntry } from './support/context-menu';
import { waitFor } from './support/wait';
import type { Workbench } from './support/workbench';
import Docker from 'dockerode';
import { FIXTURES_DIR } from '../../scripts/synth-cdk-fixtures';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand, StopExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';

function webview(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** `id:STATUS` of every drawn state (boxes and groups), sorted. */
function statuses(frame: FrameLocator): Promise<string> {
  return frame.locator('g.node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-id')}:${e.getAttribute('data-status')}`).sort().join(','));
}

const DONE = [
  '(end):SUCCEEDED', '(start):SUCCEEDED', 'Check:SUCCEEDED', 'Done:SUCCEEDED', 'Fan/branch 1:PLANNED', 'Fan/branch 2:PLANNED', 'Fan:SUCCEEDED',
  'Greet:SUCCEEDED', 'JobFailed:PLANNED', 'Left:SUCCEEDED', 'Prepare:SUCCEEDED', 'Right:SUCCEEDED', 'RightDone:SUCCEEDED',
].join(',');

describe('state machines: run from the editor, live graph and Local view (e2e)', function () {
  this.timeout(300_000);
  let session: Session | undefined;
  /** The execution the Stop test stopped, and its Task's job (terminated). */
  let stopped: { name: string; jobId: string } | undefined;

  before(async function () {
    session = await extensionSession(this, { name: 'stepfunctions', fixture: 'stepfunctions', docker: true });
    // The Task's job waits until the test opens its gate (a file in a folder of the workspace it
    // mounts): the graph is seen with the Task RUNNING however slow the machine is.
    mkdirSync(path.join(session.workspace, 'gate'));
    writeFileSync(path.join(session.workspace, 'gate.jobdef.json'), JSON.stringify({
      jobDefinitionName: 'gate',
      type: 'container',
      containerProperties: {
        image: 'localbatch-busybox:latest',
        command: ['sh', '-c', 'while [ ! -f /gate/open ]; do sleep 0.2; done; echo gate opened'],
        resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }],
        volumes: [{ name: 'gate', host: { sourcePath: path.join(session.workspace, 'gate') } }],
        mountPoints: [{ sourceVolume: 'gate', containerPath: '/gate', readOnly: true }],
      },
    }, null, 2));
    // For "Run with Input…" (written before the window opens: Quick Open's file list is read once).
    writeFileSync(path.join(session.workspace, 'echo.asl.json'), JSON.stringify({ StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }, null, 2));
    writeFileSync(path.join(session.workspace, 'echo-input.json'), '{"from": "a file"}');
    // A distributed Map of 8 items, 2 at a time, each 2 s: its progress shows on the graph while it runs.
    writeFileSync(path.join(session.workspace, 'sweep.asl.json'), JSON.stringify({ StartAt: 'Items', States: {
      Items: { Type: 'Pass', Result: [1, 2, 3, 4, 5, 6, 7, 8], Next: 'Sweep' },
      Sweep: { Type: 'Map', MaxConcurrency: 2, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Wait', Seconds: 2, End: true } } }, End: true },
    } }, null, 2));
    writeFileSync(path.join(session.workspace, 'fails.asl.json'), JSON.stringify({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'the input said so' } } }, null, 2));
    // A CDK app's cdk.out whose asset-job is built from a Dockerfile, and a state machine running it.
    cpSync(path.join(FIXTURES_DIR, 'batch-app', 'cdk.out'), path.join(session.workspace, 'cdk.out'), { recursive: true });
    // A state machine in the template, as CDK writes one (DefinitionString an Fn::Join of JSON pieces
    // and Refs), first among the resources so that its code lens is in sight when the file opens.
    const templateFile = path.join(session.workspace, 'cdk.out', 'BatchStack.template.json');
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, unknown> };
    template.Resources = { AssetFlow: { Type: 'AWS::StepFunctions::StateMachine', Properties: {
      StateMachineName: 'asset-flow',
      RoleArn: 'arn:aws:iam::000000000000:role/asset-flow',
      DefinitionString: { 'Fn::Join': ['', [
        '{"StartAt":"Run Asset Job","States":{"Run Asset Job":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync","Parameters":{"JobName":"from-template","JobQueue":"',
        { Ref: 'Ec2Queue2236D5B0' }, '","JobDefinition":"', { Ref: 'AssetJobBA24C612' }, '"},"End":true}}}',
      ]] },
    } }, ...template.Resources };
    writeFileSync(templateFile, JSON.stringify(template, null, 1));
    writeFileSync(path.join(session.workspace, 'asset.asl.json'), JSON.stringify({ StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'from-editor', JobQueue: 'ec2-queue', JobDefinition: 'asset-job' }, End: true } } }, null, 2));
    const wb = await session.workbench();
    await wb.answerTrustDialog('trust');
  });

  after(async () => {
    await session?.dispose();
    await removeAssetImages();
  });

  it('runs hello.asl.json: the graph colours its states to SUCCEEDED, the Task holds its Batch job, the execution is in the Local view', async () => {
    const wb = await session!.workbench();
    await wb.openFile('hello.asl.json');
    await wb.waitForExtensionsActivated();
    // The file's CodeLens offers the run.
    await wb.page.locator('.contentWidgets .codelens-decoration', { hasText: 'Run State Machine Locally' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.runCommand('LocalBatch: Run State Machine Locally');
    const frame = webview(wb);
    const seen = new Set<string>();
    try {
      // Live: the Task is RUNNING (entered, its job not finished) and the states before it SUCCEEDED.
      await waitFor(async () => {
        const s = await statuses(frame);
        seen.add(s);
        return /Greet:RUNNING/.test(s) && /Prepare:SUCCEEDED/.test(s) && /Done:PLANNED/.test(s);
      }, { timeoutMs: 120_000, intervalMs: 200, what: 'Greet RUNNING' });
      console.log(`      while the job runs: ${[...seen].at(-1)}; screenshot: ${await wb.screenshot('stepfunctions-graph-running')}`);
      writeFileSync(path.join(session!.workspace, 'gate', 'open'), '');
      await waitFor(async () => {
        const s = await statuses(frame);
        seen.add(s);
        return s === DONE;
      }, { timeoutMs: 120_000, intervalMs: 200, what: 'every state on the path SUCCEEDED' });
    } catch (err) {
      console.log(`      last: ${[...seen].at(-1)}; notifications: ${(await notificationTexts(wb)).join(' | ')}; screenshot: ${await wb.screenshot('stepfunctions-run-failed')}`);
      throw err;
    }
    console.log(`      ${seen.size} distinct colourings on the way to SUCCEEDED; screenshot: ${await wb.screenshot('stepfunctions-graph-succeeded')}`);

    // The shape: the Parallel is a group box around its branch groups, which hold their states; the
    // Choice has its rule and its Default as labelled edges.
    const boxes = await frame.locator('g.node').evaluateAll((els) => Object.fromEntries(els.map((e) => {
      const r = e.querySelector('rect.node-box')!.getBoundingClientRect();
      return [e.getAttribute('data-id'), { x: r.x, y: r.y, w: r.width, h: r.height, group: e.classList.contains('group') }];
    })));
    const inside = (inner: string, outer: string) => {
      const a = boxes[inner];
      const b = boxes[outer];
      return a && b && a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w + 0.5 && a.y + a.h <= b.y + b.h + 0.5;
    };
    assert.equal(boxes.Fan?.group, true, 'Fan drawn as a group');
    for (const [inner, outer] of [['Left', 'Fan/branch 1'], ['Right', 'Fan/branch 2'], ['RightDone', 'Fan/branch 2'], ['Fan/branch 1', 'Fan'], ['Fan/branch 2', 'Fan']]) assert.ok(inside(inner, outer), `${inner} inside ${outer}: ${JSON.stringify([boxes[inner], boxes[outer]])}`);
    assert.ok(!inside('Greet', 'Fan'), 'Greet is outside the Parallel');
    const edgeLabels = await frame.locator('g.edge text.edge-label').allTextContents();
    assert.deepEqual(edgeLabels.sort(), ['$.job.Status == "SUCCEEDED"', 'Default']);

    // The Task node is bound to the Batch job it started, which the emulator ran to SUCCEEDED.
    const jobId = await frame.locator('g.node[data-id="Greet"]').getAttribute('data-job-id');
    assert.ok(jobId, 'Greet has a job id');
    const [job] = await describeJobs(session!.workspace, [jobId]);
    assert.deepEqual(job && { name: job.jobName, status: job.status }, { name: 'greet', status: 'SUCCEEDED' });
    // Selecting it offers its logs and details.
    await frame.locator('g.node[data-id="Greet"]').click();
    await frame.locator('#act-logs').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal((await frame.locator('#details-name').textContent()) ?? '', `Greet: SUCCEEDED · Batch job ${jobId}`);
    // Open Definition goes to the state in the file (line 6: "Greet": {).
    await frame.locator('#act-definition').click();
    await waitForStatusBar(wb, /Ln 6, Col \d+/);
    // The legend shows a state machine's statuses and transitions, not Batch's.
    const legend = await frame.locator('#legend li').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => e.textContent ?? ''));
    assert.deepEqual(legend, ['PLANNED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CAUGHT', 'ABORTED', 'Next', 'Choice rule', 'Default', 'Catch']);
    assert.match((await frame.locator('#notice').textContent()) ?? '', /Execution .+: SUCCEEDED/);

    // The Timeline tab: a row per state that ran, in the order they were entered, each with its bar.
    await frame.locator('vscode-tab-header[data-tab="timeline"]').click();
    const timelineRows = () => frame.locator('#timeline g.row').evaluateAll((els) => els.map((g) => `${g.getAttribute('data-node-id')}:${[...g.querySelectorAll('rect.seg')].map((r) => r.getAttribute('data-status')).join('+')}`).join(','));
    await waitFor(async () => (await timelineRows()) === 'Prepare:SUCCEEDED,Greet:SUCCEEDED,Fan:SUCCEEDED,Left:SUCCEEDED,Right:SUCCEEDED,RightDone:SUCCEEDED,Check:SUCCEEDED,Done:SUCCEEDED',
      { timeoutMs: 30_000, intervalMs: 250, what: 'the timeline of the execution\'s states' }).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await timelineRows()}`);
    });
    assert.equal(await frame.locator('#timeline g.row[data-node-id="Greet"]').getAttribute('data-job-id'), jobId, 'the Task\'s row names its Batch job');
    console.log(`      timeline: ${await timelineRows()}; screenshot: ${await wb.screenshot('stepfunctions-timeline')}`);
    await frame.locator('vscode-tab-header[data-tab="graph"]').click();

    // The Local view: the execution under "State machine executions", SUCCEEDED, with its history.
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    const row = await waitForRows(wb, 'Local', (rows) => rows.find((r) => r.label.startsWith('hello: ') && r.description.startsWith('SUCCEEDED')), 'the execution row SUCCEEDED');
    await waitForRows(wb, 'Local', (rows) => rows.some((r) => r.label === 'State machine executions'), 'the executions group');
    await expandRows(wb, 'Local', /^hello: /);
    // The list renders only the rows in sight, and the small Local pane may have scrolled to keep the
    // expanded execution's last events in view: Home brings the top (the first events) back. The
    // events may arrive (and the pane scroll) after a Home, so each look presses it again.
    const list = viewPane(wb, 'Local').locator('.pane-body .monaco-list').first();
    let inSight: string[] = [];
    const history = await waitFor(async () => {
      await list.focus();
      await wb.page.keyboard.press('Home');
      const events = (await treeRows(wb, 'Local')).filter((r) => /^\d+ \w+$/.test(r.label));
      inSight = events.map((r) => r.label);
      return events[0]?.label === '1 ExecutionStarted' && events.some((r) => r.label.endsWith(' TaskSubmitted')) && events;
    }, { timeoutMs: 60_000, intervalMs: 300, what: 'the execution history from its first event' }).catch((err: Error) => {
      throw new Error(`${err.message}; history rows in sight: ${JSON.stringify(inSight)}`);
    });
    assert.deepEqual(history.slice(0, 4).map((r) => `${r.label}|${r.description}`), ['1 ExecutionStarted|', '2 PassStateEntered|Prepare', '3 PassStateExited|Prepare', '4 TaskStateEntered|Greet']);
    console.log(`      Local view: ${row.label} | ${row.description}, ${history.length} history events; screenshot: ${await wb.screenshot('stepfunctions-local-view')}`);

    // The Task's Batch job is in a run named after the execution, not a run of its own.
    const execRow = viewPane(wb, 'Local').locator('.pane-body .monaco-list-row[aria-level="2"][aria-expanded="true"]', { has: wb.page.locator('.label-name', { hasText: /^hello: / }) }).first();
    if (await execRow.count()) await execRow.locator('.monaco-tl-twistie').click();
    const lookHome = async () => {
      await list.focus();
      await wb.page.keyboard.press('Home');
      return treeRows(wb, 'Local');
    };
    const runOf = (rows: Awaited<ReturnType<typeof treeRows>>) => rows.find((r) => r.level === 1 && /^hello: .+ \(Step Functions\)$/.test(r.label) && r.description.startsWith('1/1 · '));
    const executionRun = await waitFor(async () => runOf(await lookHome()), { timeoutMs: 30_000, intervalMs: 300, what: 'the execution\'s run of Batch jobs' });
    await expandRow(wb, 'Local', executionRun.label, 1);
    const rows = await waitFor(async () => {
      const all = await lookHome();
      const at = all.findIndex((r) => r === runOf(all));
      return at >= 0 && all[at + 1]?.level === 2 && all[at + 1]?.label === 'greet' && all;
    }, { timeoutMs: 30_000, intervalMs: 300, what: 'greet under the execution\'s run' });
    for (const r of rows) console.log(`      ${'  '.repeat(r.level)}${r.label} | ${r.description}`);
    assert.equal(rows.filter((r) => r.level === 1 && r.label === 'greet').length, 0, 'no run of its own for the Task\'s job');
    console.log(`      screenshot: ${await wb.screenshot('stepfunctions-execution-run')}`);
  });

  it('Re-run starts the execution again from the Local view; Stop aborts it, the graph shows where, and its Batch job is terminated', async () => {
    const wb = await session!.workbench();
    const frame = webview(wb);
    // Close the gate again: the re-run's job waits until it is stopped.
    rmSync(path.join(session!.workspace, 'gate', 'open'));
    const running = await runMenuEntry(wb, localRow(wb, /^hello: /), 'Re-run Execution', async () => (await treeRows(wb, 'Local')).find((r) => r.label.startsWith('hello: ') && r.description.startsWith('RUNNING')), { what: 'a second execution RUNNING', timeoutMs: 60_000 });
    const name = running.label.slice('hello: '.length);
    // The graph follows the new execution.
    await waitFor(async () => /Greet:RUNNING/.test(await statuses(frame)) && ((await frame.locator('#notice').textContent()) ?? '').includes(name),
      { timeoutMs: 120_000, intervalMs: 250, what: 'the graph on the re-run with Greet RUNNING' });
    await waitFor(async () => !!(await frame.locator('g.node[data-id="Greet"]').getAttribute('data-job-id')), { timeoutMs: 60_000, intervalMs: 250, what: 'the re-run job bound' });
    const jobId = (await frame.locator('g.node[data-id="Greet"]').getAttribute('data-job-id'))!;
    const aborted = async () => {
      const s = await statuses(frame);
      return /Greet:ABORTED/.test(s) && /\(end\):ABORTED/.test(s);
    };
    // (Stopping cannot be faked by running the entry again: only StopExecution ends the execution.)
    await runMenuEntry(wb, localRow(wb, new RegExp(`^hello: ${name}$`)), 'Stop Execution', aborted, { what: 'Greet and End ABORTED' }).catch(() => undefined);
    assert.ok(await aborted(), `Greet and End ABORTED after Stop: ${await statuses(frame)}`);
    assert.match(await statuses(frame), /Prepare:SUCCEEDED/);
    await waitForRows(wb, 'Local', (rows) => rows.some((r) => r.label === `hello: ${name}` && r.description.startsWith('ABORTED')), 'the execution ABORTED in the Local view');
    await waitFor(async () => (await describeJobs(session!.workspace, [jobId]))[0]?.status === 'FAILED', { timeoutMs: 60_000, intervalMs: 500, what: 'the stopped execution\'s job terminated' });
    console.log(`      re-run ${name} stopped: Greet ABORTED, job ${jobId} FAILED; screenshot: ${await wb.screenshot('stepfunctions-stopped')}`);
    stopped = { name, jobId };
  });

  it('Redrive goes on from where the stopped execution stopped, with the job definition fixed since: Greet runs again as a new job of it, Prepare does not; the graph and the Local view end SUCCEEDED', async () => {
    assert.ok(stopped, 'the Stop test stopped an execution');
    const { name, jobId } = stopped;
    const wb = await session!.workbench();
    const frame = webview(wb);
    // The "fix": the job no longer waits for the gate (Redrive registers the job definition again).
    const jobdef = path.join(session!.workspace, 'gate.jobdef.json');
    const fixed = JSON.parse(readFileSync(jobdef, 'utf8')) as { containerProperties: { command: string[] } };
    fixed.containerProperties.command = ['sh', '-c', 'echo fixed'];
    writeFileSync(jobdef, JSON.stringify(fixed, null, 2));
    // (the gate opens too: were the editor to register the job definition it had before, the job would end, and the command check below say so)
    writeFileSync(path.join(session!.workspace, 'gate', 'open'), '');
    // (the editor reads the changed file through its file watcher: no sign of it to wait for)
    await new Promise((r) => setTimeout(r, 1500));
    const succeeded = async () => {
      const s = await statuses(frame);
      return /Greet:SUCCEEDED/.test(s) && /\(end\):SUCCEEDED/.test(s) && ((await frame.locator('#notice').textContent()) ?? '').includes(name);
    };
    await runMenuEntry(wb, localRow(wb, new RegExp(`^hello: ${name}$`)), 'Redrive Execution', succeeded, { what: 'the redriven execution SUCCEEDED on its graph', timeoutMs: 120_000 });
    await waitForRows(wb, 'Local', (rows) => rows.some((r) => r.label === `hello: ${name}` && r.description.startsWith('SUCCEEDED')), 'the redriven execution SUCCEEDED in the Local view');
    // Both of its jobs (the stopped one and the redrive's) are in the execution's run; the new one has no run of its own.
    const list = viewPane(wb, 'Local').locator('.pane-body .monaco-list').first();
    const run = await waitFor(async () => {
      await list.focus();
      await wb.page.keyboard.press('Home');
      const rows = await treeRows(wb, 'Local');
      return !rows.some((r) => r.level === 1 && r.label === 'greet') && rows.find((r) => r.level === 1 && r.label === `hello: ${name} (Step Functions)` && /^2\/2 · 1 failed · /.test(r.description));
    }, { timeoutMs: 30_000, intervalMs: 300, what: "the execution's run holding both its jobs" }).catch(async (err: Error) => {
      const rows = (await treeRows(wb, 'Local')).map((r) => `${r.level} ${r.label} | ${r.description}`);
      throw new Error(`${err.message}; rows: ${JSON.stringify(rows)}; screenshot: ${await wb.screenshot('stepfunctions-redriven-run')}`);
    });
    // Its icon says how the execution ended (SUCCEEDED), not its stopped job's FAILED.
    const runRow = viewPane(wb, 'Local').locator('.monaco-list-row[aria-level="1"]', { has: wb.page.locator('.label-name', { hasText: `hello: ${name} (Step Functions)` }) }).first();
    await waitFor(async () => (await runRow.locator('.codicon-pass').count()) > 0, { timeoutMs: 30_000, intervalMs: 300, what: "the redriven execution's run marked SUCCEEDED" }).catch(async (err: Error) => {
      const rows = (await treeRows(wb, 'Local')).map((r) => `${r.level} ${r.label} | ${r.description}`);
      throw new Error(`${err.message}; rows: ${JSON.stringify(rows)}; screenshot: ${await wb.screenshot('stepfunctions-redriven-run')}`);
    });
    const newJob = (await frame.locator('g.node[data-id="Greet"]').getAttribute('data-job-id'))!;
    assert.ok(newJob && newJob !== jobId, `Greet ran a new job (${newJob}), not the stopped one (${jobId})`);
    const [job] = await describeJobs(session!.workspace, [newJob]);
    assert.equal(job?.status, 'SUCCEEDED');
    assert.deepEqual(job.command, ['sh', '-c', 'echo fixed'], "the redriven Task's job runs the fixed job definition");
    const sfn = new SFNClient(await emulatorClientConfig(session!.workspace));
    try {
      const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name === 'hello')!;
      const execution = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }))).executions!.find((e) => e.name === name)!;
      assert.equal(execution.redriveCount, 1);
      const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }));
      const entered = events!.filter((e) => e.type === 'PassStateEntered' && e.stateEnteredEventDetails?.name === 'Prepare');
      assert.equal(entered.length, 1, 'Prepare ran once');
      assert.equal(events!.filter((e) => e.type === 'ExecutionRedriven').length, 1);
    } finally {
      sfn.destroy();
    }
    console.log(`      redriven ${name}: Greet ran job ${newJob}; run ${run.label} | ${run.description}; screenshot: ${await wb.screenshot('stepfunctions-redriven')}`);
  });

  it('Run with Input… starts the execution with the JSON given (or @file), refuses text that is not JSON, and offers the last input again', async () => {
    const wb = await session!.workbench();
    const workspace = session!.workspace;
    await wb.openFile('echo.asl.json');
    const title = wb.page.locator('.quick-input-widget .quick-input-title');
    const message = wb.page.locator('.quick-input-widget .quick-input-message');
    const ask = async () => {
      const box = await wb.startCommand('LocalBatch: Run State Machine Locally with Input…');
      await title.filter({ hasText: 'Run echo.asl.json locally with input' }).waitFor({ state: 'visible', timeout: 15_000 });
      return box;
    };
    const sfn = new SFNClient(await emulatorClientConfig(workspace));
    const outputs = async () => (await executionsOf(sfn, 'echo')).map((d) => `${d.status} ${d.output ?? ''}`);
    try {
      let box = await ask();
      assert.equal(await box.inputValue(), '{}', 'the first time, the box offers {}');
      await box.fill('{"items": [1, 2');
      await message.filter({ hasText: /Not JSON/ }).waitFor({ state: 'visible', timeout: 10_000 });
      await box.press('Enter');
      assert.ok(await title.isVisible(), 'text that is not JSON is not taken');
      await box.fill('{"items": [1, 2]}');
      await box.press('Enter');
      await waitFor(async () => (await outputs()).join('|') === 'SUCCEEDED {"items":[1,2]}', { timeoutMs: 60_000, intervalMs: 300, what: 'an execution of echo with the input given' });

      // The run opened the graph beside the file but left the focus in it: the palette offers the command again.
      box = await ask();
      assert.equal(await box.inputValue(), '{"items": [1, 2]}', 'the box offers the last input given');
      await box.fill('@echo-input.json');
      console.log(`      screenshot: ${await wb.screenshot('stepfunctions-run-with-input')}`);
      await box.press('Enter');
      await waitFor(async () => (await outputs()).join('|') === 'SUCCEEDED {"items":[1,2]}|SUCCEEDED {"from":"a file"}', { timeoutMs: 60_000, intervalMs: 300, what: 'a second execution with the file\'s input' });
    } catch (err) {
      console.log(`      executions: ${(await outputs().catch(() => [])).join(' | ')}; notifications: ${(await notificationTexts(wb)).join(' | ')}; screenshot: ${await wb.screenshot('stepfunctions-run-with-input-failed')}`);
      throw err;
    } finally {
      sfn.destroy();
    }
  });

  it('the Definitions view lists the state machine files and the template\'s state machine; a row\'s inline Run starts it', async () => {
    const wb = await session!.workbench();
    await wb.openViewContainer('LocalBatch');
    // The Definitions view gets the side bar's height (its list draws only the rows in sight).
    for (const title of ['Local', 'AWS']) {
      const header = viewPane(wb, title).locator('.pane-header').first();
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    await expandView(wb, 'Definitions');
    const rows = await waitForRows(wb, 'Definitions', (r) => r.some((x) => x.label === 'State Machines') && r.some((x) => x.label === 'asset-flow') && r, 'the State Machines group and the template\'s state machine', 30_000);
    for (const r of rows) console.log(`      ${'  '.repeat(r.level)}${r.label} | ${r.description}`);
    const group = rows.findIndex((r) => r.level === 1 && r.label === 'State Machines');
    const files: string[] = [];
    for (const r of rows.slice(group + 1)) {
      if (r.level <= 1) break;
      files.push(r.label);
    }
    assert.deepEqual([...files].sort(), ['asset', 'echo', 'fails', 'hello', 'sweep']);
    assert.equal(rows.find((r) => r.label === 'asset-flow')?.description, 'state machine · AssetFlow');
    console.log(`      screenshot: ${await wb.screenshot('definitions-state-machines')}`);
    const sfn = new SFNClient(await emulatorClientConfig(session!.workspace));
    try {
      const before = (await executionsOf(sfn, 'echo')).length;
      const row = viewPane(wb, 'Definitions').locator('.pane-body .monaco-list-row[aria-level="2"]', { has: wb.page.locator('.label-name', { hasText: /^echo$/ }) }).first();
      await row.hover();
      await row.locator('.action-label[aria-label="Run State Machine Locally"]').click();
      await waitFor(async () => {
        const all = await executionsOf(sfn, 'echo');
        return all.length === before + 1 && all.at(-1)?.status === 'SUCCEEDED';
      }, { timeoutMs: 60_000, intervalMs: 300, what: 'a new SUCCEEDED execution of echo started from its Definitions row' });
    } finally {
      sfn.destroy();
    }
  });

  it('an execution that fails says why: a notification, the graph and its ExecutionFailed row name the error and cause', async () => {
    const wb = await session!.workbench();
    await wb.openFile('fails.asl.json');
    await wb.runCommand('LocalBatch: Run State Machine Locally');
    const text = await waitForNotification(wb, /execution \S+ of fails\.asl\.json FAILED: Boom: the input said so/, 60_000);
    console.log(`      notification: ${text.slice(0, 160)}`);
    await waitFor(async () => /FAILED \(Boom: the input said so\)/.test((await webview(wb).locator('body').textContent().catch(() => '')) ?? ''), { timeoutMs: 30_000, what: "the graph's notice naming the failure" });
    await wb.openViewContainer('LocalBatch');
    await expandView(wb, 'Local');
    // (the earlier test left hello's history expanded below: Home brings the newest execution, listed first, in sight)
    const list = viewPane(wb, 'Local').locator('.pane-body .monaco-list').first();
    const inSight = async <T>(pick: (rows: Awaited<ReturnType<typeof treeRows>>) => T | undefined, what: string) =>
      waitFor(async () => {
        await list.focus();
        await wb.page.keyboard.press('Home');
        return pick(await treeRows(wb, 'Local'));
      }, { timeoutMs: 60_000, intervalMs: 300, what });
    await inSight((rows) => rows.find((r) => r.label.startsWith('fails: ') && r.description.startsWith('FAILED')), 'the failed execution row');
    await expandRows(wb, 'Local', /^fails: /);
    const failedRow = await inSight((rows) => rows.find((r) => / ExecutionFailed$/.test(r.label)), 'its ExecutionFailed row');
    assert.equal(failedRow.description, 'Boom: the input said so');
    console.log(`      screenshot: ${await wb.screenshot('stepfunctions-failed-execution')}`);
  });

  it("a distributed Map shows its map run's progress on the graph while it runs, and its end", async () => {
    const wb = await session!.workbench();
    await wb.openFile('sweep.asl.json');
    await wb.waitForExtensionsActivated();
    await wb.runCommand('LocalBatch: Run State Machine Locally');
    const line = webview(wb).locator('g.node.group[data-id="Sweep"] text.node-status');
    const seen = new Set<string>();
    const look = async (what: string, ok: (text: string) => boolean) => waitFor(async () => {
      const text = (await line.textContent().catch(() => '')) ?? '';
      seen.add(text);
      return ok(text);
    }, { timeoutMs: 60_000, intervalMs: 150, what }).catch(async (err: unknown) => {
      console.log(`      seen: ${[...seen].join(' | ')}; screenshot: ${await wb.screenshot('stepfunctions-map-run-failed')}`);
      throw err;
    });
    await look('the Map running with items left', (t) => /^RUNNING · [0-6]\/8 items, 2 running$/.test(t));
    console.log(`      while it runs: ${[...seen].at(-1)}; screenshot: ${await wb.screenshot('stepfunctions-map-run-progress')}`);
    await look('every item done', (t) => t === 'SUCCEEDED · 8/8 items');
    console.log(`      lines seen: ${[...seen].join(' | ')}`);
  });

  it("an execution started elsewhere (the SDK) shows in the Local view without a Refresh, its row saying how far its distributed Map is; expanded, its map run's child executions", async () => {
    const wb = await session!.workbench();
    const sfn = new SFNClient(await emulatorClientConfig(session!.workspace));
    let executionArn: string | undefined;
    try {
      // Each item waits a minute, one at a time: the execution runs for the whole check.
      const definition = { StartAt: 'Slow', States: { Slow: { Type: 'Map', MaxConcurrency: 1, ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } }, End: true } } };
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'long-sweep', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/long-sweep' }));
      executionArn = (await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'held', input: JSON.stringify({ items: [1, 2, 3] }) }))).executionArn;
      await wb.openViewContainer('LocalBatch');
      await expandView(wb, 'Local');
      const list = viewPane(wb, 'Local').locator('.pane-body .monaco-list').first();
      const row = await waitFor(async () => {
        await list.focus();
        await wb.page.keyboard.press('Home');
        return (await treeRows(wb, 'Local')).find((r) => r.label === 'long-sweep: held' && /^RUNNING · map run Slow 0\/3 items, 1 running · /.test(r.description));
      }, { timeoutMs: 60_000, intervalMs: 300, what: 'the running execution row with its map run' });
      console.log(`      row: ${row.label} | ${row.description}; screenshot: ${await wb.screenshot('stepfunctions-map-run-row')}`);
      // Expanded: its map run, and under it the child execution running (named by its input).
      await expandRow(wb, 'Local', 'long-sweep: held', row.level);
      const run = await waitForRows(wb, 'Local', (rows) => rows.find((r) => r.label === 'Map run Slow' && r.level === row.level + 1), 'the execution\'s map run row');
      assert.equal(run.description, 'RUNNING · 0/3 items, 1 running');
      await expandRow(wb, 'Local', 'Map run Slow', run.level);
      const child = await waitForRows(wb, 'Local', (rows) => rows.find((r) => r.label === '1' && r.level === run.level + 1), 'the running child execution, named by its input');
      assert.match(child.description, /^RUNNING · /);
      await expandRow(wb, 'Local', '1', child.level);
      await waitForRows(wb, 'Local', (rows) => rows.some((r) => r.label === '2 WaitStateEntered' && r.level === child.level + 1), 'the child\'s own history');
      console.log(`      map run: ${run.description}; child: ${child.label} | ${child.description}; screenshot: ${await wb.screenshot('stepfunctions-map-run-children')}`);
    } finally {
      if (executionArn) await sfn.send(new StopExecutionCommand({ executionArn })).catch(() => undefined);
      sfn.destroy();
    }
  });

  it('Run State Machine Locally builds the CDK fromAsset image of the job definition its Task names; the job runs it', async () => {
    const wb = await session!.workbench();
    await removeAssetImages();
    await wb.openFile('asset.asl.json');
    await wb.runCommand('LocalBatch: Run State Machine Locally');
    const sfn = new SFNClient(await emulatorClientConfig(session!.workspace));
    let last = '';
    try {
      await waitFor(async () => {
        const d = (await executionsOf(sfn, 'asset')).at(-1);
        last = d ? `${d.status} ${d.output ?? d.cause ?? ''}` : 'no execution yet';
        return d?.status !== undefined && d.status !== 'RUNNING';
      }, { timeoutMs: 240_000, intervalMs: 500, what: 'the execution of asset.asl.json to end' });
      assert.match(last, /^SUCCEEDED /, last);
      const job = JSON.parse(last.slice('SUCCEEDED '.length)) as { JobName: string; Status: string; Container: { Image: string } };
      assert.deepEqual([job.JobName, job.Status], ['from-editor', 'SUCCEEDED']);
      assert.match(job.Container.Image, /\.dkr\.ecr\..*cdk-hnb659fds-container-assets-/, 'the job definition\'s own (ECR) image name');
      console.log(`      asset job ${job.Status} with ${job.Container.Image}; built: ${(await removeAssetImages()).join(', ')}`);
    } catch (err) {
      console.log(`      last: ${last}; notifications: ${(await notificationTexts(wb)).join(' | ')}; screenshot: ${await wb.screenshot('stepfunctions-asset-failed')}`);
      throw err;
    } finally {
      sfn.destroy();
    }
  });

  it('runs a CDK template\'s state machine from its code lens: the graph draws it, its Task runs the fromAsset job', async () => {
    const wb = await session!.workbench();
    await removeAssetImages();
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('BatchStack.template.json');
    const lens = wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run State Machine Locally' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    await lens.click();
    const frame = webview(wb);
    let last = '';
    try {
      await waitFor(async () => {
        last = await statuses(frame).catch(() => '');
        return last === '(end):SUCCEEDED,(start):SUCCEEDED,Run Asset Job:SUCCEEDED';
      }, { timeoutMs: 240_000, intervalMs: 500, what: 'the template state machine\'s graph SUCCEEDED' });
    } catch (err) {
      console.log(`      last: ${last}; notifications: ${(await notificationTexts(wb)).join(' | ')}; screenshot: ${await wb.screenshot('stepfunctions-template-failed')}`);
      throw err;
    }
    assert.ok(await wb.page.locator('.tab', { hasText: 'Graph: AssetFlow' }).first().isVisible(), 'the graph tab is named for the state machine');
    // The emulator ran it under the template's name, and its Task's job is SUCCEEDED.
    const jobId = await frame.locator('g.node[data-id="Run Asset Job"]').getAttribute('data-job-id');
    const [job] = await describeJobs(session!.workspace, [jobId!]);
    assert.deepEqual(job && [job.jobName, job.status], ['from-template', 'SUCCEEDED']);
    const sfn = new SFNClient(await emulatorClientConfig(session!.workspace));
    try {
      const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines?.map((m) => m.name);
      assert.ok(machines?.includes('asset-flow'), JSON.stringify(machines));
    } finally {
      sfn.destroy();
    }
    console.log(`      asset-flow SUCCEEDED, job ${jobId}; screenshot: ${await wb.screenshot('stepfunctions-template-graph')}`);
  });
});

/** The executions of the emulator's state machine `name`, described, oldest first. */
async function executionsOf(sfn: SFNClient, name: string): Promise<DescribeExecutionCommandOutput[]> {
  const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines?.find((m) => m.name === name);
  if (!machine) return [];
  const list = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }))).executions ?? [];
  const described = await Promise.all(list.map((e) => sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))));
  return described.sort((a, b) => a.startDate!.getTime() - b.startDate!.getTime());
}

/** The tags asset-job's image gets (localbatch's and the template's ECR name), so a test builds it itself. */
async function removeAssetImages(): Promise<string[]> {
  const manifest = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'batch-app', 'cdk.out', 'BatchStack.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { dockerBuildTarget?: string } }> };
  const hash = Object.entries(manifest.dockerImages).find(([, a]) => a.source.dockerBuildTarget === 'job')![0];
  const docker = new Docker();
  const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t.endsWith(`:${hash}`));
  for (const t of tags) await docker.getImage(t).remove({ force: true }).catch(() => undefined);
  return tags;
}

/** The Local view's row whose label matches. */
function localRow(wb: Workbench, label: RegExp): Locator {
  return viewPane(wb, 'Local').locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: label }) }).first();
}
