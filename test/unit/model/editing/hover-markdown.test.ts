/** Hover text from the schemas is clean Markdown: no raw botocore markup. */
import assert from 'node:assert/strict';
import { cleanMarkdown, hoverMarkdown, propertiesAt, SCHEMA_KINDS } from '../../../../src/model/editing/schema-docs';
import type { DefinitionKind } from '../../../../src/model/kinds';

/** Every property path of a kind's schema, down to `depth`. */
function paths(kind: DefinitionKind, prefix: Array<string | number> = [], depth = 4): Array<Array<string | number>> {
  if (depth === 0) return [];
  return propertiesAt(kind, prefix).flatMap(([k]) => [[...prefix, k], ...paths(kind, [...prefix, k], depth - 1)]);
}

/** Text outside code spans and link targets. */
const prose = (md: string) => md.replace(/`[^`\n]*`/g, '').replace(/\[[^\]\n]*\]\([^)]*\)/g, 'LINK');

describe('editing: hover markdown (unit)', () => {
  it('links bare API references, plain-codes starred code spans, escapes placeholders', () => {
    assert.equal(cleanMarkdown('specified during a [SubmitJob] operation'), 'specified during a [SubmitJob](https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html) operation');
    assert.equal(cleanMarkdown('specified with ` *repository-url*/*image*:*tag* `.'), 'specified with `repository-url/image:tag`.');
    assert.equal(cleanMarkdown('see [Job Timeouts](https://x/y) and <id>'), 'see [Job Timeouts](https://x/y) and \\<id\\>');
  });

  it('no hover of any schema property shows a bare [Reference] or emphasis inside code', () => {
    let checked = 0;
    for (const kind of SCHEMA_KINDS) {
      for (const p of paths(kind)) {
        const md = hoverMarkdown(kind, p);
        if (!md) continue;
        checked++;
        assert.doesNotMatch(prose(md), /(?<!\\)\[[A-Z][A-Za-z]+(?<!\\)\](?!\()/, `${kind} ${p.join('.')}: ${md}`);
        assert.doesNotMatch(md, /`\s*\*[^`\n]*\*\s*`/, `${kind} ${p.join('.')}: ${md}`);
        assert.doesNotMatch(prose(md), /(?<!\\)<[a-z_-]+>/i, `${kind} ${p.join('.')}: ${md}`);
      }
    }
    assert.ok(checked > 100, `checked ${checked} hovers`);
  });

  it('a plain description keeps its code spans as code and escapes the rest', () => {
    const md = hoverMarkdown('workflow', ['jobs', 'a', 'dependsOn', 0, 'type'])!;
    assert.match(md, /`N_TO_N`/);
    assert.doesNotMatch(md, /\\`/, md);
  });
});
