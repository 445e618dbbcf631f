/** `localbatch validate [paths…] [--format text|json]`: checks definition files, alone and together. */
import { compareDiagnostics, formatDiagnostic, type Diagnostic } from '../../model/diagnostics';
import { parseSource, validateWorkspace } from '../../model/validation';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS_FILE_NAME } from '../../model/kinds';
import { displayPath, findDefinitionFiles, readGroups, readSources, type ReadSources } from '../../node/definition-files';
import { elsewhereIn, uniqueDiagnostics } from '../../model/workspace-groups';
import { Workspace } from '../../model/workspace';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { secretKeys } from '../../node/secrets-file';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import type { CliCommand } from './index';

const HELP = `Usage: localbatch validate [paths...] [--format text|json]

Validates job definitions (*.jobdef.json|yaml|yml), job queues (*.jobqueue.*), compute
environments (*.computeenv.*), workflows (*.workflow.*), Step Functions state machines
(*.asl.json|yaml|yml) and localbatch.yaml, each on its own and against each other, and the
AWS::Batch resources and state machines (AWS::StepFunctions::StateMachine,
AWS::Serverless::StateMachine, aws_sfn_state_machine) of CloudFormation/CDK/SAM templates (cdk.out
included) and Terraform \`show -json\` files, found by content or listed under templates: in
localbatch.yaml, at their line inside the template. Directories are searched recursively (skipping node_modules, .git and
.localbatch); the default is the current directory.

Options:
  --format text|json  text (default): one line per problem, path:line:column: severity: message [rule],
                      then a summary. json: { files, diagnostics, summary }, positions one-based.
  -h, --help          show this help

Exit status: 0 when there is no error (warnings allowed), 1 when there is an error, 2 on bad usage.`;

export interface ValidateResult {
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
  /** Errors in the files a named file is loaded with (its folder, as `run` loads it), not shown. */
  readonly contextErrors: number;
}

/**
 * Finds, reads and validates the files under `paths`; paths in the result are relative to `cwd`.
 * A file named on its own is checked against the definitions `run` loads with it (every definition
 * under its folder, and the workspace's localbatch.yaml), so its references resolve as they do
 * when it runs; only the named files' problems are reported.
 */
export async function validatePaths(paths: readonly string[], cwd: string): Promise<ValidateResult> {
  const asked = await findDefinitionFiles(paths, cwd);
  if (asked.missing.length > 0) throw new CliError(`no such file or directory: ${asked.missing.join(', ')}`, 2);
  const diagnostics: Diagnostic[] = asked.problems.map((p) => ({
    file: displayPath(p.path, cwd),
    range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
    severity: 'error',
    rule: p.rule,
    message: p.message,
  }));
  const context = new Set<string>();
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    if (!asked.files.includes(abs) && !asked.explicit.has(abs)) continue;
    const folder = path.dirname(abs);
    context.add(folder);
    const root = findWorkspaceRoot(folder);
    if (root && existsSync(path.join(root, SETTINGS_FILE_NAME))) context.add(path.join(root, SETTINGS_FILE_NAME));
  }
  const found = context.size > 0 ? await findDefinitionFiles([...paths, ...context], cwd) : asked;
  const read = await readSources(found, cwd);
  // The workspace root, as `run` finds it: the folder of the nearest localbatch.yaml, else the folder searched.
  const first = path.resolve(cwd, paths[0] ?? '.');
  const folder = asked.files.includes(first) || asked.explicit.has(first) ? path.dirname(first) : first;
  const root = findWorkspaceRoot(folder) ?? folder;
  const groups = validateByWorkspace(read, cwd, root);
  // (a template two workspaces list is checked with each: its problems are reported once)
  const all = [...read.diagnostics, ...uniqueDiagnostics(groups.map((g) => g.diagnostics))];
  if (context.size === 0) return { files: read.files, diagnostics: [...diagnostics, ...all].sort(compareDiagnostics), contextErrors: 0 };
  const wanted = new Set([...asked.files, ...asked.candidates, ...asked.explicit].map((f) => displayPath(f, cwd)));
  const mine = all.filter((d) => wanted.has(d.file));
  // Errors in what `run` loads with the named files: their own workspaces only.
  const loadedWith = groups.filter((g) => [...wanted].some((f) => g.files.has(f)));
  const contextErrors = uniqueDiagnostics([read.diagnostics, ...loadedWith.map((g) => g.diagnostics)])
    .filter((d) => !wanted.has(d.file) && d.severity === 'error' && loadedWith.some((g) => g.files.has(d.file))).length;
  return { files: read.files.filter((f) => wanted.has(f)), diagnostics: [...diagnostics, ...mine].sort(compareDiagnostics), contextErrors };
}

