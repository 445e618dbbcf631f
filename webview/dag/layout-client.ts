/**
 * Runs layouts in the layout worker. VS Code serves webview resources from another origin than the
 * webview's document, so `new Worker(resourceUrl)` is refused there: the worker script is fetched
 * (CSP `connect-src`) and started from a blob URL (CSP `worker-src blob:`).
 */
import type { LayoutRequest, LayoutResponse } from '../../src/model/dag-protocol';

type Pending = { resolve(r: LayoutResponse): void };

export class LayoutClient {
  private worker: Promise<Worker> | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerUrl: string) {}

  /** Starts the worker now (elk takes a moment to load), so the first layout does not wait for it. */
  warmUp(): void {
    void this.start().then((w) => w.postMessage({ seq: 0, direction: 'RIGHT', nodes: [{ id: 'a', width: 10, height: 10 }, { id: 'b', width: 10, height: 10 }], edges: [{ id: 'e', source: 'a', target: 'b', type: 'plain' }] } satisfies LayoutRequest), () => undefined);
  }

  private start(): Promise<Worker> {
    this.worker ??= fetch(this.workerUrl)
      .then((r) => {
        if (!r.ok) throw new Error(`layout worker: HTTP ${r.status}`);
        return r.text();
      })
      .then((code) => {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        const w = new Worker(url);
        w.onmessage = (e: MessageEvent<LayoutResponse>) => {
          const p = this.pending.get(e.data.seq);
          this.pending.delete(e.data.seq);
          p?.resolve(e.data);
        };
        w.onerror = (e) => {
          for (const [seq, p] of this.pending) p.resolve({ seq, ok: false, error: e.message || 'layout worker failed' });
          this.pending.clear();
        };
        return w;
      });
    return this.worker;
  }

  /** Lays out a graph; the answer to an older request than the latest is still delivered (callers compare seq). */
  async layout(req: Omit<LayoutRequest, 'seq'>): Promise<LayoutResponse> {
    const seq = ++this.seq;
    const worker = await this.start();
    return new Promise((resolve) => {
      this.pending.set(seq, { resolve });
      worker.postMessage({ ...req, seq } satisfies LayoutRequest);
    });
  }

  get latest(): number {
    return this.seq;
  }
}
