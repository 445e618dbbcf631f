import assert from 'node:assert/strict';
import { channelPathOf, parseS3Uri } from '../../../src/emulator/training-s3';

describe('Training channels from the local S3: where objects go (unit)', () => {
  it('keeps each object of the prefix at its path after the prefix, skips others and unsafe keys', () => {
    assert.equal(channelPathOf('datasets/iris', 'datasets/iris/a.csv'), 'a.csv');
    assert.equal(channelPathOf('datasets/iris/', 'datasets/iris/sub/b.csv'), 'sub/b.csv');
    assert.equal(channelPathOf('datasets/iris.csv', 'datasets/iris.csv'), 'iris.csv', 'a key equal to the prefix keeps its file name');
    assert.equal(channelPathOf('datasets/iris', 'datasets/iris-old.csv'), '-old.csv', 'S3Prefix matches the key prefix literally');
    assert.equal(channelPathOf('datasets/iris', 'datasets/other/c.csv'), undefined);
    assert.equal(channelPathOf('d/', 'd/sub/'), undefined, 'folder markers are not files');
    assert.equal(channelPathOf('d/', 'd/../../etc/passwd'), undefined);
    assert.equal(channelPathOf('d/', 'd/a//b'), undefined);
  });

  it('parses s3:// URIs', () => {
    assert.deepEqual(parseS3Uri('s3://bucket/a/b'), { bucket: 'bucket', key: 'a/b' });
    assert.deepEqual(parseS3Uri('s3://bucket'), { bucket: 'bucket', key: '' });
    assert.throws(() => parseS3Uri('https://x/y'), /not an s3:\/\/ URI/);
  });
});
