/**
 * The `localbatch` CLI in VS Code's integrated terminals: a launcher (`localbatch`, and
 * `localbatch.cmd` on Windows) in the extension's global storage runs the bundled dist/cli.js with
 * VS Code's own runtime (process.execPath with ELECTRON_RUN_AS_NODE=1), and the folder is prepended
 * to PATH through the terminal environment collection. Nothing needs installing.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as vscode from 'vscode';
import { RUNNER } from './emulator/serveProcess';

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function writeIfChanged(file: string, content: string, mode: number): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
}

/** Writes the launchers and puts their folder first on the terminals' PATH; returns that folder. */
export function offerCliInTerminals(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): string | undefined {
  try {
    const dir = path.join(context.globalStorageUri.fsPath, 'bin');
    mkdirSync(dir, { recursive: true });
    const cli = context.asAbsolutePath('dist/cli.js');
    const env = { ELECTRON_RUN_AS_NODE: '1', LOCALBATCH_CLI: cli, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const posix = ['#!/bin/sh', '# The LocalBatch extension\'s CLI, run with VS Code\'s own runtime.', ...Object.entries(env).map(([k, v]) => `${k}=${sh(v)}; export ${k}`), `exec ${sh(process.execPath)} -e ${sh(RUNNER)} -- "$@"`, ''];
    writeIfChanged(path.join(dir, 'localbatch'), posix.join('\n'), 0o755);
    const cmd = ['@echo off', ...Object.entries(env).map(([k, v]) => `set "${k}=${v}"`), `"${process.execPath}" -e "${RUNNER}" -- %*`, ''];
    writeIfChanged(path.join(dir, 'localbatch.cmd'), cmd.join('\r\n'), 0o755);
    const terminals = context.environmentVariableCollection;
    terminals.description = 'Puts the LocalBatch extension\'s `localbatch` CLI on PATH';
    terminals.prepend('PATH', dir + path.delimiter);
    return dir;
  } catch (err) {
    log.warn(`could not offer the localbatch CLI in terminals: ${(err as Error).message}`);
    return undefined;
  }
}
