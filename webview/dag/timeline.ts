/**
 * The timeline tab: one row per job (array children under their parent), a time axis from the first
 * createdAt to the last stop (or now while the run goes on), each attempt a bar coloured by how it
 * ended (running bars grow every second), and a thin line for the time a job waited to start. For a
 * state machine (unit `state`): one row per state, a bar each time it ran.
 * SVG, coloured by the same CSS status rules as the graph.
 */
import { offsetLabel, tickStep, type Timeline, type TimelineRow, type TimelineSegment } from '../../src/model/dag-timeline';
import { formatDuration } from '../../src/client/job-display';
import { TextMeasure } from './measure';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 22;
const BAR = 12;
const AXIS = 26;
const MAX_LABEL_WIDTH = 220;
const RIGHT_PAD = 16;
/** Room right of the last bar for its duration. */
const DURATION_ROOM = 44;
const labelText = new TextMeasure('12px');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (v: string | number): string => String(v).replace(/[&<>"]/g, (c) => ESCAPES[c]);

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

function segmentTitle(row: TimelineRow, s: TimelineSegment, now: number, unit: Timeline['unit']): string {
  const end = s.end ?? now;
  const parts = [`${row.label}: ${unit === 'state' ? 'run' : 'attempt'} ${s.attempt}, ${s.status}`, `${clock(s.start)} → ${s.end === undefined ? 'now' : clock(end)} (${formatDuration(end - s.start)})`];
  if (s.exitCode !== undefined) parts.push(`exit code ${s.exitCode}`);
  if (s.reason) parts.push(s.reason);
  return parts.join('\n');
}

/** `0.4s`, `12s`, `2m 05s`: run times are often under a second. */
function shortDuration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms);
}

const LEGEND = '<div class="timeline-legend legend-inline">'
  + '<span><svg width="22" height="8" aria-hidden="true"><line class="wait" x1="1" x2="21" y1="4" y2="4"/></svg>waiting to start</span>'
  + ['RUNNING', 'SUCCEEDED', 'FAILED'].map((st) => `<span><span class="swatch" data-status="${st}"></span>attempt ${st === 'RUNNING' ? 'running' : st.toLowerCase()}</span>`).join('')
  + '<span>one bar per attempt</span></div>';
const STATE_LEGEND = '<div class="timeline-legend legend-inline">'
  + ['RUNNING', 'SUCCEEDED', 'FAILED'].map((st) => `<span><span class="swatch" data-status="${st}"></span>${st === 'RUNNING' ? 'running' : st === 'SUCCEEDED' ? 'left' : 'failed (caught, or the execution ended in it)'}</span>`).join('')
  + '<span>one bar each time the state ran</span></div>';

export class TimelineView {
  private timeline: Timeline | undefined;
  /** The extension host's clock minus ours (they may differ in a remote window). */
  private skew = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private shown = false;
  renders = 0;

  constructor(private readonly host: HTMLElement) {}

  /** Shows a new timeline (drawn now when the tab is shown). */
  set(timeline: Timeline): void {
    this.timeline = timeline;
    this.skew = timeline.now - Date.now();
    if (this.shown) this.draw();
  }

  setShown(shown: boolean): void {
    this.shown = shown;
    if (shown) this.draw();
    else this.stopTicking();
  }

