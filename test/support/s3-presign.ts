/** Presigned URLs as botocore makes them (`generate_presigned_url`), for plain HTTP clients (fetch, wget). */
import { runProcess, type S3Harness } from './s3-harness';

export async function presign(h: S3Harness, method: 'get_object' | 'put_object', bucket: string, key: string, expiresSec: number, endpoint = h.url): Promise<string> {
  const script = `
import boto3, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=sys.argv[1], config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
print(s3.generate_presigned_url(sys.argv[2], Params={'Bucket': sys.argv[3], 'Key': sys.argv[4]}, ExpiresIn=int(sys.argv[5])))
`;
  const r = await runProcess('python3', ['-c', script, endpoint, method, bucket, key, String(expiresSec)], h.env());
  if (r.status !== 0) throw new Error(`presign failed: ${r.stderr}`);
  return r.stdout.trim();
}
