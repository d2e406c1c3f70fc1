import { describe, expect, it } from "vitest";
import { dateRange, dateTime, duration, fileName, monthName, shortDate, thousands } from "./format";

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
    // CLDR's en-GB (the default) abbreviates September as "Sept".
    expect(shortDate("2026-09-30")).toBe("30 Sept 2026");
    expect(dateRange("2025-01-01", "2026-09-30")).toBe("1 Jan 2025 – 30 Sept 2026");
    expect(shortDate("not a date")).toBe("not a date");
  });

  it("writes a stored instant as a date and a time in UTC", () => {
    expect(dateTime("2026-12-07T11:13:55Z")).toBe("7 Dec 2026, 11:13 UTC");
    expect(dateTime("2026-12-07T09:05:00.123Z")).toBe("7 Dec 2026, 09:05 UTC");
    expect(dateTime("yesterday")).toBe("yesterday");
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

import { clock, metricChange, metricValue, statusLabel, targetText, tone } from "./format";
import vectors from "./format-vectors.json";

describe("metric formatting", () => {
  it("shows each unit the way the catalog defines it", () => {
    expect(metricValue(0.836, "ratio", "EUR")).toBe("83.6%");
    expect(metricValue(412, "seconds", "EUR")).toBe("6:52");
    // From an hour on, hours: email's ASA of 38,173 s once read as the clock time 10:36:13.
    expect(metricValue(3725, "seconds", "EUR")).toBe("1.0 h");
    expect(metricValue(38173, "seconds", "EUR")).toBe("10.6 h");
    expect(metricValue(3599.4, "seconds", "EUR")).toBe("59:59");
    expect(metricValue(-45.4545, "score", "EUR")).toBe("−45.5");
    expect(metricValue(25.08, "score", "EUR")).toBe("+25.1");
    expect(metricValue(4.0769, "scale_1_7", "EUR")).toBe("4.08");
    expect(metricValue(1876988, "count", "EUR")).toBe("1,876,988");
    expect(metricValue(3.1, "money", "EUR")).toBe("€3.10");
    expect(metricValue(45000, "money", "USD")).toBe("$45,000");
    expect(metricValue(null, "ratio", "EUR")).toBe("–");
  });

  it("writes changes in points for ratios and m:ss for times, with a true minus", () => {
    expect(metricChange(-0.064, -6.4, "ratio", "EUR")).toBe("−6.4 pp");
    expect(metricChange(18, null, "seconds", "EUR")).toBe("+0:18");
    expect(metricChange(0, 0, "ratio", "EUR")).toBe("0.0 pp");
    expect(metricChange(1200, null, "count", "EUR", 0.052)).toBe("+1,200 (+5.2%)");
  });

  it("colours a move by the metric's better direction", () => {
    expect(tone(0.02, "higher")).toBe("good");
    expect(tone(18, "lower")).toBe("bad");
    expect(tone(-18, "lower")).toBe("good");
    expect(tone(5, "band")).toBe("neutral");
  });

  it("gives every status a symbol and a word", () => {
    expect(statusLabel("green")).toEqual({ symbol: "✓", word: "On target" });
    expect(statusLabel("red").symbol).toBe("✕");
    expect(statusLabel("none").word).toBe("No target");
  });

  it("states targets with their direction", () => {
    expect(targetText("at_least", 0.82, null, "ratio", "EUR")).toBe("≥ 82.0%");
    expect(targetText("at_most", 30, null, "seconds", "EUR")).toBe("≤ 0:30");
    expect(targetText("band", 0.75, 0.88, "ratio", "EUR")).toBe("75.0%–88.0%");
  });

  it("keeps the sign on negative clock values", () => {
    expect(clock(-75)).toBe("−1:15");
  });
});

// The CLI and the PDF pack format through the Rust crate `qbr-format`; it writes these examples
// (`UPDATE_BINDINGS=1 cargo test -p qbr-format`). The app must read every one the same.
describe("the app's texts equal the CLI's and the pack's", () => {
  it("for every unit, sign, size and currency in the shared examples", () => {
    expect(vectors.values.length).toBeGreaterThan(100);
    for (const v of vectors.values) {
      const what = `${v.unit} ${v.value} ${v.currency}`;
      expect(metricValue(v.value, v.unit, v.currency), what).toBe(v.value_text);
      expect(metricChange(v.value, v.points, v.unit, v.currency, v.relative), what).toBe(v.change_text);
      expect(targetText("at_least", v.value, null, v.unit, v.currency), what).toBe(v.at_least);
      expect(targetText("at_most", v.value, null, v.unit, v.currency), what).toBe(v.at_most);
      expect(targetText("band", v.value, v.value * 2, v.unit, v.currency), what).toBe(v.band);
    }
  });

  it("for every status", () => {
    for (const s of vectors.statuses) {
      const l = statusLabel(s.status);
      expect(`${l.symbol} ${l.word}`).toBe(s.text);
    }
  });
});

import { durationParts, longDate, memberText } from "./format";

describe("durations, dates and members as people say them", () => {
  it("types a threshold in the largest whole unit", () => {
    expect(durationParts(86400)).toEqual({ amount: 24, unit: "h" });
    expect(durationParts(300)).toEqual({ amount: 5, unit: "min" });
    expect(durationParts(90)).toEqual({ amount: 90, unit: "s" });
    expect(durationParts(20)).toEqual({ amount: 20, unit: "s" });
  });
  it("names the weekday of a date", () => {
    // 27 July 2026 is a Monday.
    expect(longDate("2026-07-27")).toBe("Mon, 27 Jul 2026");
    expect(longDate("soon")).toBe("soon");
  });
  it("names a member without the dimension where the name says it", () => {
    expect(memberText("program", "Tech Support")).toBe("Tech Support");
    expect(memberText("channel", "email")).toBe("Email");
    expect(memberText("queue", "Payments")).toBe("queue Payments");
  });
});

import { currentDateLocale, dateLong, dateNumeric, dateSpan, dateWeekday, dayMonth, LOCALE_TAGS, monthShort, monthYear, recentDate, setDateLocale, weekText } from "./format";

describe("dates in the workspace's locale (qbr_format's date rules)", () => {
  it("writes every date vector as Rust does", () => {
    expect(vectors.dates.length).toBe(LOCALE_TAGS.length * 14);
    for (const v of vectors.dates) {
      const at = `${v.locale} ${v.date}`;
      expect(dateLong(v.date, v.locale), at).toBe(v.long);
      expect(dateNumeric(v.date, v.locale), at).toBe(v.numeric);
      expect(monthYear(v.date, v.locale), at).toBe(v.month_year);
      expect(dayMonth(v.date, v.locale), at).toBe(v.day_month);
      expect(dateWeekday(v.date, v.locale), at).toBe(v.weekday);
      expect(monthShort(v.date, v.locale), at).toBe(v.month);
    }
  });

  it("writes every week span as Rust does", () => {
    expect(vectors.spans.length).toBe(LOCALE_TAGS.length * 4);
    for (const v of vectors.spans) expect(dateSpan(v.first, v.last, v.locale), `${v.locale} ${v.first}`).toBe(v.text);
    expect(dateSpan("2026-07-27", "2026-08-02", "en-GB")).toBe("27 Jul – 2 Aug 2026");
    expect(dateSpan("2025-12-29", "2026-01-04", "en-US")).toBe("Dec 29, 2025 – Jan 4, 2026");
  });

  it("writes a recent workspace's date in its own locale, or en-GB, whatever locale was set last", () => {
    try {
      setDateLocale("de-DE");
      expect(recentDate("2026-12-07T11:13:55Z", "en-US")).toBe("Dec 7, 2026");
      expect(recentDate("2026-12-07T11:13:55Z", null)).toBe("7 Dec 2026");
    } finally {
      setDateLocale("en-GB");
    }
  });

  it("names a chart's week by its days, and a cut week as part of one", () => {
    // 2026-W31 is Monday 27 July to Sunday 2 August; the quarter 2026-Q3 cuts 2026-W27 to 1-5 July.
    expect(weekText("2026-07-27", "2026-08-02", false)).toBe("27 Jul – 2 Aug 2026");
    expect(weekText("2026-07-01", "2026-07-05", true)).toBe("1 Jul – 5 Jul 2026 (part of a week)");
    try {
      setDateLocale("de-DE");
      expect(weekText("2026-07-27", "2026-08-02", false)).toBe("27. Juli – 2. Aug. 2026");
    } finally {
      setDateLocale("en-GB");
    }
  });

  // The reference: CLDR as the ICU in Node prints it. The vectors (written by Rust from the
  // generated table) must equal Intl.DateTimeFormat's output for every locale and day.
  it("equals CLDR (Intl.DateTimeFormat) for every supported locale", () => {
    const intl = (locale: string, iso: string, opts: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat(locale, { ...opts, timeZone: "UTC" }).format(new Date(`${iso}T12:00:00Z`));
    for (const v of vectors.dates) {
      const at = `${v.locale} ${v.date}`;
      expect(v.long, at).toBe(intl(v.locale, v.date, { day: "numeric", month: "short", year: "numeric" }));
      expect(v.numeric, at).toBe(intl(v.locale, v.date, { day: "2-digit", month: "2-digit", year: "numeric" }));
      expect(v.month_year, at).toBe(intl(v.locale, v.date, { month: "short", year: "numeric" }));
      expect(v.day_month, at).toBe(intl(v.locale, v.date, { day: "numeric", month: "short" }));
      expect(v.weekday, at).toBe(intl(v.locale, v.date, { weekday: "short", day: "numeric", month: "short", year: "numeric" }));
      expect(v.month, at).toBe(intl(v.locale, v.date, { month: "short" }));
    }
  });

  it("follows the locale the workspace sets, and falls back to en-GB", () => {
    try {
      setDateLocale("en-US");
      expect(currentDateLocale()).toBe("en-US");
      expect(shortDate("2026-07-27")).toBe("Jul 27, 2026");
      expect(dateRange("2026-07-01", "2026-09-30")).toBe("Jul 1, 2026 – Sep 30, 2026");
      setDateLocale("de-de");
      expect(shortDate("2026-07-27")).toBe("27. Juli 2026");
      expect(monthYear("2026-03")).toBe("März 2026");
      setDateLocale("xx-YY");
      expect(currentDateLocale()).toBe("en-GB");
    } finally {
      setDateLocale("en-GB");
    }
    expect(dateLong("2026-02-30", "en-US")).toBe("2026-02-30");
  });
});
