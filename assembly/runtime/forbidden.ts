// The library's runtime: none. Every managed allocation (`new`, string concatenation, `toString`,
// array literals) would take memory from a per-instance heap pointer, and with several instances
// over one shared memory two threads would be handed the same address. So each runtime entry point
// that could allocate is a compile error: a managed allocation anywhere in the library fails the
// build instead of corrupting memory at run time. All memory comes from assembly/memory/heap.ts.

// @ts-ignore: decorator
@unsafe @global
function __alloc(size: usize): usize {
  ERROR("segstream: no managed allocation in the library (use memory/heap)");
  return 0;
}

// @ts-ignore: decorator
@unsafe @global
function __realloc(ptr: usize, size: usize): usize {
  ERROR("segstream: no managed allocation in the library (use memory/heap)");
  return 0;
}

// @ts-ignore: decorator
@unsafe @global
function __free(ptr: usize): void {
  ERROR("segstream: no managed allocation in the library (use memory/heap)");
}

// @ts-ignore: decorator
@unsafe @global
function __reset(): void {
  ERROR("segstream: no managed allocation in the library (use memory/heap)");
}

// @ts-ignore: decorator
@unsafe @global
function __new(size: usize, id: u32): usize {
  ERROR("segstream: no managed allocation in the library (use memory/heap)");
  return 0;
}

// @ts-ignore: decorator
@unsafe @global
function __renew(oldPtr: usize, size: usize): usize {
  ERROR("segstream: no managed allocation in the library (use memory/heap)");
  return 0;
}

// Static data (abort messages) never moves and is never collected, so these are no-ops.

// @ts-ignore: decorator
@global @unsafe
function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {}

// @ts-ignore: decorator
@global @unsafe
function __pin(ptr: usize): usize {
  return ptr;
}

// @ts-ignore: decorator
@global @unsafe
function __unpin(ptr: usize): void {}

// @ts-ignore: decorator
@global @unsafe
function __visit(ptr: usize, cookie: u32): void {}

// @ts-ignore: decorator
@global @unsafe
function __collect(): void {}
