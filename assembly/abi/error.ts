// Refusing a bad argument at the ABI. Every export that takes an address, an enum or a size from
// the host checks it before it writes anything (abi/validate.ts). A bad one is recorded here, in a
// per-instance global (per thread: nothing shared), and the export traps at once; the host, seeing
// the trap and a recorded error, throws a RangeError naming the argument, and the lab stays usable
// (nothing was touched). A trap with no recorded error is a real fault: the host poisons the lab.

export const ABI_OK: u32 = 0;
export const ABI_NOT_A_STREAM: u32 = 1;
export const ABI_NOT_AN_INDEX: u32 = 2;
export const ABI_NOT_A_PARTICIPANT: u32 = 3;
export const ABI_NOT_THIS_THREAD: u32 = 4;
export const ABI_BAD_VARIANT: u32 = 5;
export const ABI_BAD_PAGE_SLOTS: u32 = 6;
export const ABI_BAD_INDEXER: u32 = 7;
export const ABI_BAD_CAPACITY: u32 = 8;
export const ABI_NOT_A_COUNTER: u32 = 9;
export const ABI_BAD_SITE: u32 = 10;
export const ABI_BAD_ALIGN: u32 = 11;
export const ABI_BAD_BUFFER: u32 = 12;
export const ABI_NOT_AN_ARC_SWAP: u32 = 13;
export const ABI_NOT_A_PAGE: u32 = 14;
export const ABI_PARTICIPANT_PINNED: u32 = 15;
export const ABI_BAD_COUNT: u32 = 16;
export const ABI_BAD_POLICY: u32 = 17;
export const ABI_NO_GUARD: u32 = 18;
export const ABI_BAD_TABLE_KIND: u32 = 19;
export const ABI_NOT_A_USER_BLOCK: u32 = 20;
/** One past the last code. */
export const ABI_CODE_COUNT: u32 = 21;

let lastError: u32 = ABI_OK;
let lastValue: f64 = 0;

export function abiErrorName(code: u32): string {
  switch (code) {
    case ABI_OK: return "ok";
    case ABI_NOT_A_STREAM: return "is not a live SegmentedStream of this lab";
    case ABI_NOT_AN_INDEX: return "is not a live OptimisedIndex of this lab";
    case ABI_NOT_A_PARTICIPANT: return "is not a registered epoch participant of this lab";
    case ABI_NOT_THIS_THREAD: return "is an epoch participant another thread owns";
    case ABI_BAD_VARIANT: return "is not a stream variant";
    case ABI_BAD_PAGE_SLOTS: return "is not a page size (a power of two from 1 to 2^24)";
    case ABI_BAD_INDEXER: return "is not an indexer";
    case ABI_BAD_CAPACITY: return "is not an index capacity the model allows";
    case ABI_NOT_A_COUNTER: return "is not an 8-byte-aligned u64 inside a live block lab.alloc handed out";
    case ABI_BAD_SITE: return "is not an allocation site";
    case ABI_BAD_ALIGN: return "is not an alignment (a power of two up to 64 KiB)";
    case ABI_BAD_BUFFER: return "is not a buffer of that many bytes inside one live block";
    case ABI_NOT_AN_ARC_SWAP: return "is not a live ArcSwap<Page> of this lab";
    case ABI_NOT_A_PAGE: return "is not a live Arc<Page> data pointer";
    case ABI_PARTICIPANT_PINNED: return "is a participant still pinned (release its guards first)";
    case ABI_BAD_COUNT: return "is not a count in range";
    case ABI_BAD_POLICY: return "is not a growth policy, footprint model or chunk size";
    case ABI_NO_GUARD: return "is a participant that holds no guard";
    case ABI_BAD_TABLE_KIND: return "is not an index table kind";
    case ABI_NOT_A_USER_BLOCK: return "is not the start of a live block lab.alloc handed out";
  }
  return "is not valid";
}

/** Records a bad argument and traps: nothing has been written yet. */
export function refuse(code: u32, value: f64): void {
  lastError = code;
  lastValue = value;
  unreachable();
}

/** The error behind the last trap of this thread's calls (ABI_OK if it was none), cleared on read. */
export function takeAbiError(): u32 {
  let code = lastError;
  lastError = ABI_OK;
  return code;
}

export function abiErrorValue(): f64 { return lastValue; }
