/**
 * The base images a Dockerfile builds on: its `FROM` lines, with `ARG` defaults (declared before the
 * first FROM) and build args substituted, leaving out `scratch` and earlier stages (`FROM build`).
 * Pure text handling, so it is unit-tested without Docker.
 */

/** Joins `\` continuations and drops comments and blank lines. */
function instructions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    out.push((current + line).trim());
    current = '';
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

function substitute(word: string, vars: ReadonlyMap<string, string>): string {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, fallback?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return vars.get(name) ?? fallback ?? whole;
  });
}

/** The external images `FROM` names, in order, without duplicates. */
export function dockerfileBaseImages(text: string, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const vars = new Map<string, string>();
  const stages = new Set<string>();
  const bases: string[] = [];
  let seenFrom = false;
  for (const ins of instructions(text)) {
    const [keyword, ...rest] = ins.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && !seenFrom) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const value = Object.hasOwn(buildArgs, name) ? buildArgs[name] : eq < 0 ? undefined : decl.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        if (value !== undefined) vars.set(name, value);
      }
    } else if (upper === 'FROM') {
      seenFrom = true;
      const words = rest.filter((w) => !w.startsWith('--'));
      const image = substitute(words[0] ?? '', vars);
      const external = image !== '' && image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase()) && !image.includes('$');
      if (external && !bases.includes(image)) bases.push(image);
      if (words.length >= 3 && words[1].toUpperCase() === 'AS') stages.add(words[2].toLowerCase());
    }
  }
  return bases;
}
