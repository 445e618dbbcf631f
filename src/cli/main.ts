/** The `localbatch` command: a table of subcommands, each in its own module under commands/. */
import { commands, type CliCommand } from './commands';
import { CliError } from './errors';

import { VERSION } from '../version';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: localbatch <command> [options]', '', 'Commands:', ...lines, '', 'Run `localbatch <command> --help` for the options of one command.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    console.log(VERSION);
    return 0;
  }
  const command: CliCommand | undefined = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`localbatch: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`localbatch ${name}: ${err.message}`);
      return err.exitCode;
    }
    if ((err as { userFacing?: unknown })?.userFacing === true) {
      console.error(`localbatch ${name}: ${(err as Error).message}`);
      return 1;
    }
    console.error(`localbatch ${name}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
