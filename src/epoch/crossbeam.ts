// The crossbeam-epoch versions the model follows (assembly/epoch/version.ts): they differ only in
// `Local`, 2,304 bytes (align 128) in 0.9.20 and 2,104 (align 8) in 0.9.13, so a first pin costs
// 5,016 or 4,816 bytes. Index = the ABI's code. Debian ships 0.9.13, so native/ builds it.

export const CROSSBEAM_VERSIONS = ["0.9.20", "0.9.13"] as const;
export type CrossbeamVersion = (typeof CROSSBEAM_VERSIONS)[number];
export const DEFAULT_CROSSBEAM: CrossbeamVersion = "0.9.20";

