// Issue 7: a refused allocation never loses work or corrupts a structure. Every operation of the
// lab's structures, run with its k-th allocation refused for every k it makes (fault-sweep.ts says
// what is checked after each refusal), in the states that reach each allocating path: streams of
// every variant across rollovers at 1, 64 and 4,096 slots a page; indexes growing their tables from
// capacity 0 and from a small capacity; epoch pins, defers (inline and boxed captures), flushes and
// collects with one to three participants, nested pins and a stalled participant; a standalone
// ArcSwap's store and load_full.
//
// A script whose runs find a defect in assembly/ or src/ keeps its assertions and is marked todo
// (KNOWN_DEFECTS, one line on what is lost or corrupted), so the suite stays green until the fix.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AllocationFailedError, STREAM_VARIANTS, runProbe, type LabOptions, type ProbeOptions, type StreamVariant } from "../../src/index.js";
import { runScenario } from "../../src/scenarios/run-scenario.js";
import { applyScenario } from "../../src/scenarios/scenario.js";
import { SEED_SCENARIO } from "../../src/scenarios/seed.js";
import { captureLabs, callsMade } from "./capture-lab.js";
import { Lab, SegmentedStream } from "../../src/index.js";
import { startWorker } from "../workers/start.js";
import type { AppendSummary } from "../workers/append-worker.js";
import { checkAfterRefusal, type LifeSpec } from "./refused-run.js";
import { sweep, assertSweep, type FaultScript, type Step } from "./fault-sweep.js";
import { BatchAppend, type StreamModel } from "./models.js";
import { primeEpoch, EPOCH_STATES, MAX_OBJECTS, type EpochState } from "./epoch-states.js";
import { SWEEP, BUILD, scaled } from "./budget.js";
import { prng } from "../prng.js";
import type { World } from "./world.js";

const FILE = "dist/tests/reliability/oom.test.js";
const PAGE_SIZES = [1, 64, 4096] as const;

/** The defects the sweeps find (assembly/ or src/), one line each: what is lost or corrupted. */
const DEFECT = {
  rolloverRegistration: "epoch-deferred rollover with this thread's participant registration refused: the new page is pushed and linked but active_page stays on the full page (check: active page); the retried append installs a second page and read() returns (0, 0) for a value never appended",
  deferLosesPage: "epoch-deferred rollover or drop whose epoch defer is refused (full bag, node push refused) loses active_page's old reference: one page (56 + 16 x slots B) leaked",
  dropRegistration: "epoch-deferred drop with this thread's participant registration refused never gives active_page's reference back: one page (56 + 16 x slots B) leaked",
  collectLosesBag: "a collect whose deferral of the retired sentinel is refused (full bag, node push refused) has already popped a bag and never runs it: its 64 deferred functions are lost (pages leak) and the old sentinel node leaks",
  upsertUnindexed: "upsert with the table growth refused leaves the value in the index's stream unindexed (streamLength one too many); the retry appends it a second time",
  indexCreateCleanup: "index create with the table refused cleans up by the stream variant's Drop: as-written leaks its first page (56 + 16 x slots B), box-drop frees 16 bytes into the ArcInner and leaks it (56 B), though indexNew promises nothing left allocated",
  probeDrainGuard: "src/probe/probe.ts drainEpoch: a refused flush leaves its guard pinned (no finally), so the probe's lab can never advance its epoch again",
} as const;

/** Scripts whose runs find a defect: the todo line says what is lost or corrupted. */
const KNOWN_DEFECTS: { match: RegExp; defects: (keyof typeof DEFECT)[] }[] = [];

/** The todo option for a test of that name: its defects' lines, if it has any. */
function todoFor(name: string): { todo?: string } {
  const known = KNOWN_DEFECTS.find((d) => d.match.test(name));
  return known ? { todo: known.defects.map((d) => DEFECT[d]).join(" | ") } : {};
}

const cases: Record<string, number> = {};

function define(family: string, script: FaultScript): void {
  test(script.name, todoFor(script.name), (t) => {
    const result = sweep(script, SWEEP);
    cases[family] = (cases[family] ?? 0) + result.cases;
    t.diagnostic(`${result.cases} runs, ${result.allocations} allocations`);
    assertSweep(script, result, FILE);
  });
}

