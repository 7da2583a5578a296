// A refused request as the host reports it: a leaf module, so errors.ts (which carries it in
// AllocationFailedError) need not import the ledger reader, which reads its layouts from the module.

/** Why a request was refused: FailureEntry.reason - 1 (0 is "none"; tests/raw-exports.test.ts checks the order). */
export const FAILURE_REASONS = ["limit", "engine", "too-large", "injected"] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface FailureRecord {
  event: number;
  bytes: number;
  site: number;
  siteName: string;
  reason: FailureReason;
  align: number;
  /** Heap footprint when the request was refused, and the limit in force (0: none). */
  footprintBytes: number;
  limitBytes: number;
  pagesWanted: number;
  /** Live requested bytes of every site with any, at the moment of the failure. */
  liveBytesBySite: Record<string, number>;
}
