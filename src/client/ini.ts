/**
 * A reader for AWS's shared config and credentials files (INI): sections of `key = value` lines,
 * `#` / `;` comments, and indented continuation lines (which hold nested settings such as `s3 =`).
 */
export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s[#;].*$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    if (!current) continue;
    if (/^\s/.test(line) && lastKey) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${trimmed}`.replace(/^\n/, ''));
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    lastKey = trimmed.slice(0, eq).trim().toLowerCase();
    current.set(lastKey, trimmed.slice(eq + 1).trim());
  }
  return sections;
}

/**
 * Profile names from the config file (`[default]`, `[profile name]`) and the credentials file
 * (`[name]`), sorted with `default` first. `sso-session` and `services` sections are not profiles.
 */
export function profileNames(configText: string, credentialsText: string): string[] {
  const names = new Set<string>();
  for (const section of parseIni(configText).keys()) {
    if (section === 'default') names.add('default');
    const m = /^profile\s+(.+)$/.exec(section);
    if (m) names.add(m[1].trim());
  }
  for (const section of parseIni(credentialsText).keys()) {
    if (!/\s/.test(section)) names.add(section);
  }
  return [...names].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}
