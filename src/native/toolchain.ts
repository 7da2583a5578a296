// The native side's toolchain: cargo, Debian's crates in /usr/share/cargo/registry, and the build of
// native/ (cached in native/target by cargo itself; an up-to-date build takes a fraction of a second).
// Without cargo or the crates, NativeUnavailableError says what to install (the CLI exits 2).

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../cli/args.js";
import type { CrossbeamVersion } from "../epoch/crossbeam.js";

export const DEBIAN_REGISTRY = "/usr/share/cargo/registry";
/** The crates native/ builds from, and the Debian packages that ship them. */
export const NATIVE_CRATES: readonly { crate: string; pkg: string }[] = [
  { crate: "crossbeam-epoch", pkg: "librust-crossbeam-epoch-dev" },
  { crate: "arc-swap", pkg: "librust-arc-swap-dev" },
  { crate: "libc", pkg: "librust-libc-dev" },
  { crate: "criterion", pkg: "librust-criterion-dev" },
];
/** Debian's cargo (bookworm's, Rust 1.63, builds native/, the bench included; rustup's is found first). */
export const CARGO_PACKAGE = "cargo";
export const INSTALL_COMMAND = `apt-get update && apt-get install -y ${[CARGO_PACKAGE, ...NATIVE_CRATES.map((c) => c.pkg)].join(" ")}`;

export class NativeUnavailableError extends UsageError {
  override name = "NativeUnavailableError";
}

/** native/ in the checkout (dist/src/native/ → ../../../native). */
export const NATIVE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../native");

export interface NativeBuild {
  dir: string;
  seedProbe: string;
  seedTables: string;
  /** crossbeam-epoch's version, from native/Cargo.lock. */
  crossbeam: CrossbeamVersion;
  buildMs: number;
}

/** `CARGO` when set (as cargo itself sets it for the programs it runs), else rustup's or Debian's. */
function findCargo(): string | undefined {
  const chosen = process.env.CARGO;
  const candidates = chosen ? [chosen] : [join(process.env.HOME ?? "/root", ".cargo/bin/cargo"), "/root/.cargo/bin/cargo", "/usr/bin/cargo"];
  return candidates.find((c) => existsSync(c));
}

/** What is missing for a native build, or [] when cargo and every crate are there. */
export function missingForNative(): string[] {
  const missing: string[] = [];
  if (!findCargo()) missing.push(process.env.CARGO ? `cargo (CARGO=${process.env.CARGO} does not exist)` : "cargo (rustup, or Debian's cargo package)");
  const present = existsSync(DEBIAN_REGISTRY) ? readdirSync(DEBIAN_REGISTRY) : [];
  for (const c of NATIVE_CRATES) if (!present.some((name) => name.startsWith(`${c.crate}-`))) missing.push(c.pkg);
  return missing;
}

export function crossbeamOfLock(dir: string): CrossbeamVersion {
  const lock = readFileSync(join(dir, "Cargo.lock"), "utf8");
  const version = /name = "crossbeam-epoch"\nversion = "([^"]+)"/.exec(lock)?.[1];
  return version === "0.9.13" ? "0.9.13" : "0.9.20";
}

let built: NativeBuild | undefined;

/** Builds native/ (`cargo build --release --offline`) once per process; throws NativeUnavailableError if it cannot. */
export function buildNative(): NativeBuild {
  if (built) return built;
  const missing = missingForNative();
  if (missing.length) throw new NativeUnavailableError(`native: missing ${missing.join(", ")}; install with: ${INSTALL_COMMAND}`);
  const started = performance.now();
  try {
    execFileSync(findCargo()!, ["build", "--release", "--offline", "--quiet"], { cwd: NATIVE_DIR, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim().split("\n").slice(-3).join(" | ");
    throw new NativeUnavailableError(`native: cargo build failed in ${NATIVE_DIR}: ${stderr}; are the crates installed? ${INSTALL_COMMAND}`);
  }
  const release = join(NATIVE_DIR, "target/release");
  built = { dir: NATIVE_DIR, seedProbe: join(release, "seed-probe"), seedTables: join(release, "seed-tables"), crossbeam: crossbeamOfLock(NATIVE_DIR), buildMs: performance.now() - started };
  return built;
}
