/**
 * What `run` says about the emulator it uses (issue 24 item 4): the `localbatch serve` running on its
 * state directory (and whether localbatch.yaml changed after that server read it), or an emulator of
 * its own; and when another server answers on the port localbatch.yaml names, that it is not the
 * one this run uses.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { ENDPOINT_FILE } from '../../client/endpoint';
import type { Session } from './session';

const PROBE_MS = 1_000;

function shown(p: string): string {
  return path.relative(process.cwd(), p) || '.';
}

/** The lines to print before the run starts. */
export async function emulatorLines(session: Session, stateDir: string, settingsFile: string | undefined, port: number): Promise<string[]> {
  const lines: string[] = [];
  if (!session.host) {
    lines.push(`Emulator: localbatch serve at ${session.endpoint.url} (pid ${session.endpoint.pid ?? '?'}), state in ${shown(stateDir)}`);
    const changed = settingsFile !== undefined && mtime(settingsFile) > mtime(path.join(stateDir, ENDPOINT_FILE));
    if (changed) {
      lines.push(
        `warning: ${shown(settingsFile)} changed after that server started; it still uses the settings it read then (capacity, imageOverrides, images, aws, volumes, ...). Restart it to apply them: localbatch stop${stateDirArg(stateDir)}, then localbatch serve${stateDirArg(stateDir)}`,
      );
    }
    return lines;
  }
  lines.push(`Emulator: this run's own, until it ends (no localbatch serve runs on ${shown(stateDir)}); state in ${shown(stateDir)}`);
  if (await answersOn(port)) {
    lines.push(
      `note: a server answers on port ${port}${settingsFile ? ` (the port ${shown(settingsFile)} names)` : ''}, but not for ${shown(stateDir)}: this run does not use it, and its jobs will not show there. To use it, run with that server's --state-dir.`,
    );
  }
  return lines;
}

function stateDirArg(stateDir: string): string {
  return path.basename(stateDir) === '.localbatch' && path.dirname(stateDir) === process.cwd() ? '' : ` --state-dir ${shown(stateDir)}`;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Whether an HTTP server on 127.0.0.1:port answers like an AWS endpoint (a localbatch serve does). */
async function answersOn(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/localbatch/v1/health`, { signal: AbortSignal.timeout(PROBE_MS) });
    await res.arrayBuffer();
    return res.headers.has('x-amzn-errortype') || res.ok;
  } catch {
    return false;
  }
}
