// Pure helpers of the pack builder: section order, preview images, "changed since" words.
import type { PackDefinition, PackMetricChoice, PackSnapshotView } from "./bindings";

export const SECTION_NAMES: Record<string, string> = {
  cover: "Cover",
  summary: "Executive summary",
  metrics: "A page per metric",
  actions: "Action plan",
  appendix: "Appendix",
};

/** `sections` with the one at `index` moved by `delta` (−1 up, +1 down); unchanged at the ends. */
export function moveSection(sections: string[], index: number, delta: number): string[] {
  const to = index + delta;
  if (index < 0 || index >= sections.length || to < 0 || to >= sections.length) return sections;
  const next = [...sections];
  const moved = next.splice(index, 1);
  next.splice(to, 0, ...moved);
  return next;
}

/** `sections` with `name` added (at the place it has in `all`) or removed. */
export function toggleSection(sections: string[], name: string, all: string[]): string[] {
  if (sections.includes(name)) return sections.filter((s) => s !== name);
  const next = [...sections, name];
  return all.filter((s) => next.includes(s)).concat(next.filter((s) => !all.includes(s)));
}

/**
 * An SVG page as an image URL. The preview is shown through <img>, never inserted as markup, so
 * nothing in it (user text included) can run or reach the page.
 */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** What a past export's "changed since" says. */
export function changedText(s: PackSnapshotView): string {
  if (s.changed_since.length === 0) return "Up to date";
  const words: Record<string, string> = {
    data: "data",
    annotations: "annotations",
    definitions: "targets or definitions",
    app_version: "app version",
  };
  return "Changed since: " + s.changed_since.map((p) => words[p] ?? p).join(", ");
}

/** The highlights one per line, as typed, back to a list (blank lines dropped). */
export function highlightsFromText(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** A logo as an image URL for the builder's thumbnail. */
export function logoUrl(def: PackDefinition): string | null {
  if (!def.logo) return null;
  const mime = def.logo.format === "jpeg" ? "image/jpeg" : "image/png";
  return `data:${mime};base64,${def.logo.base64}`;
}

/** `metrics` with the page of `id` added (by program, no diagnostic views) or removed. */
export function toggleMetric(metrics: PackMetricChoice[], id: string): PackMetricChoice[] {
  return metrics.some((m) => m.metric_id === id)
    ? metrics.filter((m) => m.metric_id !== id)
    : [...metrics, { metric_id: id, dimension: "program", control: false, drivers: false }];
}

/** `metrics` with the control chart or the drivers split of `id`'s page switched on or off. */
export function setMetricView(
  metrics: PackMetricChoice[],
  id: string,
  view: "control" | "drivers",
  on: boolean,
): PackMetricChoice[] {
  return metrics.map((m) => (m.metric_id === id ? { ...m, [view]: on } : m));
}