/** Epoch states worth starting this thread's participant in before a stream operation of `variant`. */
function epochStatesFor(variant: StreamVariant): readonly (EpochState | undefined)[] {
  return variant === "epoch-deferred" ? EPOCH_STATES : [undefined];
}

/** Primes this thread's own participant (the one stream drops and rollovers pin), unless fresh. */
function primeCurrent(world: World, state: EpochState | undefined): void {
  if (state === undefined) return;
  world.allocateCounters(1);
  if (state !== "fresh") primeEpoch(world, world.actor(world.lab.epoch.current()), state, world.counters[0]);
}

function label(variant: StreamVariant, pageSlots: number, state: EpochState | undefined): string {
  return `${variant}, pageSlots ${pageSlots}${state ? `, this thread's participant ${state}` : ""}`;
}

/** A stream holding `values` values, built in setup. */
function streamWith(world: World, variant: StreamVariant, pageSlots: number, values: number): StreamModel {
  const stream = world.createStream({ variant, pageSlots });
  if (values > 0) new BatchAppend(stream, world.values(values)).run();
  return stream;
}

// --- streams ---

for (const variant of STREAM_VARIANTS) {
  for (const pageSlots of PAGE_SIZES) {
    define("stream create", {
      name: `stream create: ${label(variant, pageSlots, undefined)}`,
      setup: (world) => {
        world.lab.reserveScratch();
        return [() => void world.createStream({ variant, pageSlots })];
      },
    });
    define("stream create", {
      name: `stream create as the lab's first structure (its scratch buffer too): ${label(variant, pageSlots, undefined)}`,
      setup: (world) => [() => void world.createStream({ variant, pageSlots })],
    });
    for (const state of epochStatesFor(variant)) {
      // Four full pages: the next append rolls over to a fifth page, growing the Vec from 4 to 8.
      for (const pages of [1, 4]) {
        if (state === "fresh" && pages > 1) continue; // the rollovers that build it register the participant
        define("stream append", {
          name: `stream append rolling over to page ${pages + 1}: ${label(variant, pageSlots, state)}`,
          setup: (world) => {
            const stream = streamWith(world, variant, pageSlots, pages * pageSlots);
            primeCurrent(world, state);
            return [() => stream.append(world.nextValue())];
          },
        });
      }
      const batch = pageSlots === 1 ? 70 : pageSlots === 64 ? 64 * 6 + 5 : 2 * 4096 + 100;
      define("stream appendBatch", {
        name: `stream appendBatch of ${batch} across rollovers: ${label(variant, pageSlots, state)}`,
        setup: (world) => {
          const stream = streamWith(world, variant, pageSlots, pageSlots >> 1);
          primeCurrent(world, state);
          const append = new BatchAppend(stream, world.values(batch));
          return [() => append.run()];
        },
      });
      if (pageSlots < 4096) {
        const count = pageSlots === 1 ? 24 : 2 * 64 + 3;
        define("stream append", {
          name: `stream ${count} appends one by one: ${label(variant, pageSlots, state)}`,
          setup: (world) => {
            const stream = streamWith(world, variant, pageSlots, 1);
            primeCurrent(world, state);
            return world.values(count).map((value) => () => stream.append(value));
          },
        });
      }
      define("stream drop", {
        // A fresh participant is still fresh only if nothing rolled over: one page then.
        name: `stream drop: ${label(variant, pageSlots, state)}`,
        setup: (world) => {
          const stream = streamWith(world, variant, pageSlots, state === "fresh" ? 1 : 3 * pageSlots + 1);
          primeCurrent(world, state);
          return [() => world.dropStream(stream)];
        },
      });
    }
    define("stream read", {
      name: `stream read and get: ${label(variant, pageSlots, undefined)}`,
      setup: (world) => {
        const stream = streamWith(world, variant, pageSlots, 2 * pageSlots + 1);
        return [() => stream.verify("read under injection")];
      },
    });
  }
}

// --- indexes ---

