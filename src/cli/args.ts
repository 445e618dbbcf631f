/** Argument parsing shared by the commands: strict, with `-h/--help` and one way to report bad usage. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

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
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\n\n${help}`, 2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return undefined;
  }
  return parsed;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
