// `diagnose`: the seed scenario once per stream variant and once per competing mechanism, each run
// judged against the failure the seed reported. The signature is what the seed observed: the run
// fails, on a single 256 MiB request, during warm-up, near 522,000 instances; and the mock passes.
// A case matches only if its own run shows all of it; the reasons say which part is missing.
// Beside the runs, the table arithmetic (index/table-arithmetic.ts): which modelled table could
// have made the seed's request at all.

import { runScenario, type ScenarioRun, type RunProgress } from "./run-scenario.js";
import { applyScenario, type Scenario, type ScenarioInput } from "./scenario.js";
import { SEED_INSTANCES } from "./seed.js";
import { Lab } from "../memory/lab.js";
import { tableCandidates, type TableCandidate } from "../index/table-arithmetic.js";

export interface DiagnoseCase {
  id: string;
  /** What the case tests, in a line. */
  hypothesis: string;
  overrides: ScenarioInput;
  /** A condition the case needs that the seed's program does not meet, if any. */
  requires?: string;
}

/** The seed's 256 MB: the single failing allocation, as the seed reports it. */
const SEED_FAILED_BYTES = 256 * 1024 * 1024;
/** "about 522,000": within 5%. */
const INSTANCE_TOLERANCE = 0.05;

export const DIAGNOSE_CASES: DiagnoseCase[] = [
  { id: "as-written", hypothesis: "the seed's code: active_page's Arc reference is never given back", overrides: { variant: "as-written" } },
  { id: "explicit-drop", hypothesis: "the correct Drop (Arc::from_raw) as the fix", overrides: { variant: "explicit-drop" } },
  { id: "box-drop", hypothesis: "the tempting Drop (Box::from_raw) as the fix", overrides: { variant: "box-drop" } },
  { id: "arcswap", hypothesis: "ArcSwap<Page> instead of the epoch Atomic, the seed's second fix", overrides: { variant: "arcswap" } },
  { id: "mock", hypothesis: "MockSegmentedStream, which the seed saw pass", overrides: { variant: "mock" } },
  {
    id: "epoch-deferred",
    hypothesis: "an epoch Drop deferring the release: garbage bounded by collection",
    overrides: { variant: "epoch-deferred" },
    requires: "a Drop that defers the page to the epoch: the seed's SegmentedStream has no Drop, and Atomic has none",
  },
  {
    id: "epoch-stalled",
    hypothesis: "epoch deferral with a participant pinned the whole run",
    overrides: { variant: "epoch-stalled" },
    requires: "a Drop that defers (the seed's has none) and a participant pinned across the whole benchmark (the seed's is single-threaded and holds no guard between iterations)",
  },
  {
    id: "hashbrown-table",
    hypothesis: "the index table is std's HashMap (hashbrown), not a flat array: its size, and the time its control bytes cost",
    overrides: { indexTable: "hashbrown" },
  },
  {
    id: "leak-without-table",
    hypothesis: "mechanism: the leak alone (no index table) exhausts memory",
    overrides: { variant: "as-written", structure: "SegmentedStream" },
  },
  {
    id: "heap-growth",
    hypothesis: "mechanism: heap growth (no big table; linear memory doubling as AssemblyScript's TLSF does)",
    overrides: { variant: "as-written", structure: "SegmentedStream", memory: { footprint: "segstream", growth: "double" } },
  },
  {
    id: "epoch-queue",
    hypothesis: "mechanism: the seed's hypothesis, deferred pages piling up in the epoch queue (no table)",
    overrides: { variant: "epoch-stalled", structure: "SegmentedStream" },
    requires: "the same as epoch-stalled",
  },
];

export interface Judgement {
  failsOnLargeRequest: boolean;
  inWarmUp: boolean;
  nearSeedInstance: boolean;
  matches: boolean;
  reasons: string[];
}

export interface DiagnoseRow {
  case: DiagnoseCase;
  run: ScenarioRun;
  judgement: Judgement;
}

export interface Diagnosis {
  rows: DiagnoseRow[];
  mockPasses: boolean;
  /** Cases whose own run shows the whole signature and need nothing the seed's program lacks. */
  explains: string[];
  /** Cases whose run shows the signature only under a condition the seed's program does not meet. */
  matchOnlyIf: string[];
  /** Which modelled table makes the seed's request, at the scenario's capacity and at any. */
  tables: { seedBytes: number; capacity: number; candidates: TableCandidate[] };
}

