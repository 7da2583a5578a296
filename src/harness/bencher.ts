// The Bencher is the object a benchmark body drives, one per call of the body, with `iters` fixed
// by the runner. It reproduces Criterion's timing loops step for step because *where* each setup,
// routine and drop falls relative to the timed window is the whole point: warm-up decisions use the
// wall time of the entire call (setups and drops included), samples use only the timed windows.
// JavaScript has no destructors, so the places where Rust drops an input or output are exposed as
// optional hooks (dropInput / dropOutput) called exactly where the drop would run. Every step is
// also reported to the Clock (see clock.ts for the charging contract), and counters plus an
// onIteration hook let a caller name the instance that was being built when something threw.

import { itersPerBatch, type BatchSize } from "./batch-size.js";
import type { Clock } from "./clock.js";

/** Observation points inside one call. */
export interface BencherHooks {
  /**
   * Called with the 0-based iteration number within this call: in iter() before each routine
   * call; in iterBatched/iterBatchedRef before each setup() (the setup that builds that
   * iteration's input).
   */
  onIteration?(index: number): void;
}

/** Where Rust would drop the routine's input and output. */
export interface DropHooks<I, O> {
  dropInput?(input: I): void;
  dropOutput?(output: O): void;
}

/** Which of Criterion's loops the last call took. */
export type BencherPath = "iter" | "per-iteration" | "batched";

export class Bencher {
  /** Iterations this call must run. */
  readonly iters: number;
  /** Wall time of the whole last iter* call (Criterion's elapsed_time, at least 1 ns). */
  elapsedNs = 0;
  /** Sum of the timed windows of the last iter* call (Criterion's measured value). */
  measuredNs = 0;
  /** Whether an iter* method has been called (Criterion asserts this after each body call). */
  iterated = false;
  /** setup() calls that returned. If setup throws, its 0-based index is `setupsRun`. */
  setupsRun = 0;
  /** routine calls that returned. */
  routinesRun = 0;
  /** drop hooks that returned. */
  dropsRun = 0;
  /** timed windows closed (batches in the batched path, iterations in the per-iteration path). */
  windowsRun = 0;
  /** Loop taken and batch size used by the last call. */
  path: BencherPath | undefined;
  batchSize: number | undefined;

  constructor(
    readonly clock: Clock,
    iters: number,
    private readonly hooks: BencherHooks = {},
  ) {
    if (!Number.isSafeInteger(iters) || iters < 0) {
      throw new RangeError(`iters must be a non-negative safe integer, got ${String(iters)}`);
    }
    this.iters = iters;
  }

  private begin(path: BencherPath, batchSize: number | undefined): void {
    this.iterated = true;
    this.path = path;
    this.batchSize = batchSize;
    this.measuredNs = 0;
    this.elapsedNs = 0;
  }

  private finish(wallStart: number): void {
    const elapsed = this.clock.now() - wallStart;
    // Criterion: "if self.elapsed_time < Duration::from_nanos(1) { ... = 1 ns }".
    this.elapsedNs = elapsed < 1 ? 1 : elapsed;
  }

  private ranRoutine(): void {
    this.routinesRun++;
    this.clock.charge("routine");
    this.clock.charge("iteration");
  }

  private dropped(): void {
    this.dropsRun++;
    this.clock.charge("drop");
  }

  /**
   * Criterion's `iter`: one timed window around all `iters` calls; each output is dropped inside
   * the window (Rust drops `black_box(routine())` in the loop).
   */
  iter<O>(routine: () => O, drops: Pick<DropHooks<never, O>, "dropOutput"> = {}): void {
    this.begin("iter", undefined);
    const { onIteration } = this.hooks;
    const { dropOutput } = drops;
    const clock = this.clock;
    const wallStart = clock.now();
    const start = clock.now();
    for (let i = 0; i < this.iters; i++) {
      onIteration?.(i);
      const output = routine();
      this.ranRoutine();
      if (dropOutput) {
        dropOutput(output);
        this.dropped();
      }
    }
    this.measuredNs = clock.now() - start;
    this.windowsRun++;
    this.finish(wallStart);
  }

  /** Criterion's `iter_batched`: the routine takes its input by value (dropped inside the window). */
  iterBatched<I, O>(setup: () => I, routine: (input: I) => O, size: BatchSize, drops: DropHooks<I, O> = {}): void {
    this.batched(setup, routine, size, drops, false);
  }

  /** Criterion's `iter_batched_ref`: the routine borrows its input, dropped after the window. */
  iterBatchedRef<I, O>(setup: () => I, routine: (input: I) => O, size: BatchSize, drops: DropHooks<I, O> = {}): void {
    this.batched(setup, routine, size, drops, true);
  }

  private batched<I, O>(
    setup: () => I,
    routine: (input: I) => O,
    size: BatchSize,
    drops: DropHooks<I, O>,
    byRef: boolean,
  ): void {
    const batch = itersPerBatch(size, this.iters);
    this.begin(batch === 1 ? "per-iteration" : "batched", batch);
    const { onIteration } = this.hooks;
    const { dropInput, dropOutput } = drops;
    const clock = this.clock;
    const wallStart = clock.now();

    if (batch === 1) {
      for (let i = 0; i < this.iters; i++) {
        onIteration?.(i);
        const input = setup();
        this.setupsRun++;
        clock.charge("setup");

        const start = clock.now();
        const output = routine(input);
        this.ranRoutine();
        if (!byRef && dropInput) {
          dropInput(input); // consumed by value: dropped inside the window
          this.dropped();
        }
        this.measuredNs += clock.now() - start;
        this.windowsRun++;

        if (dropOutput) {
          dropOutput(output);
          this.dropped();
        }
        if (byRef && dropInput) {
          dropInput(input); // `_ref`: the input outlives the window, dropped after the output
          this.dropped();
        }
      }
    } else {
      let done = 0;
      while (done < this.iters) {
        const bs = Math.min(batch, this.iters - done);
        const inputs: I[] = new Array<I>(bs); // one vector of exactly bs inputs
        for (let j = 0; j < bs; j++) {
          onIteration?.(done + j);
          inputs[j] = setup();
          this.setupsRun++;
          clock.charge("setup");
        }
        const outputs: O[] = new Array<O>(bs); // capacity bs

        const start = clock.now();
        for (let j = 0; j < bs; j++) {
          outputs[j] = routine(inputs[j]!);
          this.ranRoutine();
          if (!byRef && dropInput) {
            dropInput(inputs[j]!);
            this.dropped();
          }
        }
        this.measuredNs += clock.now() - start;
        this.windowsRun++;

        if (dropOutput) {
          for (let j = 0; j < bs; j++) {
            dropOutput(outputs[j]!);
            this.dropped();
          }
        }
        if (byRef && dropInput) {
          for (let j = 0; j < bs; j++) {
            dropInput(inputs[j]!);
            this.dropped();
          }
        }
        done += bs;
      }
    }
    this.finish(wallStart);
  }
}
