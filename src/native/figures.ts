// One definition of every figure the model and the native program are compared on, computed the
// same way from each side's raw output. All are changes over the loop (after less before), in
// requested bytes (Layout::size natively, the ledger's requested bytes in the model).
//
//   liveBytes, liveBlocks        still live after the loop: what the drops retained
//   requests, frees              allocations and frees made during the loop (model: frees =
//                                requests - liveBlocks, which holds for any ledger; natively counted)
//   largestRequest               the largest single request since the process (lab) started
//   invalidFrees                 frees of an address no allocation returned (box-drop's)
//   pendingUserDeferred          the user's own deferred functions (the epoch Drop's Arc releases)
//                                created and not yet run at the end of the loop
//   liveQueueNodes               live Node<SealedBag> blocks (2,072 B): the queue's sentinel, the
//                                sealed bags queued, and popped nodes whose deferred free has not
//                                run: the collector's internal garbage, seen through memory
//   registrationBytes            what registering participants cost within the loop: Locals, the
//                                ArcInner<Global> and, with it, the queue's first sentinel
//   liveBytesWithoutRegistration liveBytes less registrationBytes

import type { ProbeResult } from "../probe/probe.js";
import type { NativeProbe } from "./seed-probe.js";

export interface ComparedFigures {
  liveBytes: number;
  liveBlocks: number;
  requests: number;
  frees: number;
  largestRequest: number;
  invalidFrees: number;
  pendingUserDeferred: number;
  liveQueueNodes: number;
  registrationBytes: number;
  liveBytesWithoutRegistration: number;
}

export const FIGURE_NAMES: readonly (keyof ComparedFigures)[] = [
  "liveBytes", "liveBlocks", "requests", "frees", "largestRequest", "invalidFrees",
  "pendingUserDeferred", "liveQueueNodes", "registrationBytes", "liveBytesWithoutRegistration",
];

export const NODE_BYTES = 2072;
const GLOBAL_BYTES = 640;
const LOCAL_SIZES = [2104, 2304];

/** A participant registration's cost, from live Global and Local figures (the sentinel comes with the Global). */
function registration(globalBlocks: number, globalBytes: number, localBytes: number): number {
  return globalBytes + localBytes + (globalBlocks > 0 ? globalBlocks * NODE_BYTES : 0);
}

function withRegistration(f: Omit<ComparedFigures, "liveBytesWithoutRegistration">): ComparedFigures {
  return { ...f, liveBytesWithoutRegistration: f.liveBytes - f.registrationBytes };
}

function site(result: ProbeResult, prefix: string): { liveBytes: number; liveBlocks: number } {
  const found = result.sites.find((s) => s.name.startsWith(prefix));
  return { liveBytes: found?.liveBytes ?? 0, liveBlocks: found?.liveBlocks ?? 0 };
}

/** The model's figures: its probe result, and the user's pending deferred at the end of the loop. */
export function modelFigures(result: ProbeResult, pendingUserDeferred: number): ComparedFigures {
  const global = site(result, "ArcInner<Global>");
  return withRegistration({
    liveBytes: result.liveBytes,
    liveBlocks: result.liveBlocks,
    requests: result.requests,
    frees: result.requests - result.liveBlocks,
    largestRequest: result.largestRequest,
    invalidFrees: result.invalidFrees,
    pendingUserDeferred,
    liveQueueNodes: site(result, "Node<SealedBag>").liveBlocks,
    registrationBytes: registration(global.liveBlocks, global.liveBytes, site(result, "Local").liveBytes),
  });
}

export function nativeFigures(probe: NativeProbe): ComparedFigures {
  const blocks = (size: number) => probe.liveBlocksBySize[String(size)] ?? 0;
  const localBytes = LOCAL_SIZES.reduce((sum, size) => sum + size * blocks(size), 0);
  return withRegistration({
    liveBytes: probe.liveBytes,
    liveBlocks: probe.liveBlocks,
    requests: probe.requests,
    frees: probe.frees,
    largestRequest: probe.largestRequest,
    invalidFrees: probe.invalidFrees,
    pendingUserDeferred: probe.pendingUserDeferred,
    liveQueueNodes: blocks(NODE_BYTES),
    registrationBytes: registration(blocks(GLOBAL_BYTES), blocks(GLOBAL_BYTES) * GLOBAL_BYTES, localBytes),
  });
}
