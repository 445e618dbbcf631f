import assert from 'node:assert/strict';
import { cursorAt } from '../../../../src/model/editing/cursor';
import { hoverMarkdown, enumValuesAt } from '../../../../src/model/editing/schema-docs';

const at = (textWithBar: string) => ({ text: textWithBar.replace('|', ''), offset: textWithBar.indexOf('|') });

describe('editing: cursor path and schema docs (unit)', () => {
  it('finds the path of a JSON key and value', () => {
    let c = at('{"type": "cont|ainer", "retryStrategy": {"attempts": 3}}');
    assert.deepEqual(cursorAt(c.text, 'json', c.offset), { path: ['type'], isKey: false, token: [9, 20], quoted: true, siblingKeys: ['type', 'retryStrategy'] });
    c = at('{"type": "container", "retryStrategy": {"att|empts": 3}}');
    const k = cursorAt(c.text, 'json', c.offset)!;
    assert.deepEqual([k.path, k.isKey], [['retryStrategy', 'attempts'], true]);
  });

  it('finds the path of a YAML key, value, sequence item and empty value', () => {
    const text = 'type: container\nretryStrategy:\n  attempts: 3\n  evaluateOnExit:\n    - action: EX\nplatformCapabilities: \n';
    const path = (needle: string, d = 0) => cursorAt(text, 'yaml', text.indexOf(needle) + d);
    assert.deepEqual([path('attempts')!.path, path('attempts')!.isKey], [['retryStrategy', 'attempts'], true]);
    assert.deepEqual(path('3')!.path, ['retryStrategy', 'attempts']);
    assert.deepEqual(path('EX', 1)!.path, ['retryStrategy', 'evaluateOnExit', 0, 'action']);
    const empty = cursorAt(text, 'yaml', text.indexOf('platformCapabilities: ') + 'platformCapabilities: '.length)!;
    assert.deepEqual([empty.path, empty.isKey], [['platformCapabilities'], false]);
  });

  it('documents properties from the schema, through $ref and arrays', () => {
    assert.match(hoverMarkdown('jobDefinition', ['type'])!, /^\*\*type\*\* `string`[\s\S]*Allowed values: `container`, `multinode`/);
    assert.match(hoverMarkdown('jobDefinition', ['retryStrategy', 'attempts'])!, /attempts/);
    assert.ok(hoverMarkdown('jobDefinition', ['retryStrategy', 'evaluateOnExit', 0, 'action']));
    assert.ok(hoverMarkdown('workflow', ['jobs', 'any-job', 'jobDefinition']));
    assert.equal(hoverMarkdown('jobDefinition', ['noSuchThing']), undefined);
    assert.deepEqual(enumValuesAt('jobQueue', ['state']), ['ENABLED', 'DISABLED']);
  });
});
