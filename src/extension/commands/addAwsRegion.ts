import * as vscode from 'vscode';
import { readSettings, updateSetting } from '../config';
import type { Ctx } from '../ctx';

const COMMON_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'eu-north-1', 'ap-northeast-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'sa-east-1', 'ca-central-1'];

export async function addAwsRegion(_ctx: Ctx): Promise<void> {
  const regions = readSettings().awsRegions;
  const qp = vscode.window.createQuickPick();
  qp.placeholder = 'Region to add to the AWS view (type any region code)';
  qp.items = COMMON_REGIONS.filter((r) => !regions.includes(r)).map((label) => ({ label }));
  const chosen = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label ?? qp.value.trim()));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!chosen) return;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(chosen)) throw new Error(`'${chosen}' is not a region code like us-east-1`);
  if (!regions.includes(chosen)) await updateSetting('aws.regions', [...regions, chosen]);
}
