/**
 * How `localbatch serve` loads the workspace's templates' rules, schedules, topics, subscriptions
 * and buckets into its emulator (through its own APIs), at start and again when a template changes.
 * What the templates put in is remembered in the state folder (`serve-templates.json`), so a load
 * (also the first after a restart) deletes what they no longer declare and resets the subscription
 * attributes they no longer set, as a stack update would. Problems are reported, never fatal.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import type { EmulatorEndpoint } from '../../client/endpoint';
import { isEmpty as isEmptyPipeline, loadPipeline, pipelineOf, unloadPipeline } from '../../client/pipeline-load';
import { goneSince, isNothing, loadedFrom, mergeLoaded, NOTHING_LOADED, notifies, parseLoaded, type LoadedTemplates } from '../../client/pipeline-state';
import { isObj, parseJsonObject } from '../../model/values';
import { writeDurableSync } from '../../emulator/store/durable-files';
import { formatDiagnostic, ZERO_RANGE, type Diagnostic } from '../../model/diagnostics';
import { isBlankTemplate, mightBeIac, parseTemplateDocument } from '../../model/iac';
import type { Workspace } from '../../model/workspace';
import { MAX_FILE_BYTES } from '../../node/definition-files';
import { loadWorkspace } from '../../node/load-workspace';
import { readRegularTextFile } from '../../node/read-file';
import { ownedBy } from '../commands/run';
import { nestedWorkspaceLines } from '../nested-workspaces';
import { buildCdkAssetImages, tagForRunningServer } from './cdk-asset-overrides';
import { clientsFor } from './session';

/** What a load of the templates put into the emulator: the template files read, and what they declared. */
export interface LoadedPipeline {
  readonly files: readonly string[];
  readonly loaded: LoadedTemplates;
}

const SAVED = 'serve-templates.json';

/**
 * Loads the workspace's templates into the emulator at `endpoint` (`previous`: what the last load
 * of this server put in; none at start, when the state folder's record of the last server's is used).
 * `newFiles`: asked because files came or went (a load that finds the same templates does nothing).
 */
export async function loadWorkspacePipeline(endpoint: EmulatorEndpoint, stateDir: string, root: string, runtime: 'docker' | 'scripted', previous?: LoadedPipeline, newFiles = false): Promise<LoadedPipeline> {
  const loaded = await loadWorkspace(root, process.cwd());
  if (!previous) for (const line of nestedWorkspaceLines(loaded, () => 'its rules, schedules and topics are not loaded here')) console.error(line);
  const owned = ownedBy(loaded.root);
  const files = loaded.workspace.templates.map((t) => t.doc.file).filter(owned).map((f) => path.resolve(loaded.root, f));
  // Files came or went, but no template among them: nothing to load again.
  if (previous && newFiles && sameFiles(files, previous.files)) return previous;
  const before = previous ?? (await readSaved(stateDir));
  // A template that no longer parses (saved in the middle of an edit, or while no server ran) or
  // was emptied is not taken as removed: it stays watched, and nothing is deleted or reset until
  // it reads again; the other templates load meanwhile.
  const unreadable = await unreadableTemplates(before.files.filter((f) => !files.includes(f)));
  const held = before.files.filter((f) => unreadable.some((d) => path.resolve(process.cwd(), d.file) === f));
  if (unreadable.length > 0) {
    for (const d of unreadable) console.error(formatDiagnostic(d));
    console.error('localbatch serve: a template does not parse or is empty (above): what it declared stays, and nothing is deleted, until it declares its resources again (delete the file to delete them); the other templates are loaded');
  }
  const watched = [...new Set([...files, ...held])];
  const p = pipelineOf(loaded.workspace, owned);
  // (serve also loads a template whose only pipeline resources are buckets with notifications)
  const nothingToLoad = isEmptyPipeline(p) && !p.buckets.some(notifies);
  const declared = loadedFrom(p);
  const gone = held.length > 0 ? NOTHING_LOADED : goneSince(before.loaded, declared);
  if (nothingToLoad && isNothing(gone)) return remember(stateDir, before, { files: watched, loaded: held.length > 0 ? mergeLoaded(before.loaded, declared) : declared });
  if (runtime === 'docker' && !isEmptyPipeline(p)) await buildAssetsForServe(loaded.workspace);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error' && /^(event-pattern|schedule-expression|input-transformer|target-unknown|sns-|s3-notification-invalid)/.test(d.rule));
  for (const d of errors) console.error(formatDiagnostic(d));
  const { batch } = clientsFor(endpoint);
  try {
    // (attributes are reset only when every template reads: a held one may still set them)
    const result = nothingToLoad ? { lines: [], problems: [] } : await loadPipeline(endpoint, batch, loaded.workspace, p, held.length > 0 ? undefined : before.loaded);
    const unloaded = await unloadPipeline(endpoint, gone);
    console.log(previous ? 'localbatch serve: a template changed; loaded again:' : 'localbatch serve: loaded from the workspace\'s templates:');
    for (const l of [...result.lines, ...unloaded.lines]) console.log(`  ${l}`);
    const problems = [...result.problems, ...unloaded.problems];
    for (const l of problems) console.error(`localbatch serve: ${l}`);
    if (problems.length > 0) console.error('localbatch serve: the rest is loaded; fix the template and save it again (`localbatch validate` checks it at its lines)');
    // A resource that failed to load keeps what the last load set on it pending, and one that could
    // not be deleted is tried again by the next load.
    const next = mergeLoaded(result.problems.length > 0 || held.length > 0 ? mergeLoaded(declared, before.loaded) : declared, unloaded.kept);
    return remember(stateDir, before, { files: watched, loaded: next });
  } catch (err) {
    console.error(`localbatch serve: could not load the templates: ${err instanceof Error ? err.message : String(err)}`);
    return remember(stateDir, before, { files: watched, loaded: mergeLoaded(before.loaded, declared) });
  } finally {
    batch.destroy();
  }
}

