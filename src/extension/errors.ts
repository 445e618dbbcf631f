/** Errors a command reports to the user as they are (a warning, no stack): the user can act on them. */
export class UserError extends Error {
  constructor(
    message: string,
    /** Buttons offered with the message: label → command id. */
    readonly actions: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
