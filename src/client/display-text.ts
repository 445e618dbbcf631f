/** Text shaping for the views: ISO-8601 times in JSON answers, long messages wrapped into lines. */

/** Adds an ISO-8601 copy next to every epoch-millisecond time of an API answer (`createdAt` → `createdAtIso`). */
export function withIsoTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIsoTimes);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = withIsoTimes(v);
    if (/At$/.test(k) && typeof v === 'number' && Number.isFinite(v) && v > 0) out[`${k}Iso`] = new Date(v).toISOString();
  }
  return out;
}

/** Splits a message into lines of at most `width` characters, at spaces where it can. */
export function wrapText(text: string, width = 80): string[] {
  const out: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      for (let w = word; w.length > 0;) {
        const room = line ? width - line.length - 1 : width;
        if (w.length <= room) {
          line = line ? `${line} ${w}` : w;
          w = '';
        } else if (line) {
          out.push(line);
          line = '';
        } else {
          out.push(w.slice(0, width));
          w = w.slice(width);
        }
      }
    }
    if (line) out.push(line);
  }
  return out;
}
