/** Argument parsing shared by the commands: strict, with `-h/--help` and one way to report bad usage. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';
import { closestName } from '../model/validation/workspace-rules/context';

type WithHelp = ParseArgsConfig & { options: { help: { type: 'boolean'; short: 'h' } } };

/**
 * Parses strictly. Prints `help` and returns undefined for `--help`; throws a CliError (exit 2)
 * naming the problem, followed by `help`, for anything parseArgs refuses.
 */
export function parseCommandArgs<T extends WithHelp>(config: T, help: string): ReturnType<typeof parseArgs<T>> | undefined {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs<T>({ ...config, strict: true });
  } catch (err) {
    throw new CliError(`${unknownOptionMessage(err, Object.keys(config.options)) ?? (err instanceof Error ? err.message : String(err))}\n\n${help}`, 2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return undefined;
  }
  return parsed;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** `unknown option '--stat-dir' (did you mean '--state-dir'?)` for parseArgs' unknown-option error. */
function unknownOptionMessage(err: unknown, known: readonly string[]): string | undefined {
  if ((err as { code?: unknown })?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const given = /Unknown option '([^']+)'/.exec(String((err as Error).message))?.[1];
  if (given === undefined) return undefined;
  const best = closestName(given.replace(/^-+/, '').replace(/=.*$/, ''), known);
  return `unknown option '${given}'${best !== undefined ? ` (did you mean '--${best}'?)` : ''}`;
}