  private now(): number {
    return Date.now() + this.skew;
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  draw(): void {
    const t = this.timeline;
    if (!t) {
      this.host.innerHTML = '<p class="timeline-empty">Reading the run…</p>';
      return;
    }
    if (t.rows.length === 0 || t.start === undefined) {
      this.stopTicking();
      this.host.innerHTML = t.unit === 'state'
        ? '<p class="timeline-empty">No execution to show yet. Run the state machine (LocalBatch: Run State Machine Locally) and its states appear here as they run.</p>'
        : '<p class="timeline-empty">No run to show yet. Run the workflow (LocalBatch: Run Workflow Locally) and its jobs appear here as they start.</p>';
      return;
    }
    const live = t.end === undefined;
    if (live && !this.timer) this.timer = setInterval(() => this.draw(), 1000);
    if (!live) this.stopTicking();
    const now = this.now();
    const start = t.start;
    const end = Math.max(t.end ?? now, start + 1000);
    const width = Math.max(360, this.host.clientWidth - 4);
    const LABEL_WIDTH = Math.round(Math.min(MAX_LABEL_WIDTH, Math.max(110, width * 0.28)));
    const plot = width - LABEL_WIDTH - RIGHT_PAD - DURATION_ROOM;
    const x = (time: number) => LABEL_WIDTH + ((time - start) / (end - start)) * plot;
    const height = AXIS + t.rows.length * ROW + 8;
    const out: string[] = [`<text class="tick-label start" x="8" y="${AXIS - 10}">started ${esc(clock(start))} UTC</text>`];
    const step = tickStep(end - start, Math.max(2, Math.floor(plot / 90)));
    for (let v = 0; v <= end - start; v += step) {
      const tx = x(start + v).toFixed(1);
      out.push(`<line class="tick" x1="${tx}" x2="${tx}" y1="${AXIS - 6}" y2="${height}"/><text class="tick-label" x="${tx}" y="${AXIS - 10}" text-anchor="middle">${esc(offsetLabel(v))}</text>`);
    }
    if (live) out.push(`<line class="now" x1="${x(now).toFixed(1)}" x2="${x(now).toFixed(1)}" y1="${AXIS - 6}" y2="${height}"><title>now</title></line>`);
    t.rows.forEach((r, i) => {
      const y = AXIS + i * ROW;
      const label = labelText.truncate(r.label, LABEL_WIDTH - 16 - (r.parentJobId ? 12 : 0));
      const cls = r.parentJobId ? 'row child' : r.arraySize !== undefined ? 'row array' : 'row';
      out.push(`<g class="${cls}" data-job-id="${esc(r.jobId)}" data-node-id="${esc(r.nodeId)}" data-status="${esc(r.status)}">`);
      out.push(`<rect class="row-bg" x="0" y="${y}" width="${width}" height="${ROW}"/>`);
      out.push(`<text class="row-label" x="${r.parentJobId ? 20 : 8}" y="${y + ROW / 2 + 4}">${esc(label)}<title>${esc(`${r.label} (${r.status})`)}</title></text>`);
      const firstStart = r.segments[0]?.start;
      if (r.createdAt !== undefined && r.arraySize === undefined) {
        const waitEnd = firstStart ?? (r.status === 'SUCCEEDED' || r.status === 'FAILED' ? r.createdAt : now);
        if (waitEnd > r.createdAt) out.push(`<line class="wait" x1="${x(r.createdAt).toFixed(1)}" x2="${x(waitEnd).toFixed(1)}" y1="${y + ROW / 2}" y2="${y + ROW / 2}"><title>${esc(`${r.label}: waited ${formatDuration(waitEnd - r.createdAt)} to start`)}</title></line>`);
      }
      for (const s of r.segments) {
        const x0 = x(s.start);
        const w = Math.max(2, x(s.end ?? now) - x0);
        out.push(`<rect class="seg" data-status="${s.status}" data-attempt="${s.attempt}" x="${x0.toFixed(1)}" y="${y + (ROW - BAR) / 2}" width="${w.toFixed(1)}" height="${BAR}" rx="2"><title>${esc(segmentTitle(r, s, now, t.unit))}</title></rect>`);
      }
      const last = r.segments[r.segments.length - 1];
      if (last && r.segments.length > 0) {
        const total = r.segments.reduce((a, seg) => a + ((seg.end ?? now) - seg.start), 0);
        out.push(`<text class="seg-label" x="${(x(last.end ?? now) + 4).toFixed(1)}" y="${y + ROW / 2 + 4}">${esc(shortDuration(total))}</text>`);
      }
      if (r.arraySize !== undefined) {
        const kids = t.rows.filter((k) => k.parentJobId === r.jobId).flatMap((k) => k.segments);
        if (kids.length > 0) {
          const x0 = x(Math.min(...kids.map((s) => s.start)));
          const x1 = x(Math.max(...kids.map((s) => s.end ?? now)));
          out.push(`<rect class="span" data-status="${esc(r.status)}" x="${x0.toFixed(1)}" y="${y + ROW / 2 - 2}" width="${Math.max(2, x1 - x0).toFixed(1)}" height="4"><title>${esc(`${r.label}: ${r.arraySize} children`)}</title></rect>`);
        }
      }
      out.push('</g>');
    });
    this.host.innerHTML = `<svg class="timeline-svg" xmlns="${SVG}" width="${width}" height="${height}" role="img" aria-label="Timeline of the ${t.unit === 'state' ? 'execution' : 'run'}">${out.join('')}</svg>${t.unit === 'state' ? STATE_LEGEND : LEGEND}`;
    this.renders++;
    this.host.dataset.renders = String(this.renders);
  }
}
