import { deployCommand } from './deploy';
import { eventsCommand } from './events';
import { interruptCommand } from './interrupt';
import { imagesCommand } from './images';
import { logsCommand } from './logs';
import { runCommand } from './run';
import { serveCommand } from './serve';
import { stopCommand } from './stop';
import { submitCommand } from './submit';
import { validateCommand } from './validate';

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

export const commands: CliCommand[] = [validateCommand, runCommand, logsCommand, interruptCommand, serveCommand, stopCommand, imagesCommand, deployCommand, submitCommand, eventsCommand];