for (const variant of STREAM_VARIANTS) {
  for (const capacity of [0, 5]) {
    for (const pageSlots of [1, 64]) {
      const what = `${variant}, capacity ${capacity}, pageSlots ${pageSlots}`;
      define("index create", {
        name: `index create: ${what}`,
        setup: (world) => {
          world.lab.reserveScratch();
          return [() => void world.createIndex(variant, capacity, pageSlots)];
        },
      });
      // Enough keys for the table to double several times (7/8 load: at 8, 15, 29, ... keys),
      // every third upsert replacing an earlier key.
      const upserts = 40;
      define("index upsert", {
        name: `index ${upserts} upserts with table growth: ${what}`,
        setup: (world) => {
          const index = world.createIndex(variant, capacity, pageSlots);
          return world.values(upserts).map((value, i) => () => {
            index.upsert(i % 3 === 2 && index.upserts.length > 0 ? [index.upserts[0][0], value[1]] : value);
          });
        },
      });
      for (const state of epochStatesFor(variant)) {
        define("index drop", {
          name: `index drop: ${what}${state ? `, this thread's participant ${state}` : ""}`,
          setup: (world) => {
            const index = world.createIndex(variant, capacity, pageSlots);
            const rollovers = state === "fresh" ? 0 : 2 * pageSlots;
            for (const value of world.values(rollovers + 1)) index.upsert(value);
            primeCurrent(world, state);
            return [() => world.dropIndex(index)];
          },
        });
      }
    }
  }
}

// A HashMap table (hashbrown: 4 buckets from none, then doubling; one request of entries and
// control bytes) refused at every step, created and grown, as the flat one above.
for (const variant of ["as-written", "explicit-drop", "epoch-deferred"] as const) {
  for (const capacity of [0, 3]) {
    const what = `${variant}, hashbrown table, capacity ${capacity}`;
    define("index create", {
      name: `index create: ${what}`,
      setup: (world) => {
        world.lab.reserveScratch();
        return [() => void world.createIndex(variant, capacity, 4, "hashbrown")];
      },
    });
    define("index upsert", {
      name: `index 40 upserts with table growth: ${what}`,
      setup: (world) => {
        const index = world.createIndex(variant, capacity, 4, "hashbrown");
        return world.values(40).map((value) => () => index.upsert(value));
      },
    });
  }
}

// --- epoch ---

for (const state of EPOCH_STATES) {
  for (const others of [0, 1, 2]) {
    define("epoch pin", {
      name: `epoch pin: a participant ${state}, ${others} other participant(s) registered`,
      setup: (world) => {
        world.allocateCounters(1);
        for (let i = 0; i < others; i++) primeEpoch(world, world.actor(), "registered", world.counters[0]);
        const actor = world.actor();
        primeEpoch(world, actor, state, world.counters[0]);
        return [() => world.pin(actor), () => world.release(actor)];
      },
    });
  }
  for (const capture of [8, 24, 32, 100]) {
    define("epoch defer", {
      name: `epoch defer ×${MAX_OBJECTS + 6} capturing ${capture} bytes: a participant ${state}`,
      setup: (world) => {
        world.allocateCounters(2);
        const actor = world.actor();
        primeEpoch(world, actor, state, world.counters[0]);
        const steps: Step[] = [() => world.pin(actor)];
        for (let i = 0; i < MAX_OBJECTS + 6; i++) steps.push(() => world.defer(actor, world.counters[1], capture));
        steps.push(() => world.release(actor));
        return steps;
      },
    });
  }
  define("epoch flush", {
    name: `epoch flush with a partial bag: a participant ${state}`,
    setup: (world) => {
      world.allocateCounters(2);
      const actor = world.actor();
      primeEpoch(world, actor, state, world.counters[0]);
      return [
        () => world.pin(actor), () => world.defer(actor, world.counters[1], 40), () => world.flush(actor),
        () => world.flush(actor), () => world.release(actor),
      ];
    },
  });
}

define("epoch collect", {
  name: "epoch collect: pin/flush/release rounds drain two expired bags with a full bag, 3 participants",
  setup: (world) => {
    world.allocateCounters(1);
    const actors = [world.actor(), world.actor(), world.actor()];
    // collect-due last: the others' first pins collect, which would pop its bags early.
    primeEpoch(world, actors[2], "registered", world.counters[0]);
    primeEpoch(world, actors[1], "bag-full", world.counters[0]);
    primeEpoch(world, actors[0], "collect-due", world.counters[0]);
    const steps: Step[] = [];
    for (let round = 0; round < 4; round++) {
      for (const a of actors) steps.push(() => world.pin(a), () => world.flush(a), () => world.release(a));
    }
    return steps;
  },
});

