// A lab: one shared linear memory with segstream's heap in it, and this thread's instance over it.
//
// `Lab.create` makes a fresh memory (a clean heap and ledger); `Lab.attach` joins an existing one
// from another worker thread, sharing its heap, ledger and structures. Everything a thread allocates
// through the lab is accounted for in the one ledger.

import { AllocationFailedError, requireInteger, requirePowerOfTwo } from "../errors.js";
import { guardExports, invariantError } from "./guard.js";
import { createMemory, instantiate, wasmModule, buildKind, WASM_PAGE, MAXIMUM_PAGES, type Instance, type RawExports } from "../wasm/module.js";
import { Epochs } from "../epoch/collector.js";
import { SCRATCH_BYTES } from "./scratch.js";
import { CROSSBEAM_VERSIONS, type CrossbeamVersion } from "../epoch/crossbeam.js";
import {
  readLedger, readSites, GROWTH_POLICIES, FOOTPRINT_MODELS,
  type FailureRecord, type FootprintModel, type GrowthPolicy, type LedgerSnapshot, type SiteInfo,
} from "./ledger.js";

export interface LabOptions {
  /** Footprint limit in bytes; 0 or absent: none. */
  limitBytes?: number;
  /** What the limit measures: "segstream" (linear memory the heap takes, the default) or "glibc". */
  footprint?: FootprintModel;
  /** How linear memory grows when no free block fits. Default "exact". */
  growth?: GrowthPolicy;
  /** Growth step for the "chunk" policy, in 64 KiB pages. Default 16 (1 MiB). */
  chunkPages?: number;
  /** Requests of at least this many bytes are logged one by one. Default 1 MiB. */
  largeThreshold?: number;
  /**
   * Bytes of heap to take from the engine up front (Lab.create only), so threads that start later
   * find it there instead of growing the memory as they go. Growth during a run is safe (each
   * instance brings its view of the memory up to date before using what another thread grew:
   * assembly/memory/view.ts); reserving only saves that work. Requests of 128 KiB and more take
   * regions of their own and do not draw on it.
   */
  reserveBytes?: number;
  /** The crossbeam-epoch version modelled (its Local differs): "0.9.20" (default) or "0.9.13" (Debian's). */
  crossbeam?: CrossbeamVersion;
}

export type FreeOutcome = "freed" | "invalid" | "double";
const FREE_OUTCOMES: readonly FreeOutcome[] = ["freed", "invalid", "double"];
/** heapFree's answer for a live block the lab's own structures own. */
const FREE_NOT_USER = 3;

/** A structure a lab can check: a live stream or index handle made through it. */
export interface Checkable {
  /** Runs the structure's invariant check, writing a CheckReport at `out`; returns its code. */
  checkInto(out: number): number;
  readonly description: string;
}

export interface CheckOptions {
  /** Also read every ZERO block whole to see that it is zero (slow on large heaps). Default false. */
  deep?: boolean;
}

/** CheckReport (assembly/memory/check.ts): 24 bytes. */
const CHECK_REPORT_BYTES = 24;

const DEFAULT_CHUNK_PAGES = 16;
const DEFAULT_LARGE_THRESHOLD = 1 << 20;
const DEFAULT_ALIGN = 16;


export class Lab {
  readonly raw: RawExports;
  readonly sites: readonly SiteInfo[];
  /** The default epoch collector's participants and state. */
  readonly epoch: Epochs;
  private readonly instance: Instance;
  private scratchAddress = 0;
  private words: Float64Array | undefined;
  private readonly structures = new Set<Checkable>();

  private constructor(readonly memory: WebAssembly.Memory, readonly module: WebAssembly.Module) {
    const bare = instantiate(memory, module);
    const checkEveryCall = buildKind() === "debug";
    // The debug build's after-call checks write their verdicts here: a block of this thread's own,
    // taken before anything else (only in that build), so no call's output is overwritten.
    const report = checkEveryCall ? bare.raw.hostBufferAlloc(CHECK_REPORT_BYTES) >>> 0 : 0;
    this.raw = guardExports(bare.raw, memory, { getString: bare.getString, checkEveryCall, reportBuffer: () => report });
    this.instance = { raw: this.raw, getString: bare.getString };
    this.sites = readSites(this.instance);
    this.epoch = new Epochs(this);
  }

