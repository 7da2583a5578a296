// A lab: one shared linear memory with segstream's heap in it, and this thread's instance over it.
//
// `Lab.create` makes a fresh memory (a clean heap and ledger); `Lab.attach` joins an existing one
// from another worker thread, sharing its heap, ledger and structures. Everything a thread allocates
// through the lab is accounted for in the one ledger.

import {
  AllocationFailedError, describe, requireBoolean, requireChoice, requireInstance, requireInteger, requireSharedMemory, requireOptions, requirePowerOfTwo,
} from "../errors.js";
import { INTERNAL, requireInternal } from "../internal.js";
import { buildKind, createMemory, instantiate, wasmModule, WASM_PAGE, MAXIMUM_PAGES, type Instance, type RawExports } from "../wasm/module.js";
import { Epochs } from "../epoch/collector.js";
import { SCRATCH_BYTES } from "./scratch.js";
import type { Checkable, LabPort } from "./port.js";
import { TrackedStructures } from "./tracked.js";
import { isLabDescriptor, labDescriptor, looksLikeDescriptor, requireLabDescriptor, requireStructureDescriptor, type LabDescriptor, type StructureDescriptor } from "./share.js";

export type { Checkable, LabPort, LabDescriptor };
import { guardExports } from "./poison.js";
import { withInvariantChecks } from "./invariant-checks.js";
import { Verdicts } from "./verdict.js";
import { CROSSBEAM_VERSIONS, DEFAULT_CROSSBEAM, type CrossbeamVersion } from "../epoch/crossbeam.js";
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

/** The options configure takes (all of LabOptions but reserveBytes, which only Lab.create can honour). */
export type ConfigureOptions = Omit<LabOptions, "reserveBytes">;
const CONFIGURE_KEYS = ["limitBytes", "footprint", "growth", "chunkPages", "largeThreshold", "crossbeam"] as const satisfies readonly (keyof ConfigureOptions)[];
export const LAB_KEYS = [...CONFIGURE_KEYS, "reserveBytes"] as const satisfies readonly (keyof LabOptions)[];

export interface AllocOptions {
  /** A power of two up to 64 KiB. Default 16. */
  align?: number;
  /** Hand the block back zeroed (as calloc). Default false. */
  zeroed?: boolean;
}
const ALLOC_KEYS = ["align", "zeroed"] as const satisfies readonly (keyof AllocOptions)[];

export type FreeOutcome = "freed" | "invalid" | "double";
const FREE_OUTCOMES: readonly FreeOutcome[] = ["freed", "invalid", "double"];
/** heapFree's answer for a live block the lab's own structures own. */
const FREE_NOT_USER = 3;

export interface CheckOptions {
  /** Also read every ZERO block whole to see that it is zero (slow on large heaps). Default false. */
  deep?: boolean;
}

const CHECK_KEYS = ["deep"] as const satisfies readonly (keyof CheckOptions)[];

const DEFAULT_CHUNK_PAGES = 16;
const DEFAULT_LARGE_THRESHOLD = 1 << 20;
const DEFAULT_ALIGN = 16;


/** heapConfigure's arguments, checked. */
/** heapConfigure's arguments, and epochConfigure's crossbeam version index. */
interface Configuration {
  heap: [policy: number, chunkPages: number, footprintModel: number, limitBytes: number, largeThreshold: number];
  crossbeam: number;
}

