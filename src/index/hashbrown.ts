// The index table's second model: std's HashMap (hashbrown), which the seed's OptimisedIndex might
// hold instead of the flat table (assembly/index/table.ts). hashbrown makes ONE allocation per
// table: buckets x entry bytes (rounded up to the 16-byte control alignment) + buckets + 16 control
// bytes, aligned to 16; buckets = 4 for capacity 1-3, 8 for 4-7, else the next power of two of
// capacity x 8/7; capacity 0 allocates nothing. `seed-tables` (native/) checks it against the real
// HashMap from 0 to 2^25 (tests/native.test.ts).

export const TABLE_KINDS = ["flat", "hashbrown"] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

const GROUP_WIDTH = 16;

export function hashbrownBuckets(capacity: number): number {
  if (capacity === 0) return 0;
  if (capacity < 4) return 4;
  if (capacity < 8) return 8;
  return 2 ** Math.ceil(Math.log2(Math.ceil((capacity * 8) / 7)));
}

/** Bytes `HashMap::with_capacity(capacity)` requests for entries of `entryBytes`. */
export function hashbrownTableBytes(capacity: number, entryBytes: number): number {
  const buckets = hashbrownBuckets(capacity);
  if (buckets === 0) return 0;
  const ctrlOffset = Math.ceil((buckets * entryBytes) / GROUP_WIDTH) * GROUP_WIDTH;
  return ctrlOffset + buckets + GROUP_WIDTH;
}

/** Bucket counts (powers of two, up to 2^40) whose hashbrown table of `entryBytes` entries is exactly `bytes`. */
export function hashbrownBucketsOfSize(bytes: number, entryBytes: number): number[] {
  const found: number[] = [];
  for (let buckets = 4; buckets <= 2 ** 40; buckets *= 2) {
    if (hashbrownTableBytes(Math.floor((buckets * 7) / 8), entryBytes) === bytes) found.push(buckets);
  }
  return found;
}
