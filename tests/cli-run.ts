// Runs the `segstream` command as a child process, as a user would: the host tests share this.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

// dist/tests/cli-run.js -> dist/src/cli/main.js
export const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `segstream ...args`; resolves with the exit code and both streams (rejects only if it cannot run). */
export function cli(...args: string[]): Promise<CliRun> {
  return cliWith(process.env, ...args);
}

/** `segstream ...args` with `env` as its whole environment. */
export function cliWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}
