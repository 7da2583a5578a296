// The README's worker example (examples/share-stream.mjs) runs as a user would run it, importing the
// package by its name: two workers open a shared stream descriptor and append; the main thread
// waits on the length, counts each worker's values and drops the stream.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const example = fileURLToPath(new URL("../../examples/share-stream.mjs", import.meta.url));

test("the README's worker example: 2 workers append through stream.share(); all 2,000 values arrive and nothing is left live", () => {
  const out = execFileSync(process.execPath, [example], { encoding: "utf8", timeout: 60_000 });
  assert.equal(out.trim(), "2000 values from 2 workers (1000 + 1000); live bytes after the drop: 0");
});
