/** Which files may be templates, and which declare nothing at all (src/model/iac/detect.ts). */
import assert from 'node:assert/strict';
import { isBlankTemplate, mightBeIac } from '../../../../src/model/iac';

describe('template detection', () => {
  it('a template commented out whole, or only blank lines and document markers, is blank', () => {
    assert.equal(isBlankTemplate(''), true);
    assert.equal(isBlankTemplate('\n  \r\n'), true);
    assert.equal(isBlankTemplate('# Resources:\n#   T:\n#     Type: AWS::SNS::Topic\n'), true);
    assert.equal(isBlankTemplate('---\n# nothing yet\n...\n'), true);
  });

  it('anything else is not: a key, a JSON brace, a value after a marker', () => {
    assert.equal(isBlankTemplate('# header\nResources: {}\n'), false);
    assert.equal(isBlankTemplate('{}'), false);
    assert.equal(isBlankTemplate('--- x'), false);
    assert.equal(isBlankTemplate('  #x\n  a: 1'), false);
  });

  it('a commented-out template still mentions its resource types (so blankness is asked first)', () => {
    assert.equal(mightBeIac('#     Type: AWS::SNS::Topic\n'), true);
  });
});
