// Number and date formatting shared by every page, so figures read the same everywhere.

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** 1234567 → "1,234,567". */
export function thousands(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return Math.round(n).toLocaleString("en-US");
}

/** 1 → "January"; anything else → "–". */
export function monthName(month: number): string {
  return MONTHS[month - 1] ?? "–";
}

/** "2025-01-01", "2026-09-30" → "1 Jan 2025 – 30 Sep 2026". */
export function dateRange(first: string, last: string): string {
  return `${shortDate(first)} – ${shortDate(last)}`;
}

/** "2026-09-30" → "30 Sep 2026"; unparseable input is shown as given. */
export function shortDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  if (!month) return iso;
  return `${Number(m[3])} ${month.slice(0, 3)} ${m[1]}`;
}

/** Seconds as a readable threshold: 20 → "20 s", 300 → "5 min", 86400 → "24 h". */
export function duration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The file name of a path, whatever the platform's separator. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Seconds as m:ss (or h:mm:ss from an hour): 412 → "6:52". */
export function clock(seconds: number): string {
  const total = Math.round(Math.abs(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const sign = seconds < 0 ? "−" : "";
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${ss}` : `${sign}${m}:${ss}`;
}

/** A metric value in its unit; null (no value) is a dash, never 0. */
export function metricValue(value: number | null, unit: string, currency: string): string {
  if (value === null || !Number.isFinite(value)) return "–";
  switch (unit) {
    case "ratio":
      return `${(value * 100).toFixed(1)}%`;
    case "seconds":
      return clock(value);
    case "money":
      return new Intl.NumberFormat("en-US", {
        style: "currency",
        currency,
        maximumFractionDigits: Math.abs(value) < 100 ? 2 : 0,
      }).format(value);
    case "count":
      return thousands(value);
    case "scale_1_7":
      return value.toFixed(2);
    default:
      return value.toFixed(1);
  }
}

/** A change in the metric's own terms: points for ratios, m:ss for times, signed. */
export function metricChange(absolute: number, points: number | null, unit: string, currency: string): string {
  const sign = absolute > 0 ? "+" : absolute < 0 ? "−" : "±";
  if (unit === "ratio") return `${sign}${Math.abs(points ?? absolute * 100).toFixed(1)} pts`;
  if (unit === "seconds") return `${sign}${clock(Math.abs(absolute))}`;
  if (unit === "money") return `${sign}${metricValue(Math.abs(absolute), unit, currency)}`;
  if (unit === "count") return `${sign}${thousands(Math.abs(absolute))}`;
  return `${sign}${Math.abs(absolute).toFixed(unit === "scale_1_7" ? 2 : 1)}`;
}

/** Whether a move is good news, given which way the metric should go. */
export function tone(absolute: number, direction: string): "good" | "bad" | "neutral" {
  if (absolute === 0 || (direction !== "higher" && direction !== "lower")) return "neutral";
  return (absolute > 0) === (direction === "higher") ? "good" : "bad";
}

/** RAG status as a word and a symbol, so it never relies on colour alone. */
export function statusLabel(status: string): { symbol: string; word: string } {
  switch (status) {
    case "green":
      return { symbol: "✓", word: "On target" };
    case "amber":
      return { symbol: "!", word: "Near target" };
    case "red":
      return { symbol: "✕", word: "Off target" };
    default:
      return { symbol: "–", word: "No target" };
  }
}

/** A target as a sentence fragment: "≥ 82.0%", "≤ 0:30", "75.0%–88.0%". */
export function targetText(
  direction: string,
  value: number,
  high: number | null,
  unit: string,
  currency: string,
): string {
  const v = metricValue(value, unit, currency);
  if (direction === "at_least") return `≥ ${v}`;
  if (direction === "at_most") return `≤ ${v}`;
  return `${v}–${metricValue(high, unit, currency)}`;
}

// ---- Dates in forms and durations typed in their own unit (issue 27) ----

/** Forms show dates day first, as pages do ("27 Jul 2026"): the date picker's locale. */
export const DATE_LOCALE = "en-GB";

/** The units a duration can be typed in. */
export const DURATION_UNITS = [
  { id: "s", label: "seconds", seconds: 1 },
  { id: "min", label: "minutes", seconds: 60 },
  { id: "h", label: "hours", seconds: 3600 },
] as const;

/** A duration in the largest unit it is a whole number of: 86400 → 24 h, 300 → 5 min, 20 → 20 s. */
export function durationParts(seconds: number): { amount: number; unit: "s" | "min" | "h" } {
  if (seconds >= 3600 && seconds % 3600 === 0) return { amount: seconds / 3600, unit: "h" };
  if (seconds >= 60 && seconds % 60 === 0) return { amount: seconds / 60, unit: "min" };
  return { amount: seconds, unit: "s" };
}

/** "2026-07-27" → "Mon 27 Jul 2026"; unparseable input is shown as given. */
export function longDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  return `${day} ${shortDate(iso)}`;
}

/** A dimension member as a person names it: a program or site by its name alone, a channel
 * capitalised ("Voice"), a queue or team with its kind ("queue Payments"). */
export function memberText(dimension: string, value: string): string {
  if (dimension === "program" || dimension === "site") return value;
  if (dimension === "channel") return value.charAt(0).toUpperCase() + value.slice(1);
  return `${dimension} ${value}`;
}
