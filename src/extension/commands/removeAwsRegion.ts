import { readSettings, updateSetting } from '../config';
import type { Ctx } from '../ctx';

export async function removeAwsRegion(_ctx: Ctx, arg: unknown): Promise<void> {
  const region = (arg as { region?: unknown } | undefined)?.region;
  if (typeof region !== 'string') return;
  await updateSetting('aws.regions', readSettings().awsRegions.filter((r) => r !== region));
}
