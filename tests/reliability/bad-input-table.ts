// The whole bad-input table, as both threads build it, with the raw rows the module does not refuse
// yet (raw-todo.ts) marked todo.

import { apiRows, rawRows, regressionRows, type Row } from "./bad-input-rows.js";
import { RAW_AWAITING_WASM } from "./raw-todo.js";

export interface RowResult {
  ok: boolean;
  detail: string;
}

export function allRows(): Row[] {
  return [...apiRows(), ...regressionRows(), ...rawRows(new Set(RAW_AWAITING_WASM))];
}
