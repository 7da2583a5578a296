// The indexer: the rule OptimisedIndex uses to turn a V16 into its key.

export const INDEXER_FIRST_WORD: u32 = 0;
export const INDEXER_SECOND_WORD: u32 = 1;
export const INDEXER_HASH_BOTH: u32 = 2;
/** One past the last indexer. */
export const INDEXER_COUNT: u32 = 3;

export function indexerName(indexer: u32): string {
  if (indexer == INDEXER_FIRST_WORD) return "first-word";
  if (indexer == INDEXER_SECOND_WORD) return "second-word";
  return indexer == INDEXER_HASH_BOTH ? "hash-both" : "";
}

export function indexKey(indexer: u32, a: u64, b: u64): u64 {
  if (indexer == INDEXER_FIRST_WORD) return a;
  if (indexer == INDEXER_SECOND_WORD) return b;
  // Two odd multipliers and a rotation, so (a, b) and (b, a) give different keys.
  return (a * 0x9E3779B97F4A7C15) ^ rotl<u64>(b * 0xC2B2AE3D27D4EB4F, 31);
}