/**
 * Each workspace among the sources (a folder can hold several, each with its localbatch.yaml) is
 * checked on its own, with its own root; `root` is the files' that no localbatch.yaml governs.
 */
function validateByWorkspace(read: ReadSources, cwd: string, root: string): Array<{ files: ReadonlySet<string>; diagnostics: Diagnostic[] }> {
  const groups = readGroups(read, cwd);
  const sources = groups.map((group) => read.sources.filter((s) => group.files.has(s.path)));
  // The other workspaces' definitions, read when a reference is unknown: "x defines it, in another workspace".
  const workspaces = new Map<number, Workspace>();
  const workspace = (i: number) => () => workspaces.get(i) ?? workspaces.set(i, Workspace.fromDocuments(sources[i].map(parseSource).filter((d) => d !== undefined))).get(i)!;
  return groups.map((group, i) => {
    const groupRoot = group.folder ?? root;
    const elsewhere = groups.length > 1 ? elsewhereIn(groups.map((_, j) => j).filter((j) => j !== i).map(workspace)) : undefined;
    return { files: group.files, diagnostics: validateWorkspace(sources[i], { workspaceRoot: groupRoot, secretKeys: secretKeys(groupRoot), elsewhere }) };
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(result: ValidateResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  return `${plural(errors, 'error')}, ${plural(result.diagnostics.length - errors, 'warning')} in ${plural(result.files.length, 'file')}`;
}

export function toJson(result: ValidateResult): object {
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  return {
    files: result.files,
    diagnostics: result.diagnostics.map((d) => ({
      file: d.file,
      line: d.range.start.line + 1,
      column: d.range.start.column + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.column + 1,
      severity: d.severity,
      message: d.message,
      rule: d.rule,
    })),
    summary: { errors, warnings: result.diagnostics.length - errors, files: result.files.length },
  };
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check definition files (job definitions, queues, compute environments, workflows)',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' }, ...HELP_OPTION } }, HELP);
    if (!parsed) return 0;
    const format = parsed.values.format;
    if (format !== 'text' && format !== 'json') throw new CliError(`--format must be text or json, not '${format}'`, 2);
    const result = await validatePaths(parsed.positionals.length > 0 ? parsed.positionals : ['.'], process.cwd());
    if (format === 'json') console.log(JSON.stringify(toJson(result), null, 2));
    else {
      const lines = result.diagnostics.map(formatDiagnostic);
      // (files named that are no definitions, binary or unreadable have said why in their own errors)
      if (result.files.length === 0 && result.diagnostics.length === 0) lines.push('no definition files found (*.jobdef.*, *.jobqueue.*, *.computeenv.*, *.workflow.*, localbatch.yaml)');
      if (result.contextErrors > 0 && result.files.length > 0) {
        lines.push(`note: ${plural(result.contextErrors, 'error')} in other definition files loaded with ${parsed.positionals.length === 1 ? 'this file' : 'these files'} (\`run\` stops on them too): see \`localbatch validate ${path.relative(process.cwd(), path.dirname(path.resolve(parsed.positionals[0]))).split(path.sep).join('/') || '.'}\``);
      }
      lines.push(summaryLine(result));
      process.stdout.write(lines.join('\n') + '\n');
    }
    return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
