// `segstream diagnose`'s terminal report: one matrix row per case, then the verdict.

import { verdictOf, type Diagnosis, type DiagnoseRow } from "../scenarios/diagnose.js";
import type { TableCandidate } from "../index/table-arithmetic.js";
import { bytes, count, table } from "./format.js";

function where(row: DiagnoseRow): string {
  const f = row.run.failure;
  if (!f) return "";
  return f.context.phase === "warm-up" ? `warm-up round ${f.context.round}` : `measurement sample ${f.context.sample}`;
}

function matrix(d: Diagnosis): string {
  return table(
    ["case", "outcome", "failing request", "instance", "where", "retained B/inst", "peak live", "largest request", "signature", "verdict"],
    d.rows.map((r) => {
      const f = r.run.failure;
      return [
        r.case.id,
        r.run.outcome,
        f ? `${count(f.record.bytes)} B ${f.record.siteName}` : "-",
        f ? count(f.instance) : "-",
        where(r) || "-",
        count(r.run.retainedBytesPerInstance),
        bytes(r.run.ledger.rust.peakLiveBytes).split(" (")[0],
        count(r.run.ledger.rust.largestRequest),
        r.judgement.matches ? (r.case.requires ? "yes, if..." : "YES") : "no",
        verdictOf(r),
      ];
    }),
  );
}

function candidateLine(c: TableCandidate, capacity: number, seedBytes: number): string {
  const what = c.table === "flat" ? `flat table of ${c.entryBytes}-byte entries` : `HashMap with ${c.entryBytes}-byte entries`;
  const at = `${count(c.bytesAtCapacity)} B at capacity ${count(capacity)}`;
  const range = c.capacitiesOfSeedSize;
  const seed = range ? `exactly ${count(seedBytes)} B for capacities ${count(range[0])} to ${count(range[1])}` : `no capacity gives exactly ${count(seedBytes)} B`;
  return `  ${what.padEnd(34)} ${at}; ${seed}`;
}

function tableArithmetic(d: Diagnosis): string[] {
  const { seedBytes, capacity, candidates } = d.tables;
  return ["", "The table (the seed does not show it): which modelled table requests the seed's 256 MiB", ...candidates.map((c) => candidateLine(c, capacity, seedBytes))];
}

export function diagnoseText(d: Diagnosis): string {
  const lines = [
    "segstream diagnose: the seed scenario per variant and per competing mechanism",
    "signature (the seed's observation): fails on a single 256 MiB request, during warm-up, near 522,000 instances; the mock passes",
    "",
    matrix(d),
    "",
    "Cases:",
  ];
  for (const r of d.rows) {
    lines.push(`  ${r.case.id}: ${r.case.hypothesis}`);
    for (const reason of r.judgement.reasons) lines.push(`      - ${reason}`);
    if (r.judgement.matches && r.case.requires) lines.push(`      - matches only with ${r.case.requires}`);
  }
  lines.push(...tableArithmetic(d));
  lines.push(
    "",
    "Verdict:",
    `  the mock ${d.mockPasses ? "passes, as the seed saw" : "FAILS, unlike the seed's observation"}`,
    `  explains the failure: ${d.explains.length ? d.explains.join(", ") : "none of the cases"}`,
  );
  if (d.matchOnlyIf.length) lines.push(`  reproduces the numbers only under conditions the seed's program lacks: ${d.matchOnlyIf.join(", ")}`);
  const ruledOut = d.rows.filter((r) => !r.judgement.matches).map((r) => r.case.id);
  lines.push(`  cannot produce the signature: ${ruledOut.join(", ")}`);
  const elapsed = d.rows.reduce((ms, r) => ms + r.run.elapsedMs, 0);
  lines.push("", `${d.rows.length} runs, ${count(d.rows.reduce((n, r) => n + r.run.instancesCreated, 0))} instances modelled in ${(elapsed / 1000).toFixed(1)} s`);
  return lines.join("\n");
}
