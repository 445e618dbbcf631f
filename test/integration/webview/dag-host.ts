/**
 * A plain HTTP page serving the built DAG webview (dist/webview, media/dag.css) with the same HTML and
 * CSP as the extension (dagHtml), a stub of `acquireVsCodeApi` that records posted messages, and theme
 * colours set as VS Code would. For the browser tests and the benchmark.
 */
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dagHtml } from '../../../src/extension/dag/html';
import type { DagEdge, DagGraph, DagNode } from '../../../src/model/dag';
import type { ToWebview } from '../../../src/model/dag-protocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = process.env.LOCALBATCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Theme colours the host page sets, so tests can check nodes resolve them. */
export const THEME: Readonly<Record<string, string>> = {
  '--vscode-testing-iconPassed': 'rgb(0, 170, 0)',
  '--vscode-testing-iconFailed': 'rgb(200, 0, 0)',
  '--vscode-charts-blue': 'rgb(0, 0, 220)',
  '--vscode-charts-yellow': 'rgb(200, 200, 0)',
  '--vscode-charts-orange': 'rgb(230, 120, 0)',
  '--vscode-charts-purple': 'rgb(150, 0, 150)',
  '--vscode-disabledForeground': 'rgb(128, 128, 128)',
  '--vscode-foreground': 'rgb(20, 20, 20)',
  '--vscode-editor-background': 'rgb(255, 255, 255)',
};

const STUB = `(() => {
  const theme = ${JSON.stringify(THEME)};
  for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
  window.__posted = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => state,
    setState: (s) => { state = s; },
  });
})();`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };

export class DagHost {
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<DagHost> {
    const nonce = 'dGVzdC1ub25jZQ';
    const server = http.createServer((req, res) => void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/') {
        const origin = `http://${req.headers.host}`;
        const html = dagHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview/dag.js`, workerUri: `${origin}/dist/webview/layout-worker.js`, styleUri: `${origin}/media/dag.css` })
          .replace('<script ', `<script nonce="${nonce}" src="${origin}/stub.js"></script>\n<script `);
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        return;
      }
      if (url.pathname === '/stub.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(STUB);
        return;
      }
      const rel = path.normalize(url.pathname).replace(/^\/+/, '');
      if (!/^(dist\/webview|media)\//.test(rel)) return void res.writeHead(404).end();
      try {
        const body = await readFile(path.join(ROOT, rel));
        res.writeHead(200, { 'content-type': TYPES[path.extname(rel)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new DagHost(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  }

  async close(): Promise<void> {
    await new Promise((r) => this.server.close(r));
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60_000 });
}

/** Opens the host page; collects CSP violations and page errors into `problems`. */
export async function openDagPage(browser: Browser, host: DagHost, problems: string[] = []): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(host.url);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted?.some((m) => m.type === 'ready'));
  return page;
}

/** The page's globals these helpers read (this file is compiled without the DOM library). */
interface PageGlobals {
  __posted: Array<Record<string, unknown>>;
  __dagStats: { layoutMs: number; paintMs: number; totalMs: number; drawMs?: number; engine?: string };
  postMessage(m: unknown, origin: string): void;
  document: { body: { dataset: Record<string, string | undefined> } };
}

export async function send(page: Page, message: ToWebview): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message);
}

/** Sends a graph and waits until it is laid out and painted; returns the webview's own timings. */
export async function showGraph(page: Page, graph: DagGraph, timeoutMs = 60_000): Promise<PageGlobals['__dagStats']> {
  const before = await page.evaluate(() => Number((globalThis as unknown as PageGlobals).document.body.dataset.renders ?? 0));
  await send(page, { type: 'graph', graph, source: { kind: 'workflow', file: 'fixture.workflow.yaml' }, live: undefined });
  await page.waitForFunction((n) => Number((globalThis as unknown as PageGlobals).document.body.dataset.renders ?? 0) > n, before, { timeout: timeoutMs });
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__dagStats);
}

export async function posted(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
}

/**
 * A workflow-like graph of `n` nodes in layers of about `width`: each node depends on one or two of
 * the previous layer; every 10th node is an array (N_TO_N to an array below it where possible).
 */
export function fixtureGraph(n: number, width = 20): DagGraph {
  const nodes: DagNode[] = [];
  const edges: DagEdge[] = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) {
    const array = i % 10 === 3;
    nodes.push({ id: `job-${i}`, name: `job-${i}`, status: 'PLANNED', ...(array ? { arraySize: 100 } : {}) });
    const layer = Math.floor(i / width);
    if (layer === 0) continue;
    const prevStart = (layer - 1) * width;
    const a = prevStart + Math.floor(rand() * width);
    const type = array && nodes[a].arraySize === 100 ? 'N_TO_N' : 'plain';
    edges.push({ id: `job-${a}->job-${i}:${type}`, source: `job-${a}`, target: `job-${i}`, type });
    const b = prevStart + Math.floor(rand() * width);
    if (b !== a && rand() < 0.5) edges.push({ id: `job-${b}->job-${i}:plain`, source: `job-${b}`, target: `job-${i}`, type: 'plain' });
  }
  return { title: `fixture of ${n}`, nodes, edges };
}
