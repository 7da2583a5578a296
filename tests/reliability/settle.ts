// Bringing a lab to rest after its structures are dropped, and the figures two runs of one script
// must agree on.
//
// The drain pins, flushes and unpins every registered participant (this thread's own included)
// round after round until no user garbage and no unregistered participant's Local is pending: a participant's bag reaches the queue only
// when it fills or that participant flushes. pendingDeferred itself never reaches 0 once the queue
// has popped a bag: each pop defers the free of the old sentinel, so one or two node frees are
// always in flight (src/probe/probe.ts, drainEpoch). That churn is taken out of the queue node
// figures exactly: live nodes = 1 sentinel + queued bags + nodes whose free is pending.

import assert from "node:assert/strict";
import type { Lab, Participant } from "../../src/index.js";
import { EPOCH_SITE } from "../rust-reference.js";

const MAX_DRAIN_ROUNDS = 10_000;

/**
 * Drains the epoch (see above); `participants` are the test's own, and this thread's is added. That
 * registers this thread's participant (creating the collector) if nothing had, so that two runs of
 * a script end with the same collector whether or not a refused call was the one to create it.
 */
export function drainEpoch(lab: Lab, participants: readonly Participant[]): number {
  const all = [...participants.filter((p) => p.registered), lab.epoch.current()];
  let rounds = 0;
  for (let s = lab.epoch.state(); s.pendingUserDeferred > 0 || s.pendingParticipantFrees > 0; s = lab.epoch.state()) {
    assert.ok(++rounds <= MAX_DRAIN_ROUNDS, `the epoch drain converges (pending ${JSON.stringify(lab.epoch.state())})`);
    for (const p of all) {
      const guard = p.pin();
      guard.flush();
      guard.release();
    }
  }
  return rounds;
}

export interface SettledFigures {
  /** Live bytes and blocks of every site with any, the queue's churn taken out. */
  live: Record<string, { bytes: number; blocks: number }>;
  invalidFrees: number;
  doubleFrees: number;
  pendingUserDeferred: number;
}

/** The figures of a drained lab that every run of one script must end with. */
export function settledFigures(lab: Lab): SettledFigures {
  const ledger = lab.ledger();
  const epoch = lab.epoch.state();
  const churn = epoch.queuedBags + epoch.pendingNodeFrees;
  const live: SettledFigures["live"] = {};
  for (const site of ledger.sites) {
    let { liveBytes: bytes, liveBlocks: blocks } = site;
    if (site.name === EPOCH_SITE.node && blocks > 0) {
      assert.ok(blocks > churn, `live queue nodes (${blocks}) hold the sentinel besides ${churn} queued or retired`);
      bytes -= (bytes / blocks) * churn;
      blocks -= churn;
    }
    if (blocks || bytes) live[site.name] = { bytes, blocks };
  }
  return { live, invalidFrees: ledger.invalidFrees, doubleFrees: ledger.doubleFrees, pendingUserDeferred: epoch.pendingUserDeferred };
}

/** How `actual` differs from `expected`: "site: +bytes B, +blocks blocks" per site, then the counts; "" if not at all. */
export function figuresDifference(actual: SettledFigures, expected: SettledFigures): string {
  const signed = (n: number) => `${n >= 0 ? "+" : ""}${n}`;
  const parts: string[] = [];
  for (const name of new Set([...Object.keys(actual.live), ...Object.keys(expected.live)])) {
    const a = actual.live[name] ?? { bytes: 0, blocks: 0 };
    const e = expected.live[name] ?? { bytes: 0, blocks: 0 };
    if (a.bytes !== e.bytes || a.blocks !== e.blocks) parts.push(`${name}: ${signed(a.bytes - e.bytes)} B, ${signed(a.blocks - e.blocks)} blocks`);
  }
  for (const key of ["invalidFrees", "doubleFrees", "pendingUserDeferred"] as const) {
    if (actual[key] !== expected[key]) parts.push(`${key} ${expected[key]} → ${actual[key]}`);
  }
  return parts.join("; ");
}
