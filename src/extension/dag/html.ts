/**
 * The one place the dependency-graph webview's HTML is made (no `vscode` import, so the browser
 * tests and the benchmark serve exactly this page). Strict CSP: nothing inline, scripts by nonce,
 * the layout worker fetched from the extension's resources and started from a blob URL.
 */
import { randomBytes } from 'node:crypto';
import { JOB_STATUSES } from '../../model/types';

export interface DagHtmlInput {
  /** `webview.cspSource`: the origin webview resources are served from. */
  readonly cspSource: string;
  /** URIs of dist/webview/dag.js, dist/webview/layout-worker.js and media/dag.css, as the webview sees them. */
  readonly scriptUri: string;
  readonly workerUri: string;
  readonly styleUri: string;
  /** Fixed only by tests; default a fresh random nonce. */
  readonly nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

const STATUSES = JOB_STATUSES;

/** What the colours and line styles mean (static markup: the CSP allows no inline styles). */
function legendHtml(): string {
  const status = (s: string, cls = '') => `<li${cls ? ` class="${cls}"` : ''}><span class="swatch" data-status="${s}"></span>${s}</li>`;
  // State machines (body[data-source="stateMachine"]) show their own statuses and transitions instead of Batch's.
  // A training queue's service jobs (body[data-source="serviceQueue"]) also show SCHEDULED, and no edges.
  const statuses = ['PLANNED', ...STATUSES].map((s) => status(s, ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING'].includes(s) ? 'jobs-only' : '')
    + (s === 'RUNNABLE' ? status('SCHEDULED', 'svc-only') : '')).join('')
    + status('CAUGHT', 'sm-only') + status('ABORTED', 'sm-only');
  const edge = (type: string, label: string, cls: string) => `<li class="${cls}"><svg class="edge-sample" width="28" height="8" aria-hidden="true"><path class="legend-edge" data-type="${type}" d="M1,4 L27,4"/></svg>${label}</li>`;
  return `<aside id="legend" class="legend" aria-label="Legend"><ul class="legend-statuses">${statuses}</ul>`
    + `<ul class="legend-edges">${edge('plain', 'depends on', 'jobs-only')}${edge('N_TO_N', 'N_TO_N (child i → child i)', 'jobs-only')}${edge('SEQUENTIAL', 'SEQUENTIAL', 'jobs-only')}`
    + `${edge('plain', 'Next', 'sm-only')}${edge('CHOICE', 'Choice rule', 'sm-only')}${edge('DEFAULT', 'Default', 'sm-only')}${edge('CATCH', 'Catch', 'sm-only')}</ul></aside>`;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function dagHtml(input: DagHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${input.cspSource}`,
    `img-src ${input.cspSource} data:`,
    `font-src ${input.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `connect-src ${input.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  const options = ['ALL', 'ACTIVE', ...STATUSES].map((s) => `<vscode-option value="${s}">${s === 'ALL' ? 'All statuses' : s === 'ACTIVE' ? 'Not finished' : s}</vscode-option>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>Dependency Graph</title>
</head>
<body data-worker-uri="${attr(input.workerUri)}">
<header class="toolbar" role="toolbar" aria-label="Graph">
  <span id="title" class="title"></span>
  <vscode-tabs id="tabs" selected-index="0">
    <vscode-tab-header slot="header" data-tab="graph">Graph</vscode-tab-header>
    <vscode-tab-header slot="header" data-tab="timeline">Timeline</vscode-tab-header>
    <vscode-tab-panel></vscode-tab-panel>
    <vscode-tab-panel></vscode-tab-panel>
  </vscode-tabs>
  <span id="graph-tools" class="tools">
    <vscode-button id="fit" secondary title="Fit the graph to the view">Fit</vscode-button>
    <vscode-button id="zoom-in" secondary title="Zoom in">+</vscode-button>
    <vscode-button id="zoom-out" secondary title="Zoom out">−</vscode-button>
    <vscode-button id="direction" secondary title="Switch the layout direction">Top–Down</vscode-button>
    <vscode-single-select id="filter" title="Highlight jobs by status">${options}</vscode-single-select>
    <vscode-button id="export" secondary title="Save the graph as an SVG file">Export SVG</vscode-button>
    <vscode-checkbox id="show-legend" checked title="Show what colours and lines mean">Legend</vscode-checkbox>
  </span>
  <span id="notice" class="notice" role="status"></span>
</header>
<section id="details" class="details" hidden>
  <span id="details-name"></span>
  <vscode-button id="act-definition" secondary>Open Definition</vscode-button>
  <vscode-button id="act-logs" secondary>Show Logs</vscode-button>
  <vscode-button id="act-details" secondary>Job Details</vscode-button>
  <vscode-button id="act-expand" secondary>Expand</vscode-button>
  <vscode-button id="act-stuck" secondary title="Compare what the job needs with its queue's compute environments">Why Is It Stuck?</vscode-button>
</section>
<main id="canvas" class="canvas">${legendHtml()}</main>
<main id="timeline" class="timeline" hidden></main>
<script nonce="${nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
