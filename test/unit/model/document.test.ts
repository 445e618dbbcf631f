import assert from 'node:assert/strict';
import { SourceDocument } from '../../../src/model/document';

describe('SourceDocument (unit)', () => {
  it('locates keys and values in JSON', () => {
    const text = '{\n  "jobDefinitionName": "a",\n  "retryStrategy": { "attempts": 11 }\n}\n';
    const doc = SourceDocument.parse('x.jobdef.json', text, 'json');
    assert.deepEqual(doc.syntaxErrors, []);
    assert.deepEqual(doc.rangeOf(['retryStrategy', 'attempts']), { start: { line: 2, column: 33 }, end: { line: 2, column: 35 } });
    assert.deepEqual(doc.rangeOf(['retryStrategy', 'attempts'], 'key').start, { line: 2, column: 21 });
  });

  it('reads YAML values fast but still gives positions and rejects aliases safely', () => {
    const doc = SourceDocument.parse('x.jobdef.yaml', 'a: &x [1, 2]\nb: *x\n', 'yaml');
    assert.deepEqual(doc.value, { a: [1, 2], b: [1, 2] });
    assert.deepEqual(doc.rangeOf(['b']).start, { line: 1, column: 3 });
    const proto = SourceDocument.parse('p.yaml', '__proto__: {polluted: 1}\n', 'yaml');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.prototype.hasOwnProperty.call(proto.value, '__proto__'));
    const dup = SourceDocument.parse('d.yaml', 'a: 1\na: 2\n', 'yaml');
    assert.equal(dup.syntaxErrors.length, 1);
    assert.equal(dup.syntaxErrors[0].range.start.line, 1);
  });

  it('says a second YAML document is one, at its `---`, and an alias bomb in words', () => {
    const two = SourceDocument.parse('m.jobdef.yaml', 'jobDefinitionName: a\ntype: container\n---\njobDefinitionName: b\n', 'yaml');
    assert.equal(two.syntaxErrors.length, 1);
    assert.equal(two.syntaxErrors[0].range.start.line, 2);
    assert.match(two.syntaxErrors[0].message, /more than one YAML document .*move the second to a file of its own/);
    const tens = (name: string, of: string) => `${name}: &${name} [${Array(10).fill(`*${of}`).join(', ')}]\n`;
    const bomb = SourceDocument.parse('b.jobdef.yaml', `a: &a [x]\n${tens('b', 'a')}${tens('c', 'b')}${tens('d', 'c')}`, 'yaml');
    assert.match(bomb.syntaxErrors[0]?.message ?? '', /uses its YAML aliases \(\*name\) too often to read safely/);
    assert.doesNotMatch(bomb.syntaxErrors[0]?.message ?? '', /ReferenceError/);
  });

  it('points an unclosed flow list or mapping at the bracket that opened it, not where the parser gave up', () => {
    const list = SourceDocument.parse('l.jobdef.yaml', 'containerProperties:\n  image: x\n  command: [echo, "hi"\n  vcpus: 1\n', 'yaml');
    assert.deepEqual(list.syntaxErrors.map((d) => [d.range.start.line, d.range.start.column]), [[2, 11]]);
    assert.match(list.syntaxErrors[0].message, /the list opened here with \[ is not closed: end it with \]/);
    const map = SourceDocument.parse('m.jobdef.yaml', 'a:\n  m: {x: 1, y: [2]\n  z: 1\n', 'yaml');
    assert.deepEqual(map.syntaxErrors.map((d) => [d.range.start.line, d.range.start.column]), [[1, 5]]);
    assert.match(map.syntaxErrors[0].message, /the mapping opened here with \{ is not closed: end it with \}/);
    const nested = SourceDocument.parse('n.jobdef.yaml', 'a: [1, [2, 3]\nb: 1\n', 'yaml');
    assert.deepEqual(nested.syntaxErrors.map((d) => [d.range.start.line, d.range.start.column]), [[0, 3]]);
  });

  it('locates keys and values in YAML', () => {
    const text = 'jobDefinitionName: a\nretryStrategy:\n  attempts: 11\ncontainerProperties:\n  command: [echo, hi]\n';
    const doc = SourceDocument.parse('x.jobdef.yaml', text, 'yaml');
    assert.deepEqual(doc.syntaxErrors, []);
    assert.deepEqual(doc.rangeOf(['retryStrategy', 'attempts']), { start: { line: 2, column: 12 }, end: { line: 2, column: 14 } });
    assert.deepEqual(doc.rangeOf(['retryStrategy', 'attempts'], 'key').start, { line: 2, column: 2 });
    assert.deepEqual(doc.rangeOf(['containerProperties', 'command', 1]).start, { line: 4, column: 18 });
  });

  it('falls back to the nearest ancestor for a missing path', () => {
    const doc = SourceDocument.parse('x.jobdef.json', '{"a": {"b": 1}}', 'json');
    assert.deepEqual(doc.rangeOf(['a', 'missing']), doc.rangeOf(['a']));
  });

  it('reports one syntax diagnostic at the error position', () => {
    const doc = SourceDocument.parse('x.jobdef.json', '{\n  "a": 1,\n  "b" 2\n}', 'json');
    assert.equal(doc.value, undefined);
    assert.equal(doc.syntaxErrors.length, 1);
    assert.equal(doc.syntaxErrors[0].range.start.line, 2);
    const y = SourceDocument.parse('x.jobdef.yaml', 'a: 1\nb: [1, 2\n', 'yaml');
    assert.equal(y.syntaxErrors.length, 1);
    assert.equal(y.syntaxErrors[0].rule, 'syntax');
  });

  it('turns empty and absurdly deep input into diagnostics, not exceptions', () => {
    for (const format of ['json', 'yaml'] as const) {
      assert.equal(SourceDocument.parse('e', '', format).syntaxErrors.length, 1);
      for (const n of [1000, 200000]) {
        const deep = SourceDocument.parse('d', '['.repeat(n) + ']'.repeat(n), format);
        assert.equal(deep.syntaxErrors.length, 1);
        assert.match(deep.syntaxErrors[0].message, /nested more than 200 levels/);
      }
      const ok = SourceDocument.parse('d', '['.repeat(150) + ']'.repeat(150), format);
      assert.deepEqual(ok.syntaxErrors, []);
      const block = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
      assert.equal(SourceDocument.parse('b', block, 'yaml').syntaxErrors.length, 1);
    }
  });
});