/**
 * A seeded random sequence of epoch operations over `participants` participants, one of which
 * (when `stalled`) holds a guard throughout: nested pins up to depth 3, defers with inline and
 * boxed captures, bursts that fill bags, flushes, and pin/release runs that reach the collect cadence.
 */
function randomEpochSteps(world: World, seed: number, participants: number, stalled: boolean, length: number): Step[] {
  const rand = prng(seed);
  world.allocateCounters(participants);
  const actors = Array.from({ length: participants }, () => world.actor());
  const depth = actors.map(() => 0);
  const steps: Step[] = [];
  const pin = (i: number) => { depth[i]++; steps.push(() => world.pin(actors[i])); };
  const release = (i: number) => { depth[i]--; steps.push(() => world.release(actors[i])); };
  const defer = (i: number) => {
    const capture = rand() < 0.7 ? 8 : [0, 24, 25, 48, 200][Math.floor(rand() * 5)];
    steps.push(() => world.defer(actors[i], world.counters[i], capture));
  };
  if (stalled) pin(participants - 1);
  for (let n = 0; n < length; n++) {
    const i = Math.floor(rand() * (stalled ? participants - 1 : participants));
    const r = rand();
    if (depth[i] === 0) {
      if (r < 0.05) for (let k = 0; k < 130; k++) { pin(i); release(i); }
      pin(i);
    } else if (r < 0.45) {
      defer(i);
    } else if (r < 0.5) {
      for (let k = 0; k < MAX_OBJECTS; k++) defer(i);
    } else if (r < 0.6) {
      steps.push(() => world.flush(actors[i]));
    } else if (r < 0.7 && depth[i] < 3) {
      pin(i);
    } else {
      release(i);
    }
  }
  actors.forEach((_, i) => { while (depth[i] > 0) release(i); });
  return steps;
}

const EPOCH_SEQUENCES = Array.from({ length: 12 }, (_, i) => ({ seed: i + 1, participants: 1 + (i % 3), stalled: i % 3 !== 0 && i % 2 === 1 }));

for (const { seed, participants, stalled } of EPOCH_SEQUENCES) {
  const length = scaled(160, 80);
  define("epoch sequence", {
    name: `epoch random sequence, seed ${seed}: ${participants} participant(s)${stalled ? ", one stalled throughout" : ""}, ${length} operations`,
    setup: (world) => randomEpochSteps(world, seed, participants, stalled, length),
  });
}

// --- ArcSwap<Page> (lab.raw.arcSwapPage*) ---

for (const slots of [1, 64, 4096]) {
  define("arcswap", {
    name: `ArcSwap create, store ×6, load_full, drop: ${slots} slots a page`,
    setup: (world) => {
      world.lab.reserveScratch();
      const steps: Step[] = [() => void world.createSwap(slots)];
      for (let n = 1; n <= 6; n++) {
        steps.push(() => world.swaps[0].store(n));
        if (n % 2 === 0) steps.push(() => world.swaps[0].loadFull());
      }
      steps.push(() => world.swaps[0].releaseLoaded(), () => world.dropSwap(world.swaps[0]));
      return steps;
    },
  });
}

// --- mixed: seeded random operations over several structures at once ---

/**
 * A seeded random script over streams of `variants` (and, when `indexes`, OptimisedIndexes holding
 * them) and ArcSwaps: creates, single and batch appends, upserts, stores, load_fulls and drops, so
 * that a refusal in one structure is checked against all the others.
 */
