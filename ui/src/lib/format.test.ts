import { describe, expect, it } from "vitest";
import { dateRange, duration, fileName, monthName, shortDate, thousands } from "./format";

describe("format", () => {
  it("groups thousands with commas", () => {
    expect(thousands(1876988)).toBe("1,876,988");
    expect(thousands(0)).toBe("0");
    // A missing value is shown as a dash, never as 0.
    expect(thousands(Number.NaN)).toBe("–");
  });

  it("names months and refuses out-of-range ones", () => {
    expect(monthName(1)).toBe("January");
    expect(monthName(12)).toBe("December");
    expect(monthName(13)).toBe("–");
  });

  it("writes dates and ranges the way people read them", () => {
    expect(shortDate("2026-09-30")).toBe("30 Sep 2026");
    expect(dateRange("2025-01-01", "2026-09-30")).toBe("1 Jan 2025 – 30 Sep 2026");
    expect(shortDate("not a date")).toBe("not a date");
  });

  it("picks the largest whole unit for thresholds", () => {
    expect(duration(20)).toBe("20 s");
    expect(duration(300)).toBe("5 min");
    expect(duration(86400)).toBe("24 h");
    expect(duration(90)).toBe("90 s");
  });

  it("takes the last path segment on any platform", () => {
    expect(fileName("/home/am/northwind-mobile.qbr")).toBe("northwind-mobile.qbr");
    expect(fileName("C:\\Users\\am\\acme.qbr")).toBe("acme.qbr");
  });
});