  /** A fresh memory and heap, configured with `options`. */
  static create(options: LabOptions = {}): Lab {
    const lab = new Lab(createMemory(), wasmModule());
    lab.configure(options);
    const reserve = requireInteger("reserveBytes", options.reserveBytes ?? 0, 0, MAXIMUM_PAGES * WASM_PAGE);
    if (reserve && !lab.raw.heapReserve(reserve)) throw new AllocationFailedError(`reserve ${reserve} bytes`, lab.lastFailure());
    return lab;
  }

  /** This thread's instance over a memory another thread created (its configuration is kept). */
  static attach(memory: WebAssembly.Memory, module: WebAssembly.Module = wasmModule()): Lab {
    if (!(memory instanceof WebAssembly.Memory)) throw new TypeError("memory must be a WebAssembly.Memory");
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new TypeError("memory must be shared");
    return new Lab(memory, module);
  }

  configure(options: LabOptions): void {
    const growth = options.growth ?? "exact";
    const policy = GROWTH_POLICIES.indexOf(growth);
    if (policy < 0) throw new RangeError(`growth must be one of ${GROWTH_POLICIES.join(", ")}, got ${String(growth)}`);
    const model = FOOTPRINT_MODELS.indexOf(options.footprint ?? "segstream");
    if (model < 0) throw new RangeError(`footprint must be one of ${FOOTPRINT_MODELS.join(", ")}, got ${String(options.footprint)}`);
    const chunkPages = requireInteger("chunkPages", options.chunkPages ?? DEFAULT_CHUNK_PAGES, 1, MAXIMUM_PAGES);
    const limit = requireInteger("limitBytes", options.limitBytes ?? 0, 0, Number.MAX_SAFE_INTEGER);
    const threshold = requireInteger("largeThreshold", options.largeThreshold ?? DEFAULT_LARGE_THRESHOLD, 1, Number.MAX_SAFE_INTEGER);
    this.raw.heapConfigure(policy, chunkPages, model, limit, threshold);
    this.configureCrossbeam(options.crossbeam);
  }

  private configureCrossbeam(version: CrossbeamVersion | undefined): void {
    const index = CROSSBEAM_VERSIONS.indexOf(version ?? "0.9.20");
    if (index < 0) throw new RangeError(`crossbeam must be one of ${CROSSBEAM_VERSIONS.join(", ")}, got ${String(version)}`);
    this.raw.epochConfigure(index);
  }

  /** The id of a site, by id or by name. */
  site(site: number | string): number {
    const found = typeof site === "number" ? this.sites[site] : this.sites.find((s) => s.name === site);
    if (!found || found.id === 0) throw new RangeError(`unknown site ${JSON.stringify(site)}; sites: ${this.sites.slice(1).map((s) => s.name).join(", ")}`);
    return found.id;
  }

  /** Allocates `bytes` for `site`; throws AllocationFailedError (with the failure record) if refused. */
  alloc(site: number | string, bytes: number, options: { align?: number; zeroed?: boolean } = {}): number {
    const id = this.site(site);
    requireInteger("bytes", bytes, 0, Number.MAX_SAFE_INTEGER);
    const align = requirePowerOfTwo("align", options.align ?? DEFAULT_ALIGN, 1, WASM_PAGE);
    const address = this.raw.heapAlloc(id, bytes, align, options.zeroed ? 1 : 0) >>> 0;
    if (address === 0) throw new AllocationFailedError(`alloc(${bytes})`, this.lastFailure());
    return address;
  }

