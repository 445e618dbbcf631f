/** Pan and zoom of the graph: one transform on the viewport group; wheel zooms, drag pans. */

/** The smallest zoom a graph is first shown at: 12 px labels stay at least about 7 px. */
export const READABLE = 0.6;
export class PanZoom {
  private x = 0;
  private y = 0;
  private k = 1;

  constructor(private readonly svg: SVGSVGElement, private readonly g: SVGGElement) {
    svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    let drag: { x: number; y: number } | undefined;
    svg.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('g.node')) return;
      drag = { x: e.clientX - this.x, y: e.clientY - this.y };
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.x = e.clientX - drag.x;
      this.y = e.clientY - drag.y;
      this.apply();
    });
    svg.addEventListener('pointerup', () => (drag = undefined));
  }

  get scale(): number {
    return this.k;
  }

  zoomAt(factor: number, cx?: number, cy?: number): void {
    const r = this.svg.getBoundingClientRect();
    const px = cx ?? r.width / 2;
    const py = cy ?? r.height / 2;
    const k = Math.min(4, Math.max(0.02, this.k * factor));
    this.x = px - ((px - this.x) * k) / this.k;
    this.y = py - ((py - this.y) * k) / this.k;
    this.k = k;
    this.apply();
  }

  /**
   * Fits a width × height drawing into the visible area, never zooming in past 1 (small graphs are not
   * blown up). With `readable`, never zooms out below READABLE either: a graph too big for that starts
   * at its top-left corner at a size whose labels can be read, and the user pans (Fit shows it all).
   * `insetBottom` is covered (by the legend) and left free.
   */
  fit(width: number, height: number, readable = false, insetBottom = 0): void {
    const r = this.svg.getBoundingClientRect();
    const pad = 24;
    const h = Math.max(2 * pad + 1, r.height - insetBottom);
    const k = Math.min(1, (r.width - 2 * pad) / Math.max(1, width), (h - 2 * pad) / Math.max(1, height));
    this.k = Math.max(readable ? READABLE : 0.02, k);
    this.x = width * this.k <= r.width - 2 * pad ? (r.width - width * this.k) / 2 : pad;
    this.y = height * this.k <= h - 2 * pad ? (h - height * this.k) / 2 : pad;
    this.apply();
  }

  private apply(): void {
    this.g.setAttribute('transform', `translate(${this.x.toFixed(1)},${this.y.toFixed(1)}) scale(${this.k.toFixed(4)})`);
  }
}
