// The raw-export rows of the bad-input table (bad-input-rows.ts rawRows) that fail today because the
// module does not validate that argument yet: each was run and failed (accepted, corrupted the lab,
// trapped and poisoned it, or hung on a lock it corrupted). They are marked todo ("awaits wasm
// validation"); delete an id once the module refuses that argument and the row passes.

export const RAW_AWAITING_WASM: readonly string[] = [
];