  /**
   * Frees a block `alloc` handed out; a bad free (an address no block starts at, or a block already
   * free) is reported and recorded in the ledger, never thrown. A live block of the lab's own
   * structures (a stream, its pages, the scratch buffer) is refused with a RangeError, untouched.
   */
  free(address: number, site: number | string): FreeOutcome {
    requireInteger("address", address, 0, 0xffff_ffff);
    const outcome = this.raw.heapFree(address, this.site(site));
    if (outcome === FREE_NOT_USER) throw new RangeError(`address ${address} is a block of the lab's own structures, not one lab.alloc handed out`);
    return FREE_OUTCOMES[outcome];
  }

  /**
   * Has the `n`-th allocation from now (1: the next one, whatever asks for it) refused with reason
   * "injected", as a full heap would refuse it; 0 disarms. For fault-injection tests.
   */
  injectFailure(n: number): void {
    this.raw.heapInjectFailure(requireInteger("n", n, 0, 0xffff_ffff));
  }

  /** Allocations asked for so far (granted or refused), and whether an injected refusal is still armed. */
  get allocationCalls(): number {
    return this.raw.heapAllocCalls();
  }

  get injectionArmed(): boolean {
    return this.raw.heapInjectPending() !== 0;
  }

  /** Registers a live stream or index for check() (its handle calls this; it untracks at drop). */
  track(structure: Checkable): void {
    this.structures.add(structure);
  }

  untrack(structure: Checkable): void {
    this.structures.delete(structure);
  }

  /**
   * Runs the invariant checker over the heap (every block, the bins, the large list, the ledger),
   * the epoch collector and every live stream and index made through this lab object; throws
   * InvariantError naming the first invariant broken. Exact while no other thread works on the lab.
   */
  check(options: CheckOptions = {}): void {
    const out = this.scratch;
    this.verdict(this.raw.heapCheck(out, options.deep ? 1 : 0), out, "heap");
    this.verdict(this.raw.epochCheck(out), out, "epoch collector");
    for (const structure of this.structures) this.verdict(structure.checkInto(out), out, structure.description);
  }

  private verdict(code: number, out: number, what: string): void {
    if (code !== 0) throw invariantError(this.memory, out, this.instance.getString(this.raw.checkCodeName(code)), what);
  }

  ledger(): LedgerSnapshot {
    return readLedger(this.instance, this.sites);
  }

  lastFailure(): FailureRecord | undefined {
    return this.ledger().failures.at(-1);
  }

  /**
   * This lab object's staging buffer for passing values in and out (a "host buffer" block, a MODEL
   * site), allocated on first use and kept: streams and indexes ask for it when they are created,
   * so reading them later never needs memory a full heap cannot give.
   */
  get scratch(): number {
    return this.scratchAddress || this.reserveScratch();
  }

  /** Allocates the scratch buffer now if it is not there yet (throws AllocationFailedError if refused). */
  reserveScratch(): number {
    if (this.scratchAddress === 0) {
      const address = this.raw.hostBufferAlloc(SCRATCH_BYTES) >>> 0;
      if (address === 0) throw new AllocationFailedError(`scratch buffer (${SCRATCH_BYTES} bytes)`, this.lastFailure());
      this.scratchAddress = address;
    }
    return this.scratchAddress;
  }

  /**
   * The staging buffer as words, made once: the block never moves and a shared memory's storage
   * is never replaced, so the view stays valid however the memory grows.
   */
  get scratchWords(): Float64Array {
    this.words ??= new Float64Array(this.memory.buffer, this.scratch, SCRATCH_BYTES / 8);
    return this.words;
  }

  /**
   * Ends this lab object's part in a shared memory: unregisters the epoch participants it made
   * (their deferred functions go to the global queue, as a thread's exit does natively) and gives
   * its scratch buffer back, so the ledger shows only what the model holds. For a worker thread
   * that is done; the object must not be used afterwards.
   */
  close(): void {
    this.epoch.unregisterAll();
    if (this.scratchAddress) this.raw.hostBufferFree(this.scratchAddress);
    this.scratchAddress = 0;
    this.words = undefined;
  }

  /** Bytes of the memory as it is now (views are rebuilt after another thread grows it). */
  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

}
