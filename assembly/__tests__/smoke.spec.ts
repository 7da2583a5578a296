// Plumbing smoke test for as-pect (managed runtime, --enable threads, --memoryBase 65536).
// Delete once real specs exist.
describe("smoke", () => {
  it("does arithmetic", () => {
    expect<i32>(19 + 23).toBe(42);
  });

  it("atomic.add<i64> on a heap.alloc'd buffer", () => {
    const p = heap.alloc(16);
    expect<bool>(p >= 65536).toBe(true, "heap lies above memoryBase");
    expect<usize>(p & 7).toBe(0, "8-byte aligned");
    store<i64>(p, 40);
    const old = atomic.add<i64>(p, 2);
    expect<i64>(old).toBe(40);
    expect<i64>(atomic.load<i64>(p)).toBe(42);
    heap.free(p);
  });
});
