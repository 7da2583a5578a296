// `segstream reproduce`'s terminal report: the outcome, where it happened, what was live, and the
// arithmetic that explains it.

import type { ScenarioRun } from "../scenarios/run-scenario.js";
import type { Explanation, LimitExplanation } from "../scenarios/explain.js";
import { batchSizeText } from "../scenarios/scenario.js";
import { bytes, count, table } from "./format.js";
import { engineLines } from "./engine-text.js";
import { formatTimeLine, formatOutliers } from "../harness/format.js";
import { criterionMemoryLines } from "./criterion-memory.js";
import { modelSites } from "./model-sites.js";

function scenarioLine(run: ScenarioRun): string {
  const s = run.scenario;
  const what = s.structure === "OptimisedIndex"
    ? `OptimisedIndex (capacity ${count(s.indexCapacity)}: ${bytes(run.tableBytes)} ${s.indexTable} table, ${s.indexer}) holding the ${s.variant} SegmentedStream`
    : `${s.variant} SegmentedStream`;
  const cost = s.clock === "virtual" ? `virtual clock ${JSON.stringify(s.cost)}` : "real clock";
  const limit = s.memory.limitBytes === null ? "no limit" : `limit ${bytes(s.memory.limitBytes)} of ${s.memory.footprint} footprint`;
  return [
    `scenario ${s.name}: iter_batched(setup: ${what}, ${s.upsertsPerIteration ? `${s.upsertsPerIteration} upserts` : "upserts disabled"}, ${batchSizeText(s.batchSize)})`,
    `  ${s.pageSlots}-slot pages, ${cost}, warm-up ${s.warmUpMs} ms, measurement ${s.measurementMs} ms, ${s.sampleSize} samples, ${limit}, ${s.memory.growth} growth`,
  ].join("\n");
}

function whereLines(run: ScenarioRun): string[] {
  const f = run.failure!;
  const ctx = f.context;
  const place = ctx.phase === "warm-up"
    ? `warm-up round ${ctx.round} (${count(ctx.iters)} iterations; rounds so far ran ${count(run.warmUpRounds.slice(0, -1).reduce((n, r) => n + r.iters, 0))})`
    : `measurement sample ${ctx.sample} (${count(ctx.iters)} iterations)`;
  return [
    `Outcome: ALLOCATION FAILED (the native program aborts here)`,
    `  request    ${bytes(f.record.bytes)} for ${f.record.siteName} (align ${f.record.align}), refused: ${f.record.reason}`,
    `  instance   ${count(f.instance)}: the setup of iteration ${count(f.iteration + 1)} of ${place}`,
    `  phase      Criterion ${ctx.phase}`,
  ];
}

/** Live bytes by site at the failure: the Rust sites first, then the model-only ones, marked (explained below the arithmetic). */
function liveTable(run: ScenarioRun): string {
  const rust = new Set(run.ledger.sites.filter((s) => s.rust).map((s) => s.name));
  const rows = Object.entries(run.liveBytesBySite).sort((a, b) => Number(rust.has(b[0])) - Number(rust.has(a[0])) || b[1] - a[1]);
  return table(["live at the failure (requested bytes)", "bytes"], rows.map(([site, n]) => [rust.has(site) ? site : `${site} [model]`, count(n)]));
}

function modelText(x: Explanation): string {
  return x.footprintModel === "glibc"
    ? "glibc malloc on x86-64 (chunk = request + 8 rounded to 16; from 128 KiB, mapped in whole 4 KiB pages)"
    : "segstream's linear memory (the heap grows in 64 KiB pages)";
}

/** The request alone is more than the limit: no count of instances explains it. */
function neverFits(x: LimitExplanation): string[] {
  return [
    `Why this request failed (footprint: ${modelText(x)}):`,
    `  the request would add            ${count(x.requestFootprintBytes)} B of footprint`,
    `  the whole limit is               ${count(x.limitBytes)} B: the request alone passes it, so it can never fit`,
  ];
}

function arithmetic(x: LimitExplanation): string[] {
  if (x.roomBytes < 0) return neverFits(x);
  const model = modelText(x);
  const check = x.droppedInstances * x.perInstanceFootprintBytes + x.inFlightBytes;
  return [
    `Why this request failed at this instance (footprint: ${model}):`,
    `  the request would add            ${count(x.requestFootprintBytes)} B of footprint`,
    `  so it fits while the footprint   <= ${count(x.limitBytes)} − ${count(x.requestFootprintBytes)} = ${count(x.roomBytes)} B`,
    `  each dropped instance keeps      ${count(x.perInstanceFootprintBytes)} B of footprint (${count(x.perInstanceRetainedBytes)} B requested)`,
    `  the instance being built holds   ${count(x.inFlightBytes)} B`,
    `  after ${count(x.droppedInstances)} dropped instances: ${count(x.droppedInstances)} × ${count(x.perInstanceFootprintBytes)} + ${count(x.inFlightBytes)} = ${count(check)} B` +
      ` ${check > x.roomBytes ? ">" : "<="} ${count(x.roomBytes)} B`,
    `  first instance that cannot fit   ${count(x.predictedInstance)} (predicted from the figures above)`,
  ];
}

function seedLines(run: ScenarioRun, x: Explanation): string[] {
  return [
    "The seed's estimate beside the ledger:",
    `  seed:   522K instances × ~1.1 KB ≈ ${bytes(x.seedEstimateBytes)} "expected", and an unexplained single 256 MB allocation`,
    `  ledger: ${count(x.droppedInstances)} instances × ${count(x.perInstanceRetainedBytes)} B = ${bytes(x.retainedAtFailureBytes)} retained by dropped instances;`,
    `          the single large request is ${run.failure!.record.siteName}, ${bytes(x.requestBytes)}: the victim that no longer fits, not the leak`,
  ];
}

function completedLines(run: ScenarioRun): string[] {
  const b = run.benchmark!;
  return [
    `Outcome: COMPLETED (${count(run.instancesCreated)} instances; retained ${count(run.retainedBytesPerInstance)} B per instance)`,
    `  warm-up ${b.warmup.rounds.length} rounds, ${count(b.warmup.totalIters)} iterations; ${b.plan.mode} sampling, ${b.samples.iters.length} samples`,
    ...(run.scenario.clock === "virtual" ? ["  (times below are modelled by the virtual clock's cost model, not measured)"] : []),
    ...formatTimeLine(run.scenario.name, b.typical),
    ...criterionMemoryLines(run),
    ...formatOutliers(b.outliers),
  ];
}

/** Model-only storage, apart from the Rust heap (in no Rust total and no footprint), and what it is for. */
function modelSiteLines(run: ScenarioRun): string[] {
  const sites = modelSites(run.ledger);
  if (!sites.length) return [];
  return ["", "Model-only storage (marked [model] above; not the Rust heap, in no Rust total or footprint):", ...sites.map((m) => `  ${m.name}: ${count(m.peakBytes)} B at its peak, ${m.purpose}`)];
}

export function reproduceText(run: ScenarioRun, explanation: Explanation | null): string {
  const lines = [scenarioLine(run), ""];
  if (!run.failure || !explanation) {
    lines.push(...completedLines(run));
  } else {
    const why = explanation.refusal ? engineLines(explanation) : arithmetic(explanation);
    lines.push(...whereLines(run), "", liveTable(run), "", ...why, "", ...seedLines(run, explanation));
  }
  lines.push(...modelSiteLines(run));
  lines.push("", `${count(run.instancesCreated)} instances modelled in ${(run.elapsedMs / 1000).toFixed(2)} s`);
  return lines.join("\n");
}
