import { describe, expect, it } from "vitest";
import { changedText, highlightsFromText, moveSection, setMetricView, svgDataUrl, toggleMetric, toggleSection } from "./pack";
import type { PackSnapshotView } from "./bindings";

const ALL = ["cover", "summary", "metrics", "actions", "appendix"];

describe("section order", () => {
  it("moves a section up and down, and not past the ends", () => {
    expect(moveSection(["cover", "summary", "metrics"], 2, -1)).toEqual(["cover", "metrics", "summary"]);
    expect(moveSection(["cover", "summary", "metrics"], 0, 1)).toEqual(["summary", "cover", "metrics"]);
    expect(moveSection(["cover", "summary"], 0, -1)).toEqual(["cover", "summary"]);
    expect(moveSection(["cover", "summary"], 1, 1)).toEqual(["cover", "summary"]);
  });

  it("adds a section back at its usual place and removes it", () => {
    expect(toggleSection(["cover", "appendix"], "summary", ALL)).toEqual(["cover", "summary", "appendix"]);
    expect(toggleSection(["cover", "summary"], "cover", ALL)).toEqual(["summary"]);
  });
});

describe("preview images", () => {
  it("never carries markup unescaped: the SVG is URL-encoded into an image URL", () => {
    const url = svgDataUrl('<svg><text>"<script>"</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(url).not.toContain("<");
    expect(url).not.toContain('"');
    expect(decodeURIComponent(url.slice(url.indexOf(",") + 1))).toBe('<svg><text>"<script>"</text></svg>');
  });
});

describe("past exports", () => {
  const snap = (changed: string[]): PackSnapshotView => ({
    id: 1,
    created_at: "2026-11-24T09:00:00Z",
    period_label: "2026-Q3",
    audience: "client",
    template_name: null,
    file_name: "a.pdf",
    pdf_sha256: "x",
    pages: 9,
    app_version: "0.1.0",
    changed_since: changed,
  });

  it("says what changed since, in words", () => {
    expect(changedText(snap([]))).toBe("Up to date");
    expect(changedText(snap(["data", "annotations"]))).toBe("Changed since: data, annotations");
    expect(changedText(snap(["definitions"]))).toBe("Changed since: targets or definitions");
  });

  it("reads highlights one per line", () => {
    expect(highlightsFromText(" a \n\n b\n")).toEqual(["a", "b"]);
  });
});

describe("metric pages", () => {
  const aht = { metric_id: "aht", dimension: "queue", control: false, drivers: false };
  it("adds a page by program without diagnostic views, and removes it", () => {
    expect(toggleMetric([aht], "fcr")).toEqual([aht, { metric_id: "fcr", dimension: "program", control: false, drivers: false }]);
    expect(toggleMetric([aht], "aht")).toEqual([]);
  });
  it("switches the control chart and the drivers of one page only", () => {
    const sl = { metric_id: "service_level", dimension: "program", control: false, drivers: false };
    const both = setMetricView(setMetricView([aht, sl], "aht", "control", true), "aht", "drivers", true);
    expect(both).toEqual([{ ...aht, control: true, drivers: true }, sl]);
    expect(setMetricView(both, "aht", "control", false)).toEqual([{ ...aht, drivers: true }, sl]);
  });
});
