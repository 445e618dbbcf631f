/**
 * An EventBridge target's InputTransformer as EventBridge checks it at PutTargets: InputPathsMap keys
 * and JSON paths, and every `<placeholder>` of the InputTemplate defined by the map or predefined.
 * Pure: used by the emulator (PutTargets) and by validation (rules read from templates).
 */

export interface InputTransformer {
  readonly InputPathsMap?: Record<string, string>;
  readonly InputTemplate?: string;
}

/** Placeholders every InputTemplate may use without defining them. */
export const PREDEFINED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'];

/** Problems with a transformer that AWS refuses at PutTargets (empty when none). */
export function checkInputTransformer(t: InputTransformer): string[] {
  const problems: string[] = [];
  const map = t.InputPathsMap ?? {};
  if (Object.keys(map).length > 100) problems.push('InputPathsMap holds more than 100 entries');
  for (const [name, path] of Object.entries(map)) {
    if (name.startsWith('aws.')) problems.push(`InputPathsMap key "${name}" is reserved: keys cannot start with "aws."`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) problems.push(`InputPathsMap key "${name}" may hold only letters, digits, "_", "-" and "."`);
    if (typeof path !== 'string' || !/^\$(\.[A-Za-z0-9_\-/*]+|\[\d+\]|\[\*\]|\['[^']*'\])*$/.test(path)) problems.push(`InputPathsMap value "${String(path)}" for "${name}" is not a JSON path EventBridge accepts (e.g. $.detail.status)`);
  }
  if (typeof t.InputTemplate !== 'string' || t.InputTemplate.length === 0) problems.push('InputTemplate is required');
  else {
    for (const m of t.InputTemplate.matchAll(/<([^<>\s"]+)>/g)) {
      const name = m[1]!;
      if (!(name in map) && !PREDEFINED.includes(name)) problems.push(`InputTemplate uses <${name}>, which InputPathsMap does not define`);
    }
  }
  return problems;
}

