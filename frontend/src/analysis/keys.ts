// imexam's keys on a focused image viewer, the pointer over the image. Keys others own (n, b, k:
// blinking; Delete, Backspace, Escape: regions; arrows: panning) are never taken here.
import type { Tool } from "./results";

/** What a key asks for: a tool, and for `l`/`c` which cut. */
export interface KeyAction {
  tool: Tool;
  cut?: "row" | "column";
}

export const KEY_ACTIONS: Readonly<Record<string, KeyAction>> = {
  a: { tool: "photometry" },
  r: { tool: "profile" },
  s: { tool: "surface" },
  h: { tool: "histogram" },
  m: { tool: "stats" },
  l: { tool: "line", cut: "row" },
  c: { tool: "line", cut: "column" },
  j: { tool: "spectrum" },
};

/** What the key event asks for, or null: modifiers, held-down repeats and typing in inputs are left alone. */
export function keyAction(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat?: boolean;
  target?: EventTarget | null;
}): KeyAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return null;
  const target = event.target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = target?.tagName?.toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || target?.isContentEditable)
    return null;
  return KEY_ACTIONS[event.key] ?? null;
}
