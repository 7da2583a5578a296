// What the ABI accepts from the host. Each check either returns or refuses (abi/error.ts: record
// and trap) before the export it guards has written anything. Addresses are judged by the heap's
// start map (memory/starts.ts) and the block's site and size, so a number that merely looks like
// an address of the right kind (an old handle, a forged header in user data) is refused too.

import {
  refuse, ABI_NOT_A_STREAM, ABI_NOT_AN_INDEX, ABI_NOT_A_PARTICIPANT, ABI_NOT_THIS_THREAD, ABI_BAD_VARIANT,
  ABI_BAD_PAGE_SLOTS, ABI_BAD_INDEXER, ABI_BAD_TABLE_KIND, ABI_BAD_CAPACITY, ABI_NOT_A_COUNTER, ABI_NOT_A_USER_BLOCK, ABI_BAD_SITE, ABI_BAD_ALIGN, ABI_BAD_BUFFER,
  ABI_NOT_AN_ARC_SWAP, ABI_NOT_A_PAGE, ABI_BAD_COUNT, ABI_NO_GUARD, ABI_PARTICIPANT_PINNED
} from "./error";
import { HEADER, requestedOf } from "../memory/block";
import { containingBlock, wordIsLive } from "../memory/heap";
import { isLiveBlockOf } from "../memory/check";
import { currentThread } from "../memory/lab_state";
import {
  SITE_STREAM_INLINE, SITE_INDEX_INLINE, SITE_LOCAL, SITE_ARC_SWAP_INLINE, SITE_ARC_PAGE, SITE_COUNT, SITE_NONE
} from "../memory/sites";
import { STREAM_SIZE } from "../stream/segmented_stream";
import { PAGE_SIZE } from "../stream/page";
import { VARIANT_COUNT } from "../stream/variant";
import { ARC_HEADER } from "../sync/arc";
import { ARC_SWAP_SIZE } from "../sync/arc_swap";
import { INDEX_SIZE } from "../index/optimised_index";
import { INDEXER_COUNT } from "../index/indexer";
import { MAX_SLOTS, TABLE_KIND_COUNT, slotsForCapacity } from "../index/table";
import { localOwner, localGuardCount } from "../epoch/local";
import { localSize } from "../epoch/version";
import { releaseData } from "../epoch/release";
import { localDeleted } from "../epoch/global";

/** Pages of more than 2^24 slots would be one request past 256 MiB: the typed API's bound too. */
// @ts-ignore: decorator
@inline const MAX_PAGE_SLOTS: u32 = 1 << 24;
/** 2^53: the largest count or index a double carries exactly. */
// @ts-ignore: decorator
@inline const MAX_EXACT: f64 = 9007199254740992;

/** A stream the exports may read or append to: an owner-less one, or the one inline in an index. */
export function validStream(stream: usize): void {
  if (!isLiveBlockOf(stream, SITE_STREAM_INLINE, <u64>STREAM_SIZE) && !isLiveBlockOf(stream, SITE_INDEX_INLINE, <u64>INDEX_SIZE)) {
    refuse(ABI_NOT_A_STREAM, <f64>stream);
  }
}

/** A stream streamNew made (the only kind streamDrop may drop: an index drops its own). */
export function validOwnStream(stream: usize): void {
  if (!isLiveBlockOf(stream, SITE_STREAM_INLINE, <u64>STREAM_SIZE)) refuse(ABI_NOT_A_STREAM, <f64>stream);
}

export function validIndex(index: usize): void {
  if (!isLiveBlockOf(index, SITE_INDEX_INLINE, <u64>INDEX_SIZE)) refuse(ABI_NOT_AN_INDEX, <f64>index);
}

/** A registered participant (not yet unregistered); `owned`: one this thread may drive. */
export function validParticipant(local: usize, owned: bool): void {
  if (!isLiveBlockOf(local, SITE_LOCAL, <u64>localSize()) || localDeleted(local)) refuse(ABI_NOT_A_PARTICIPANT, <f64>local);
  if (owned && localOwner(local) != currentThread()) refuse(ABI_NOT_THIS_THREAD, <f64>local);
}