function judge(run: ScenarioRun): Judgement {
  const f = run.failure;
  const reasons: string[] = [];
  const failsOnLargeRequest = !!f && f.record.bytes === SEED_FAILED_BYTES;
  const inWarmUp = !!f && f.context.phase === "warm-up";
  const nearSeedInstance = !!f && Math.abs(f.instance - SEED_INSTANCES) <= SEED_INSTANCES * INSTANCE_TOLERANCE;
  if (!f) {
    reasons.push(`completes: ${run.instancesCreated.toLocaleString("en-US")} instances, retaining ${run.retainedBytesPerInstance.toLocaleString("en-US")} B each`);
  } else {
    if (!failsOnLargeRequest) reasons.push(`fails on a ${f.record.bytes.toLocaleString("en-US")} B request (${f.record.siteName}), not a single 256 MiB one`);
    if (!inWarmUp) reasons.push(`fails during ${f.context.phase}, not warm-up`);
    if (!nearSeedInstance) reasons.push(`fails at instance ${f.instance.toLocaleString("en-US")}, not near ${SEED_INSTANCES.toLocaleString("en-US")}`);
  }
  if (run.ledger.rust.largestRequest < SEED_FAILED_BYTES) {
    reasons.push(`never asks for more than ${run.ledger.rust.largestRequest.toLocaleString("en-US")} B at once`);
  } else if (run.tableBytes && run.tableBytes !== SEED_FAILED_BYTES) {
    reasons.push(`its table requests ${run.tableBytes.toLocaleString("en-US")} B, not ${SEED_FAILED_BYTES.toLocaleString("en-US")}`);
  }
  if (run.tableTime.controlBytes) {
    const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;
    const warmUp = run.warmUpRounds.reduce((n, r) => n + r.iters, 0);
    reasons.push(
      `each setup writes ${run.tableTime.controlBytes.toLocaleString("en-US")} control bytes (${ms(run.tableTime.setupNs)}, counted by warm-up, which times whole body calls) and each drop unmaps them (${ms(run.tableTime.dropNs)}, inside the timed window): Criterion's ${run.scenario.warmUpMs / 1000} s warm-up ends after ${warmUp.toLocaleString("en-US")} iterations, never near ${SEED_INSTANCES.toLocaleString("en-US")}`,
    );
  }
  if (run.ledger.invalidFrees > 0) {
    reasons.push(`${run.ledger.invalidFrees.toLocaleString("en-US")} invalid frees: glibc would abort at the first ("free(): invalid pointer")`);
  }
  const matches = failsOnLargeRequest && inWarmUp && nearSeedInstance && run.ledger.invalidFrees === 0;
  return { failsOnLargeRequest, inWarmUp, nearSeedInstance, matches, reasons };
}

/** A case's verdict in a few words: what the matrix, the text and the report show beside it. */
export function verdictOf(row: DiagnoseRow): string {
  if (!row.judgement.matches) return "ruled out";
  return row.case.requires ? "matches only if..." : "explains the failure";
}

export function diagnose(base: Scenario, progress?: (caseId: string) => RunProgress | undefined): Diagnosis {
  const rows = DIAGNOSE_CASES.map((c) => {
    const scenario = applyScenario(base, { ...c.overrides, name: c.id, memory: { ...base.memory, ...c.overrides.memory } });
    const run = runScenario(scenario, progress?.(c.id));
    return { case: c, run, judgement: judge(run) };
  });
  const mock = rows.find((r) => r.case.id === "mock");
  const lab = Lab.create();
  const tables = { seedBytes: SEED_FAILED_BYTES, capacity: base.indexCapacity, candidates: tableCandidates(lab, base.indexCapacity, SEED_FAILED_BYTES) };
  lab.close();
  const matching = rows.filter((r) => r.judgement.matches);
  return {
    rows,
    mockPasses: mock?.run.outcome === "completed",
    explains: matching.filter((r) => !r.case.requires).map((r) => r.case.id),
    matchOnlyIf: matching.filter((r) => r.case.requires).map((r) => r.case.id),
    tables,
  };
}
