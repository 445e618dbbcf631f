/**
 * Text widths for node and timeline labels, measured with a canvas 2D context in the webview's font
 * (no DOM layout, cached per text), and truncation with an ellipsis to a width.
 */
const ELLIPSIS = '…';

export class TextMeasure {
  private readonly cache = new Map<string, number>();
  private ctx: CanvasRenderingContext2D | null | undefined;

  /** `weight size` of a CSS font shorthand, e.g. `600 12px`; the family is the document's. */
  constructor(private readonly font: string) {}

  private context(): CanvasRenderingContext2D | null {
    if (this.ctx === undefined) {
      this.ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
      const family = typeof document === 'undefined' ? '' : getComputedStyle(document.body).fontFamily;
      if (this.ctx) this.ctx.font = `${this.font} ${family || 'sans-serif'}`;
    }
    return this.ctx;
  }

  width(text: string): number {
    let w = this.cache.get(text);
    if (w === undefined) {
      const ctx = this.context();
      // Without a canvas (never in a browser) fall back to an average glyph width.
      w = ctx ? ctx.measureText(text).width : text.length * 7.2;
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(text, w);
    }
    return w;
  }

  /** `text` when it fits in `max` px, else its longest prefix that fits followed by an ellipsis. */
  truncate(text: string, max: number): string {
    if (this.width(text) <= max) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(text.slice(0, mid) + ELLIPSIS) <= max) lo = mid;
      else hi = mid - 1;
    }
    return text.slice(0, lo).trimEnd() + ELLIPSIS;
  }
}
