// reproduce's explanation of a request the wasm engine refused, not the limit: what the heap held,
// what it asked for, and where the engine's 4 GiB memory stops (scenarios/explain-engine.ts).

import type { EngineExplanation } from "../scenarios/explain.js";
import { WASM_PAGE } from "../wasm/module.js";
import { bytes, count } from "./format.js";

const plural = (n: number, what: string) => `${count(n)} ${what}${n === 1 ? "" : "s"}`;

/** The heap needed pages the engine could not give. */
function growthLines(x: EngineExplanation): string[] {
  const left = Math.max(0, x.engineMaximumBytes - x.memoryBytes) / WASM_PAGE;
  return [
    `Why this request failed: the wasm engine's ${bytes(x.engineMaximumBytes)} memory is exhausted (refused: engine), not the limit:`,
    `  the heap needed                  ${plural(x.growthPages, "more 64 KiB page")} (${count(x.growthBytes)} B) for this request`,
    `  linear memory was already        ${count(x.memoryBytes)} B (${plural(x.memoryBytes / WASM_PAGE, "page")}), the heap holding ${count(x.heapBytes)} B of it`,
    `  and the engine stops it at       ${count(x.engineMaximumBytes)} B (${plural(x.engineMaximumBytes / WASM_PAGE, "page")}): ${left ? `only ${plural(left, "page")} left` : "no page left"} to grow by`,
  ];
}

/** The request is larger than any block the engine's memory can hold: the heap never asked. */
function tooLargeLines(x: EngineExplanation): string[] {
  return [
    `Why this request failed: no block of the wasm engine's ${bytes(x.engineMaximumBytes)} memory can hold it (refused: too-large), not the limit:`,
    `  the request of                   ${count(x.requestBytes)} B is larger than the largest block the heap can make there`,
    `  the heap held                    ${count(x.heapBytes)} B of linear memory, and did not ask the engine for more`,
  ];
}

export function engineLines(x: EngineExplanation): string[] {
  const limit = x.limitBytes === null ? "none" : `${count(x.limitBytes)} B of ${x.footprintModel} footprint, not reached`;
  return [
    ...(x.refusal === "engine" ? growthLines(x) : tooLargeLines(x)),
    `  live at the failure              ${count(x.liveRustBytes)} B requested by the program, ${plural(x.droppedInstances, "instance")} dropped before this one`,
    `  the limit                        ${limit}`,
  ];
}
