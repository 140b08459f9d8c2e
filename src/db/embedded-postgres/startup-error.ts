/**
 * A start that cannot go on for a reason the operator can fix. main.ts prints it as one line,
 * the cause and the fix, instead of a stack trace.
 */
export class StartupError extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason}. Fix: ${fix}`);
    this.name = 'StartupError';
  }
}