/** A participant of this thread that holds a guard (defer and flush run on a guard). */
export function validGuard(local: usize): void {
  validParticipant(local, true);
  if (localGuardCount(local) == 0) refuse(ABI_NO_GUARD, <f64>local);
}

/** A participant of this thread that holds no guard (unregister). */
export function validUnpinned(local: usize): void {
  validParticipant(local, true);
  if (localGuardCount(local) != 0) refuse(ABI_PARTICIPANT_PINNED, <f64>local);
}

export function validVariant(variant: u32): void {
  if (variant >= VARIANT_COUNT) refuse(ABI_BAD_VARIANT, <f64>variant);
}

export function validPageSlots(slots: u32): void {
  if (slots == 0 || slots > MAX_PAGE_SLOTS || (slots & (slots - 1)) != 0) refuse(ABI_BAD_PAGE_SLOTS, <f64>slots);
}

export function validIndexer(indexer: u32): void {
  if (indexer >= INDEXER_COUNT) refuse(ABI_BAD_INDEXER, <f64>indexer);
}

export function validTableKind(kind: u32): void {
  if (kind >= TABLE_KIND_COUNT) refuse(ABI_BAD_TABLE_KIND, <f64>kind);
}

/** A whole number of keys whose table the model allows (table.ts's MAX_SLOTS). */
export function validCapacity(capacity: f64): u64 {
  if (!isWhole(capacity) || slotsForCapacity(<u64>capacity) > MAX_SLOTS) refuse(ABI_BAD_CAPACITY, capacity);
  return <u64>capacity;
}

/** A whole number from 0 to 2^53 (an index, a position, a byte count). */
export function validCount(value: f64): u64 {
  if (!isWhole(value)) refuse(ABI_BAD_COUNT, value);
  return <u64>value;
}

function isWhole(value: f64): bool {
  return value >= 0 && value <= MAX_EXACT && Math.floor(value) == value;
}

/** The u64 a deferred count function adds to: inside a live block of the caller's (lab.alloc). */
export function validCounter(counter: usize): void {
  if (!wordIsLive(counter, true)) refuse(ABI_NOT_A_COUNTER, <f64>counter);
}

/** The start of a live block lab.alloc handed out (what epochDeferFree may release): its release data word. */
export function validUserBlock(payload: usize): u64 {
  let data = releaseData(payload);
  if (!data) refuse(ABI_NOT_A_USER_BLOCK, <f64>payload);
  return data;
}

export function validSite(site: u32): void {
  if (site >= SITE_COUNT || site == SITE_NONE) refuse(ABI_BAD_SITE, <f64>site);
}

export function validAlign(align: u32): void {
  if (align == 0 || align > 65536 || (align & (align - 1)) != 0) refuse(ABI_BAD_ALIGN, <f64>align);
}

/** `bytes` bytes from `address` inside the requested bytes of one live block (any owner's). */
export function validBuffer(address: usize, bytes: u64): void {
  let block = containingBlock(address);
  if (!block || address < block + HEADER || <u64>address + bytes > <u64>(block + HEADER) + <u64>requestedOf(block)) {
    refuse(ABI_BAD_BUFFER, <f64>address);
  }
}

/** `count` elements of `size` bytes from `address` in one live block: the count is refused if the block is too short. */
export function validElements(address: usize, count: u64, size: usize): void {
  let block = containingBlock(address);
  if (!block || address < block + HEADER) refuse(ABI_BAD_BUFFER, <f64>address);
  if (<u64>address + count * <u64>size > <u64>(block + HEADER) + <u64>requestedOf(block)) refuse(ABI_BAD_COUNT, <f64>count);
}

export function validArcSwap(swap: usize): void {
  if (!isLiveBlockOf(swap, SITE_ARC_SWAP_INLINE, <u64>ARC_SWAP_SIZE)) refuse(ABI_NOT_AN_ARC_SWAP, <f64>swap);
}

/** An Arc<Page> data pointer (Arc::into_raw's: 16 bytes into a live ArcInner<Page>). */
export function validPage(data: usize): void {
  if (data < ARC_HEADER || !isLiveBlockOf(data - ARC_HEADER, SITE_ARC_PAGE, <u64>(ARC_HEADER + PAGE_SIZE))) refuse(ABI_NOT_A_PAGE, <f64>data);
}
