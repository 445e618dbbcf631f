import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_EMULATOR_PORT } from '../model/types';

/** The extension's settings, read fresh on each call (VS Code caches the configuration itself). */
export interface Settings {
  readonly awsEndpointUrl: string | undefined;
  readonly awsProfile: string | undefined;
  readonly awsRegions: readonly string[];
  readonly awsRefreshIntervalMs: number;
  readonly emulatorPort: number;
  /** Absolute state directory of the emulator, or undefined without a workspace folder. */
  readonly emulatorStateDir: string | undefined;
  /** Seconds the emulator the extension starts may stay idle before it stops by itself; 0: never. */
  readonly emulatorIdleShutdownSeconds: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('localbatch');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const stateDir = c.get<string>('emulator.stateDir', '').trim();
  const nonEmpty = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : undefined);
  return {
    awsEndpointUrl: nonEmpty(c.get<string>('aws.endpointUrl')),
    awsProfile: nonEmpty(c.get<string>('aws.profile')),
    awsRegions: c.get<string[]>('aws.regions', ['us-east-1']).filter((r) => typeof r === 'string' && r !== ''),
    awsRefreshIntervalMs: Math.max(0, c.get<number>('aws.refreshIntervalSeconds', 30)) * 1000,
    emulatorPort: c.get<number>('emulator.port', DEFAULT_EMULATOR_PORT),
    emulatorStateDir: stateDir ? (root && !path.isAbsolute(stateDir) ? path.join(root, stateDir) : stateDir) : root && path.join(root, '.localbatch'),
    emulatorIdleShutdownSeconds: idleSeconds(c.get<number>('emulator.idleShutdownMinutes', DEFAULT_IDLE_SHUTDOWN_MINUTES)),
  };
}

export const DEFAULT_IDLE_SHUTDOWN_MINUTES = 10;

/** `localbatch.emulator.idleShutdownMinutes` as seconds: 0 (or anything not a positive number) is never. */
export function idleSeconds(minutes: unknown): number {
  return typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes * 60) : 0;
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('localbatch').update(key, value, vscode.ConfigurationTarget.Global);
}
