/** Helpers for the extension-host suite: condition waits with deadlines, never fixed sleeps. */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'localbatch.localbatch';

export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function localbatch(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext;
}

/** The command ids the extension contributes, from its own manifest. */
export function contributedCommands(): string[] {
  const pkg = localbatch().packageJSON as { contributes?: { commands?: Array<{ command: string }> } };
  return (pkg.contributes?.commands ?? []).map((c) => c.command);
}