/**
 * What the last server put in, from the state folder (nothing when there is no readable record; a
 * FIFO or a folder in its place is no record, and is not waited on).
 */
async function readSaved(stateDir: string): Promise<LoadedPipeline> {
  const text = await readRegularTextFile(path.join(stateDir, SAVED), MAX_FILE_BYTES).catch(() => undefined);
  const v = text === undefined ? undefined : parseJsonObject(text);
  const files = Array.isArray(v?.files) && v.files.every((f) => typeof f === 'string') ? (v.files as string[]) : [];
  const loaded = v && isObj(v.loaded) ? parseLoaded(JSON.stringify(v.loaded)) : undefined;
  return { files: loaded ? files : [], loaded: loaded ?? NOTHING_LOADED };
}

/** Records `now` in the state folder (durably, when it changed) and returns it. */
function remember(stateDir: string, before: LoadedPipeline, now: LoadedPipeline): LoadedPipeline {
  const text = JSON.stringify({ files: now.files, loaded: now.loaded });
  if (text !== JSON.stringify({ files: before.files, loaded: before.loaded }) || !existsSync(path.join(stateDir, SAVED))) {
    try {
      writeDurableSync(path.join(stateDir, SAVED), text);
    } catch (err) {
      console.error(`localbatch serve: could not record what the templates loaded in ${stateDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return now;
}

/** The first syntax error of each file that still looks like a template but does not parse, and each that is now empty. */
async function unreadableTemplates(files: readonly string[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const f of files) {
    const text = await readRegularTextFile(f, MAX_FILE_BYTES).catch(() => undefined);
    const file = path.relative(process.cwd(), f);
    if (text !== undefined && isBlankTemplate(text)) out.push({ file, range: ZERO_RANGE, severity: 'warning', message: 'the template is empty', rule: 'template-empty' });
    if (text === undefined || isBlankTemplate(text) || !mightBeIac(text)) continue;
    const first = parseTemplateDocument(file, text).syntaxErrors[0];
    if (first) out.push(first);
  }
  return out;
}

function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  const sorted = [...b].sort();
  return a.length === b.length && [...a].sort().every((f, i) => f === sorted[i]);
}

/**
 * CDK container image assets of the workspace's job definitions (the ones its rules and schedules
 * submit), built from cdk.out as `run` builds them and tagged with the ECR name the template gives,
 * so this server's engine finds them locally instead of pulling. A build failure is reported, not
 * fatal: the jobs that need the image fail to start with the pull error, as before.
 */
async function buildAssetsForServe(workspace: Workspace): Promise<void> {
  const docker = new Docker();
  const say = (line: string) => console.log(`localbatch serve: ${line}`);
  try {
    const overrides = await buildCdkAssetImages(docker, [...workspace.jobDefinitions.values()], say);
    await tagForRunningServer(docker, overrides, say);
  } catch (err) {
    console.error(`localbatch serve: could not build the CDK image assets: ${err instanceof Error ? err.message : String(err)}`);
  }
}