function randomMixedSteps(world: World, seed: number, variants: readonly StreamVariant[], indexes: boolean, length: number): Step[] {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  world.lab.reserveScratch();
  const steps: Step[] = [];
  // Every draw is made here, never in a step, so a step retried after a refusal does what it did in
  // the fault-free run; a step finds its structure among the live ones by a fraction drawn here.
  let streams = 0;
  let indexCount = 0;
  let swaps = 0;
  for (let n = 0; n < length; n++) {
    const r = rand();
    if (r < 0.12 || streams + indexCount + swaps === 0) {
      const kind = indexes && rand() < 0.3 ? "index" : rand() < 0.15 ? "swap" : "stream";
      const variant = pick(variants);
      const pageSlots = pick([1, 2, 64]);
      const capacity = pick([0, 3]);
      if (kind === "index") { indexCount++; steps.push(() => void world.createIndex(variant, capacity, pageSlots)); }
      else if (kind === "swap") { swaps++; steps.push(() => void world.createSwap(pageSlots)); }
      else { streams++; steps.push(() => void world.createStream({ variant, pageSlots })); }
      continue;
    }
    const which = rand();
    const count = 1 + Math.floor(rand() * 40);
    if (r < 0.5) {
      steps.push(() => { const s = world.streams[Math.floor(which * world.streams.length)]; if (s) s.append(world.nextValue()); });
    } else if (r < 0.65) {
      let batch: BatchAppend | undefined;
      steps.push(() => {
        const s = world.streams[Math.floor(which * world.streams.length)];
        if (s) (batch ??= new BatchAppend(s, world.values(count))).run();
      });
    } else if (r < 0.8) {
      const replace = rand() < 0.3;
      steps.push(() => {
        const x = world.indexes[Math.floor(which * world.indexes.length)];
        if (x) x.upsert(replace && x.upserts.length ? [x.upserts[0][0], -which] : world.nextValue());
      });
    } else if (r < 0.88) {
      steps.push(() => {
        const w = world.swaps[Math.floor(which * world.swaps.length)];
        if (!w) return;
        if (which < 0.5) w.store(w.pageNo + 1);
        else w.loadFull();
      });
    } else {
      steps.push(() => {
        const live = [...world.streams, ...world.indexes, ...world.swaps];
        const victim = live[Math.floor(which * live.length)];
        if (victim && world.streams.includes(victim as StreamModel)) world.dropStream(victim as StreamModel);
        else if (victim && "upserts" in victim) world.dropIndex(victim);
        else if (victim) world.dropSwap(victim as never);
      });
    }
  }
  return steps;
}

const SOUND_VARIANTS: readonly StreamVariant[] = ["as-written", "explicit-drop", "box-drop", "mock", "arcswap"];
for (let seed = 1; seed <= 8; seed++) {
  const length = scaled(50, 30);
  define("mixed", {
    name: `mixed random script, seed ${seed}: streams of ${SOUND_VARIANTS.join(", ")} and ArcSwaps, ${length} operations`,
    setup: (world) => randomMixedSteps(world, seed, SOUND_VARIANTS, false, length),
  });
  define("mixed", {
    name: `mixed random script, seed ${100 + seed}: streams and indexes of every variant and ArcSwaps, ${length} operations`,
    setup: (world) => randomMixedSteps(world, 100 + seed, STREAM_VARIANTS, true, length),
  });
}

// --- the probe and the scenario runner, which make their own lab (capture-lab.ts reaches it) ---

/** Limits on glibc's footprint of the Rust heap, spread below the fault-free run's peak. */
function limitsBelow(peak: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor((peak * (j + 1)) / (count + 1)));
}

/** One refused run of the probe or runner: the refusal reported as `reason`, then checkAfterRefusal. */
function checkRefusedRun(what: string, spec: LifeSpec, options: LabOptions, reason: string, arm: (lab: import("../../src/index.js").Lab) => void, body: () => unknown): string | undefined {
  const run = captureLabs(arm, body);
  try {
    assert.equal(run.labs.length, 1, "one lab made");
    const outcome = run.value as { outcome?: string; failure?: { record: { reason: string } } } | undefined;
    if (run.error !== undefined) {
      assert.ok(run.error instanceof AllocationFailedError, `threw ${String(run.error)}`);
      assert.equal(run.error.failure?.reason, reason);
    } else {
      assert.equal(outcome?.outcome, "allocation-failed", "the run reports the refusal");
      assert.equal(outcome?.failure?.record.reason, reason);
    }
    checkAfterRefusal(run.labs[0], spec, options);
    return undefined;
  } catch (error) {
    return `${what}: ${(error as Error).message.split("\n")[0]}`;
  }
}

