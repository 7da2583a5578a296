// Anything wrong with how a command was called: main.ts prints it as one line and exits with code 2.

export class UsageError extends Error {
  override name = "UsageError";
}
