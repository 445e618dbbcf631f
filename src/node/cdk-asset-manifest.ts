/**
 * The `*.assets.json` that lists a CDK template's container image assets. For a stack's template
 * (`X.template.json`) it is `X.assets.json` beside it. A nested stack's template
 * (`…nested.template.json`) has none of its own: the CDK writes its assets into the parent stack's
 * manifest, which lists the nested template itself as one of its file assets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function assetManifestFileFor(templateFile: string): string | undefined {
  if (!templateFile.endsWith('.template.json')) return undefined;
  const beside = templateFile.slice(0, -'.template.json'.length) + '.assets.json';
  if (existsSync(beside)) return beside;
  if (!templateFile.endsWith('.nested.template.json')) return undefined;
  const dir = path.dirname(templateFile);
  const name = path.basename(templateFile);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.assets.json')).sort();
  } catch {
    return undefined;
  }
  for (const f of files) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { files?: Record<string, { source?: { path?: unknown } }> };
      if (Object.values(manifest.files ?? {}).some((a) => a?.source?.path === name)) return path.join(dir, f);
    } catch {
      // (an unreadable manifest is another stack's problem)
    }
  }
  return undefined;
}