for (const variant of STREAM_VARIANTS) {
  for (const structure of ["SegmentedStream", "OptimisedIndex"] as const) {
    const spec: LifeSpec = { structure, variant, pageSlots: 2, indexCapacity: 3 };
    const probe: ProbeOptions = structure === "SegmentedStream"
      ? { variant, instances: scaled(4, 2), pageSlots: spec.pageSlots, appends: 5 }
      : { variant, instances: scaled(4, 2), pageSlots: spec.pageSlots, indexCapacity: spec.indexCapacity, upserts: 5 };
    const name = `probe ${variant} (${structure}, ${probe.instances} instances) with its k-th allocation refused, and under footprint limits`;
    test(name, todoFor(name), (t) => {
      const reference = captureLabs(() => {}, () => runProbe(probe));
      assert.equal(reference.error, undefined);
      const allocations = callsMade(reference.labs[0]);
      const peak = reference.labs[0].lab.ledger().heap.glibcPeakBytes;
      const failures: string[] = [];
      let runs = 0;
      for (let k = 1; k <= allocations; k++) {
        if (SWEEP.stride && k > (SWEEP.dense ?? 0) && k % SWEEP.stride !== 0) continue;
        runs++;
        const failure = checkRefusedRun(`k=${k}`, spec, {}, "injected", (lab) => lab.injectFailure(k), () => runProbe(probe));
        if (failure) failures.push(failure);
      }
      const last = captureLabs((lab) => lab.injectFailure(allocations + 1), () => runProbe(probe));
      assert.equal(last.error, undefined, `k=${allocations + 1}: the probe completes`);
      assert.ok(last.labs[0].lab.injectionArmed, `the probe made exactly ${allocations} allocations`);
      for (const limitBytes of limitsBelow(peak, scaled(12, 4))) {
        runs++;
        const options: LabOptions = { limitBytes, footprint: "glibc" };
        const failure = checkRefusedRun(`limit ${limitBytes} B`, spec, options, "limit", () => {}, () => runProbe({ ...probe, lab: options }));
        if (failure) failures.push(failure);
      }
      cases["probe"] = (cases["probe"] ?? 0) + runs + 2;
      t.diagnostic(`${runs + 2} runs, ${allocations} allocations, glibc peak ${peak} B`);
      assert.deepEqual(failures.slice(0, 6), [], `probe ${variant} ${structure}: ${failures.length} of ${runs} refused runs broke a promise`);
    });
  }
}

for (const variant of ["as-written", "explicit-drop", "epoch-deferred", "arcswap"] as const) {
  const scenario = applyScenario(SEED_SCENARIO, {
    name: "tiny", structure: "OptimisedIndex", indexCapacity: 3, variant, pageSlots: 2, upsertsPerIteration: 3,
    warmUpMs: 1, measurementMs: 1, sampleSize: 10, cost: { iterationNs: 20_000 },
  });
  const spec: LifeSpec = { structure: "OptimisedIndex", variant, pageSlots: 2, indexCapacity: 3 };
  const name = `scenario runner, a tiny ${variant} index scenario, under footprint limits and with refused allocations`;
  test(name, todoFor(name), (t) => {
    const reference = captureLabs(() => {}, () => runScenario(scenario));
    assert.equal(reference.value?.outcome, "completed");
    const lab = reference.labs[0].lab;
    const allocations = callsMade(reference.labs[0]);
    const peak = lab.ledger().heap.glibcPeakBytes;
    const failures: string[] = [];
    let runs = 0;
    for (const limitBytes of limitsBelow(peak, scaled(16, 4))) {
      runs++;
      const memory = { ...scenario.memory, limitBytes };
      const options: LabOptions = { limitBytes, footprint: memory.footprint, growth: memory.growth };
      const failure = checkRefusedRun(`limit ${limitBytes} B`, spec, options, "limit", () => {}, () => runScenario({ ...scenario, memory }));
      if (failure) failures.push(failure);
    }
    const points = scaled(24, 6);
    for (let n = 1; n <= points; n++) {
      const k = Math.max(1, Math.floor((allocations * n) / (points + 1)));
      runs++;
      const options: LabOptions = { limitBytes: 0, footprint: scenario.memory.footprint, growth: scenario.memory.growth };
      const failure = checkRefusedRun(`k=${k}`, spec, options, "injected", (l) => l.injectFailure(k), () => runScenario(scenario));
      if (failure) failures.push(failure);
    }
    cases["scenario"] = (cases["scenario"] ?? 0) + runs + 1;
    t.diagnostic(`${runs + 1} runs; the fault-free run: ${reference.value?.instancesCreated} instances, ${allocations} allocations, glibc peak ${peak} B`);
    assert.deepEqual(failures.slice(0, 6), [], `scenario ${variant}: ${failures.length} of ${runs} refused runs broke a promise`);
  });
}

// --- a worker thread (Lab.attach) appending with an injected refusal ---

