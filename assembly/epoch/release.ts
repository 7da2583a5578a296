// The release item: the ABI's deferred free (epochDeferFree), crossbeam's
// `guard.defer_unchecked(move || drop(Box::from_raw(ptr)))` for any block the host allocated with
// lab.alloc. Like count.ts, a client of the collector: it hands the collector its function and one
// data word, the block's payload address and the site that allocated it, packed as
// (site << 32) | payload (wasm32 addresses fit 32 bits).
//
// Once deferred, the block is the collector's: the host must not free it itself. If it does, the
// deferred free finds the block free and is recorded as a double free (the heap's checked free
// changes nothing); if the address was handed out again meanwhile, the deferred free releases the
// new block, as the Rust code it models would (a use after free the ledger then shows).

import { heapFreeUser, liveBlockAt } from "../memory/heap";
import { siteOf, ownerOf, USER } from "../memory/block";
import { DeferredFn, deferredIndex } from "./deferred";

function runRelease(data: u64): void {
  heapFreeUser(<usize>(data & 0xFFFF_FFFF), <u32>(data >> 32));
}

// @ts-ignore: decorator
@inline const RELEASE: DeferredFn = runRelease;

/** The release function's table index, for localDefer. */
// @ts-ignore: decorator
@inline export function releaseFn(): u32 { return deferredIndex(changetype<usize>(RELEASE)); }

/** The data word for releasing the USER block at `payload`, or 0 if it is not the start of one. */
export function releaseData(payload: usize): u64 {
  let block = liveBlockAt(payload);
  if (!block || !(ownerOf(block) & USER)) return 0;
  return (<u64>siteOf(block) << 32) | <u64>payload;
}
