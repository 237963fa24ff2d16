import { h } from "./dom";
import { S } from "./strings";

// The pre-review's verdict as a coloured chip: green PASS, amber WARN, red FAIL, grey while it runs.
export function verdictChip(verdict: string | null): HTMLElement {
  const v = verdict ?? "NONE";
  return h("span", { class: `chip chip-${v.toLowerCase()}`, "data-verdict": v }, S.verdicts[v] ?? v);
}

export function statusChip(status: string, text?: string): HTMLElement {
  return h("span", { class: `chip status-${status.toLowerCase()}`, "data-status": status }, S.statuses[status] ?? text ?? status);
}
