import * as vscode from 'vscode';
import { listAwsProfiles } from '../aws/profiles';
import { readSettings, updateSetting } from '../config';
import type { Ctx } from '../ctx';

export async function selectAwsProfile(_ctx: Ctx): Promise<void> {
  const current = readSettings().awsProfile;
  const profiles = await listAwsProfiles();
  const items: vscode.QuickPickItem[] = [
    { label: '(default credential chain)', description: 'environment, default profile, SSO, container or instance role', picked: !current },
    ...profiles.map((p) => ({ label: p, description: p === current ? 'current' : undefined })),
  ];
  const pick = await vscode.window.showQuickPick(items, { placeHolder: profiles.length === 0 ? 'No profiles in ~/.aws/config or ~/.aws/credentials' : 'AWS profile for the AWS view' });
  if (!pick) return;
  await updateSetting('aws.profile', pick.label.startsWith('(') ? '' : pick.label);
}