function configuration(options: Partial<ConfigureOptions>): Configuration {
  const policy = GROWTH_POLICIES.indexOf(requireChoice("growth", options.growth ?? "exact", GROWTH_POLICIES));
  const model = FOOTPRINT_MODELS.indexOf(requireChoice("footprint", options.footprint ?? "segstream", FOOTPRINT_MODELS));
  const chunkPages = requireInteger("chunkPages", options.chunkPages ?? DEFAULT_CHUNK_PAGES, 1, MAXIMUM_PAGES);
  const limit = requireInteger("limitBytes", options.limitBytes ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const threshold = requireInteger("largeThreshold", options.largeThreshold ?? DEFAULT_LARGE_THRESHOLD, 1, Number.MAX_SAFE_INTEGER);
  const crossbeam = CROSSBEAM_VERSIONS.indexOf(requireChoice("crossbeam", options.crossbeam ?? DEFAULT_CROSSBEAM, CROSSBEAM_VERSIONS));
  return { heap: [policy, chunkPages, model, limit, threshold], crossbeam };
}

function applyConfiguration(raw: RawExports, settings: Configuration): void {
  raw.heapConfigure(...settings.heap);
  raw.epochConfigure(settings.crossbeam);
}

export class Lab implements LabPort {
  /**
   * The module's exports for this lab, behind its boundary (poison.ts): a refused argument throws a
   * RangeError, a trap poisons the lab (LabPoisonedError). In the debug build, calls that change
   * state are followed by the heap and epoch checks (invariant-checks.ts).
   */
  readonly raw: RawExports;
  readonly sites: readonly SiteInfo[];
  /** The default epoch collector's participants and state. */
  readonly epoch: Epochs;
  private readonly instance: Instance;
  private readonly verdicts: Verdicts;
  private readonly isPoisoned: () => boolean;
  private readonly closeBoundary: () => void;
  private closed = false;
  private scratchAddress = 0;
  private words: Float64Array | undefined;
  private readonly structures = new TrackedStructures();

  private constructor(token: unknown, readonly memory: WebAssembly.Memory, readonly module: WebAssembly.Module) {
    requireInternal(token, "Lab", "Lab.create(options) or Lab.attach(memory, module)");
    const instance = instantiate(memory, module);
    const guarded = guardExports(instance, memory);
    if (!guarded.raw.heapInit()) throw new RangeError("segstream: the engine refused the heap's start map (32 MiB of linear memory)");
    const checked = buildKind() === "debug" ? withInvariantChecks(guarded.raw, new Verdicts({ ...instance, raw: guarded.raw }, memory)) : undefined;
    this.raw = checked ?? guarded.raw;
    this.isPoisoned = guarded.poisoned;
    this.closeBoundary = guarded.close;
    this.instance = { raw: this.raw, getString: instance.getString };
    this.verdicts = new Verdicts(this.instance, memory);
    this.sites = readSites(this.instance);
    this.epoch = new Epochs(INTERNAL, this);
  }

  /** A fresh memory and heap, configured with `options`. */
  static create(options?: LabOptions): Lab {
    const checked = requireOptions("options", options, LAB_KEYS);
    const settings = configuration(checked);
    const reserve = requireInteger("reserveBytes", checked.reserveBytes ?? 0, 0, MAXIMUM_PAGES * WASM_PAGE);
    const lab = new Lab(INTERNAL, createMemory(), wasmModule());
    applyConfiguration(lab.raw, settings);
    if (reserve && !lab.raw.heapReserve(reserve)) throw new AllocationFailedError(`reserve ${reserve} bytes`, lab.lastFailure());
    return lab;
  }

  /**
   * This thread's instance over a memory another thread created (its configuration is kept). Throws
   * LabPoisonedError if a trap has poisoned that lab.
   */
  static attach(descriptor: LabDescriptor): Lab;
  static attach<T>(descriptor: StructureDescriptor<T>): T;
  static attach(memory: WebAssembly.Memory, module?: WebAssembly.Module): Lab;
  static attach(memory: WebAssembly.Memory | LabDescriptor | StructureDescriptor<unknown>, module?: WebAssembly.Module): unknown {
    if (looksLikeDescriptor(memory)) {
      if (module !== undefined) throw new TypeError(`Lab.attach(descriptor) takes one argument, got a second: ${describe(module)}`);
      if (!isLabDescriptor(memory)) return attachStructure(memory);
      const checked = requireLabDescriptor("descriptor", memory);
      return new Lab(INTERNAL, checked.memory, checked.module);
    }
    requireSharedMemory("memory", memory);
    return new Lab(INTERNAL, memory, module === undefined ? wasmModule() : requireInstance("module", module, WebAssembly.Module, "a WebAssembly.Module"));
  }

  /**
   * A structured-clonable descriptor of this lab (its shared memory and module): post it to a
   * worker and open it there with `Lab.attach(descriptor)`.
   */
  share(): LabDescriptor {
    return labDescriptor(this.memory, this.module);
  }

  /** Changes the heap's configuration (the options Lab.create takes but reserveBytes). */
  configure(options: ConfigureOptions): void {
    applyConfiguration(this.raw, configuration(requireOptions("options", options, CONFIGURE_KEYS, true)));
  }



  /** Whether a trap (on any thread, through any Lab object over this memory) has poisoned the lab. */
  get poisoned(): boolean {
    return this.isPoisoned();
  }

  /** The id of a site, by id or by name. */
  site(site: number | string): number {
    if (typeof site !== "number" && typeof site !== "string") throw new TypeError(`site must be a site id (a number) or name (a string), got ${describe(site)}`);
    const found = typeof site === "number" ? this.sites[site] : this.sites.find((s) => s.name === site);
    if (!found || found.id === 0) {
      throw new RangeError(`site must be a site id from 1 to ${this.sites.length - 1} or a site's name, got ${describe(site)}; sites: ${this.sites.slice(1).map((s) => s.name).join(", ")}`);
    }
    return found.id;
  }

  /** Allocates `bytes` for `site`; throws AllocationFailedError (with the failure record) if refused. */
  alloc(site: number | string, bytes: number, options?: AllocOptions): number {
    const id = this.site(site);
    requireInteger("bytes", bytes, 0, Number.MAX_SAFE_INTEGER);
    const checked = requireOptions("options", options, ALLOC_KEYS);
    const align = requirePowerOfTwo("align", checked.align ?? DEFAULT_ALIGN, 1, WASM_PAGE);
    const zeroed = requireBoolean("zeroed", checked.zeroed ?? false);
    const address = this.raw.heapAlloc(id, bytes, align, zeroed ? 1 : 0) >>> 0;
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
    this.structures.add(requireCheckable(structure));
  }

  untrack(structure: Checkable): void {
    this.structures.delete(requireCheckable(structure));
  }

  /**
   * Runs the invariant checker over the heap (every block, the bins, the large list, the ledger),
   * the epoch collector and every live stream and index made through this lab object; throws
   * InvariantError naming the first invariant broken. Exact while no other thread works on the lab.
   */
  check(options?: CheckOptions): void {
    const deep = requireBoolean("deep", requireOptions("options", options, CHECK_KEYS).deep ?? false);
    const out = this.reserveScratch();
    this.verdicts.require(this.raw.heapCheck(out, deep ? 1 : 0), out, "heap");
    this.verdicts.require(this.raw.epochCheck(out), out, "epoch collector");
    for (const structure of this.structures) this.verdicts.require(structure.checkReport(), out, structure.description);
  }

  ledger(): LedgerSnapshot {
    return readLedger(this.instance, this.sites);
  }

  lastFailure(): FailureRecord | undefined {
    return this.ledger().failures.at(-1);
  }

  /**
   * This lab object's staging buffer for passing values in and out (a "host buffer" block, a MODEL
   * site), reserved once and kept: streams and indexes reserve it when they are created, so reading
   * them later never needs memory a full heap cannot give. Reading it allocates nothing: before
   * reserveScratch() it is 0.
   */
  get scratch(): number {
    return this.scratchAddress;
  }

  /** Allocates the scratch buffer now if it is not there yet; its address (throws AllocationFailedError if refused). */
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
    this.words ??= new Float64Array(this.memory.buffer, this.reserveScratch(), SCRATCH_BYTES / 8);
    return this.words;
  }

  /**
   * Ends this lab object's part in a shared memory: unregisters the epoch participants it made
   * (their deferred functions go to the global queue, as a thread's exit does natively) and gives
   * its scratch buffer back, and its heap thread cache (assembly/memory/thread_cache.ts), so the
   * ledger shows only what the model holds and the memory's last lab is back on the exact path.
   * For a worker thread that is done: every later call through this object, or through a stream,
   * index or participant made with it, throws LabClosedError before entering the module (the
   * memory and the other labs over it are untouched); close() again does nothing.
   */
  close(): void {
    if (this.closed) return;
    this.epoch.unregisterAll();
    if (this.scratchAddress) this.raw.hostBufferFree(this.scratchAddress);
    this.scratchAddress = 0;
    this.words = undefined;
    this.raw.heapThreadDetach();
    this.closeBoundary();
    this.closed = true;
  }

  /** Bytes of the memory as it is now (views are rebuilt after another thread grows it). */
  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

}

/** `value` as a Lab (for the handles' factories: SegmentedStream.create(lab), ...). */
/** Opens a structure descriptor: a lab attached to its memory, then the structure's opener; a refused address closes that lab again. */
function attachStructure(descriptor: { kind: unknown }): unknown {
  const { opener, lab: shared, address } = requireStructureDescriptor<Lab>("descriptor", descriptor);
  const lab = Lab.attach(shared);
  try {
    return opener(lab, address);
  } catch (error) {
    lab.close();
    throw error;
  }
}

export function requireLab(name: string, value: unknown): Lab {
  return requireInstance(name, value, Lab);
}

function requireCheckable(structure: unknown): Checkable {
  if (typeof (structure as Checkable | null)?.checkReport !== "function") {
    throw new TypeError(`structure must be a SegmentedStream or OptimisedIndex (with a checkReport method), got ${describe(structure)}`);
  }
  return structure as Checkable;
}