interface WorkerRun {
  /** Undefined if the worker stopped at the refusal (its error), as when its scratch buffer is refused. */
  summary: AppendSummary | undefined;
  error: string | undefined;
  lab: Lab;
  stream: SegmentedStream;
  calls: number;
}

async function appendFromWorker(k: number, mode: "single" | "batch", count: number): Promise<WorkerRun> {
  const lab = Lab.create();
  const stream = SegmentedStream.create(lab, { variant: "explicit-drop", pageSlots: 2 });
  const before = lab.allocationCalls;
  if (k > 0) lab.injectFailure(k);
  const running = startWorker<AppendSummary>("../workers/append-worker.js", import.meta.url, {
    memory: lab.memory, module: lab.module, stream: stream.address, id: 0, count, mode, seed: 99 + k, barrier: new SharedArrayBuffer(4), parties: 1,
  });
  const [summary, error] = await running.done.then((s) => [s, undefined] as const, (e: Error) => [undefined, e.message] as const);
  return { summary, error, lab, stream, calls: lab.allocationCalls - before };
}

for (const mode of ["single", "batch"] as const) {
  test(`a worker thread (Lab.attach) appending ${mode === "single" ? "one value at a time" : "in batches"} with its k-th allocation refused`, { timeout: 60_000 }, async (t) => {
    const count = scaled(12, 6);
    const reference = await appendFromWorker(0, mode, count);
    assert.equal(reference.summary?.failures, 0, reference.error);
    const allocations = reference.calls;
    for (let k = 1; k <= allocations + 1; k++) {
      const { summary, error, lab, stream } = await appendFromWorker(k, mode, count);
      const what = `k=${k} (of ${allocations} allocations)`;
      if (k > allocations) {
        assert.equal(summary?.failures, 0, `${what}: nothing refused (${error})`);
        assert.ok(lab.injectionArmed, `${what}: still armed`);
        continue;
      }
      assert.equal(lab.injectionArmed, false, `${what}: the refusal happened`);
      if (summary) assert.equal(summary.failures, 1, `${what}: the worker saw one refused call`);
      else assert.match(error ?? "", /allocation refused .*injected/, `${what}: the worker stopped at the refusal and said so`);
      assert.equal(lab.lastFailure()?.reason, "injected", what);
      lab.check();
      // The worker's values (0, i) in order, none twice, none invented; the ones missing are those
      // of the one refused call (a batch's prefix may have gone in): one run of consecutive i.
      const words = stream.read(0, stream.length);
      const seen: number[] = [];
      for (let j = 0; j < words.length; j += 2) {
        assert.equal(words[j], 0, `${what}: value ${j / 2} is the worker's`);
        assert.ok(Number.isInteger(words[j + 1]) && words[j + 1] >= 0 && words[j + 1] < count, `${what}: value ${j / 2} is one it appended`);
        if (seen.length) assert.ok(words[j + 1] > seen[seen.length - 1], `${what}: in order, none twice`);
        seen.push(words[j + 1]);
      }
      const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.includes(i));
      assert.ok(missing.length >= 1, `${what}: the refused call's values are missing`);
      assert.equal(missing.at(-1)! - missing[0], missing.length - 1, `${what}: the missing values are one call's: ${missing.join(", ")}`);
      if (mode === "single") assert.equal(missing.length, 1, `${what}: one value refused`);
      stream.append(1, 1);
      lab.check();
      stream.drop();
      const ledger = lab.ledger();
      assert.equal(ledger.rust.liveBytes, 0, `${what}: explicit-drop keeps nothing`);
      assert.equal(ledger.all.liveBlocks, 1, `${what}: only the main thread's scratch is live (the worker closed its lab)`);
      lab.check();
    }
    cases["worker"] = (cases["worker"] ?? 0) + allocations + 2;
    t.diagnostic(`${allocations + 2} runs, ${allocations} allocations`);
  });
}

test("case count", (t) => {
  const total = Object.values(cases).reduce((a, b) => a + b, 0);
  for (const [family, count] of Object.entries(cases)) t.diagnostic(`${family}: ${count} runs`);
  t.diagnostic(`total: ${total} (operation, k) runs on the ${BUILD} build`);
  assert.ok(total > (BUILD === "debug" ? 300 : 2000), `the sweeps ran ${total} cases`);
});
