// Headless Chromium for the tests that render pages (report.test.ts, dhat-viewer.test.ts): Debian's
// `chromium`, which .ci/run installs. Under CI a missing chromium fails the test; elsewhere it skips.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { TestContext } from "node:test";

export interface ChromiumResult { code: number | null; stdout: string; stderr: string }

/** The chromium binary, or undefined (after failing under CI, or marking the test skipped) if there is none. */
export function requireChromium(t: TestContext, what: string): string | undefined {
  const bin = findChromium();
  if (bin) return bin;
  if (process.env.CI) assert.fail("chromium not found (looked for /usr/bin/chromium and chromium on PATH): .ci/run must install Debian's chromium (apt-get install -y chromium)");
  t.skip(`chromium is not installed (apt-get install -y chromium); ${what} is not checked`);
  return undefined;
}

export function findChromium(): string | undefined {
  const candidates = ["/usr/bin/chromium", ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, "chromium"))];
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const CHROMIUM_TIMEOUT_MS = 60_000;

/** Runs Chromium headless (profile: an empty directory the caller removes) in its own process group, killed whole on timeout (and after it exits). */
export function runChromium(bin: string, args: string[], profile: string): Promise<ChromiumResult> {
  const flags = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...flags, ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`chromium did not finish within ${CHROMIUM_TIMEOUT_MS / 1000} s\n${stderr.slice(-2000)}`));
    }, CHROMIUM_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, stdout, stderr });
    });
  });
}
