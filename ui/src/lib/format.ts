// Number and date formatting shared by every page. How a figure reads (percent, m:ss, the
// currency's symbol, the true minus sign, thousands separators, status words) follows the one
// rule set of the Rust crate `qbr-format`, which the CLI and the PDF pack use: its data comes from
// the generated `format-rules.json`, and `format.test.ts` checks these functions against the
// examples Rust writes to `format-vectors.json` (`UPDATE_BINDINGS=1 cargo test -p qbr-format`).
import rulesJson from "./format-rules.json";
import { dateLocale } from "./locale.svelte";

interface UnitRule {
  unit: string;
  decimals: number;
  change_decimals: number;
  scale: number;
  suffix: string;
  change_suffix: string;
  signed: boolean;
  clock: boolean;
  money: boolean;
  relative: boolean;
}

const RULES = rulesJson as {
  minus: string;
  plus: string;
  none: string;
  thousands_separator: string;
  decimal_separator: string;
  money_small_below: number;
  hours_from_seconds: number;
  hours_suffix: string;
  hours_decimals: number;
  units: UnitRule[];
  currencies: { code: string; symbol: string; minor_decimals: number }[];
  statuses: { status: string; symbol: string; word: string }[];
  locales: LocaleRule[];
};

/** How dates read in one locale (`qbr_format::LocaleRule`, from CLDR). */
interface LocaleRule {
  tag: string;
  name: string;
  long: string;
  numeric: string;
  month_year: string;
  day_month: string;
  weekday_long: string;
  months: string[];
  months_standalone: string[];
  months_alone: string[];
  weekdays: string[];
}

function unitRule(unit: string): UnitRule {
  return (
    RULES.units.find((u) => u.unit === unit) ?? {
      unit: "",
      decimals: 2,
      change_decimals: 2,
      scale: 1,
      suffix: "",
      change_suffix: "",
      signed: false,
      clock: false,
      money: false,
      relative: false,
    }
  );
}

function roundsToZero(text: string): boolean {
  return !/[1-9]/.test(text);
}

/** |v| with `decimals` places, rounded half up on its exact value (as `qbr_format::fixed`). */
function fixed(v: number, decimals: number): string {
  return Math.abs(v).toFixed(decimals);
}

function groupDigits(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += RULES.thousands_separator;
    out += digits[i];
  }
  return out;
}

/** `v` with `decimals` places, thousands separators and a true minus. */
export function grouped(v: number, decimals: number): string {
  const text = fixed(v, decimals);
  const [int, frac] = text.split(".");
  let out = v < 0 && !roundsToZero(text) ? RULES.minus : "";
  out += groupDigits(int ?? "");
  if (frac !== undefined) out += RULES.decimal_separator + frac;
  return out;
}

/** Like `grouped` with a `+` on positive values. */
export function signed(v: number, decimals: number): string {
  const text = grouped(v, decimals);
  return v > 0 && !roundsToZero(text) ? RULES.plus + text : text;
}

/** The symbol written before an amount: "$", "€", or the code and a space ("CHF "). */
export function currencySymbol(currency: string): string {
  const code = currency.trim();
  if (code === "") return "";
  const c = RULES.currencies.find((x) => x.code === code.toUpperCase());
  return c ? c.symbol : `${code.toUpperCase()} `;
}

/** A fraction as a percentage: 0.052 → "5.2%". */
export function percent(fraction: number, decimals: number): string {
  return `${grouped(fraction * 100, decimals)}%`;
}

/** An amount: "$1,234", "€3.10", "−£12.00". */
export function money(v: number, currency: string): string {
  const minor = RULES.currencies.find((x) => x.code === currency.trim().toUpperCase())?.minor_decimals ?? 2;
  const decimals = Math.abs(v) < RULES.money_small_below ? minor : 0;
  const digits = grouped(Math.abs(v), decimals);
  const sign = v < 0 && !roundsToZero(digits) ? RULES.minus : "";
  return `${sign}${currencySymbol(currency)}${digits}`;
}


const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** 1234567 → "1,234,567". */
export function thousands(n: number): string {
  if (!Number.isFinite(n)) return RULES.none;
  return grouped(Math.round(n), 0);
}

/** 1 → "January"; anything else → "–". */
export function monthName(month: number): string {
  return MONTHS[month - 1] ?? "–";
}

/** "2025-01-01", "2026-09-30" → "1 Jan 2025 – 30 Sept 2026" (in the workspace's locale). */
export function dateRange(first: string, last: string): string {
  return `${shortDate(first)} – ${shortDate(last)}`;
}

/** The supported locales' tags, the default first. */
export const LOCALE_TAGS: readonly string[] = RULES.locales.map((l) => l.tag);

/** Makes `tag` the locale every date follows (an unknown tag falls back to the default). */
export function setDateLocale(tag: string): void {
  const known = RULES.locales.find((l) => l.tag.toLowerCase() === tag.trim().toLowerCase());
  dateLocale.tag = (known ?? RULES.locales[0]!).tag;
}

/** The locale dates follow now: the workspace's. */
export function currentDateLocale(): string {
  return dateLocale.tag;
}

function localeRule(tag: string): LocaleRule {
  return RULES.locales.find((l) => l.tag.toLowerCase() === tag.toLowerCase()) ?? RULES.locales[0]!;
}

function ymd(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return null;
  // Day 0 of the next month is the last of this one.
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return [y, mo, d];
}

type DateForm = "long" | "numeric" | "month_year" | "day_month" | "weekday_long";

/** A day in one of the locale's forms, as `qbr_format` writes it; unparseable input as given. */
function dateIn(iso: string, form: DateForm, locale: string): string {
  const p = ymd(iso);
  if (!p) return iso;
  const [y, m, d] = p;
  const r = localeRule(locale);
  const months = form === "month_year" ? r.months_standalone : r.months;
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return r[form]
    .replace("{dd}", String(d).padStart(2, "0"))
    .replace("{MM}", String(m).padStart(2, "0"))
    .replace("{d}", String(d))
    .replace("{M}", months[m - 1]!)
    .replace("{y}", String(y))
    .replace("{E}", r.weekdays[weekday]!);
}

/** "2026-07-27" in the workspace's locale: "27 Jul 2026", "Jul 27, 2026", "27. Juli 2026". */
export function dateLong(iso: string, locale: string = dateLocale.tag): string {
  return dateIn(iso, "long", locale);
}

/** "27/07/2026", "07/27/2026", "27.07.2026". */
export function dateNumeric(iso: string, locale: string = dateLocale.tag): string {
  return dateIn(iso, "numeric", locale);
}

/** A month as a chart axis labels it: "Jul 2026", "Juli 2026" ("YYYY-MM" or a day). */
export function monthYear(iso: string, locale: string = dateLocale.tag): string {
  return dateIn(/^\d{4}-\d{2}$/.test(iso) ? `${iso}-01` : iso, "month_year", locale);
}

/** A month alone, as a chart axis labels it next to labels with the year: "Jul", "Juli", "juil."
 * ("YYYY-MM" or a day). */
export function monthShort(iso: string, locale: string = dateLocale.tag): string {
  const p = ymd(/^\d{4}-\d{2}$/.test(iso) ? `${iso}-01` : iso);
  return p ? localeRule(locale).months_alone[p[1] - 1]! : iso;
}

/** The days from `first` to `last`, as a week or a run of weeks reads (qbr_format::date_span): the
 * year once when both share it ("27 Jul – 2 Aug 2026", "Jul 27 – Aug 2, 2026"), both days in full
 * across a year end, one day alone ("27 Jul 2026"). */
export function dateSpan(first: string, last: string, locale: string = dateLocale.tag): string {
  const a = ymd(first);
  const b = ymd(last);
  if (a && b && a.join() === b.join()) return dateLong(first, locale);
  if (a && b && a[0] === b[0]) return `${dayMonth(first, locale)} – ${dateLong(last, locale)}`;
  return `${dateLong(first, locale)} – ${dateLong(last, locale)}`;
}

/** A week of a chart as a reader names it, by its days in the workspace's locale: "27 Jul – 2 Aug
 * 2026"; a week the period or the data cut short says so: "1 Jul – 5 Jul 2026 (part of a week)". */
export function weekText(start: string, end: string, partial: boolean): string {
  return partial ? `${dateSpan(start, end)} (part of a week)` : dateSpan(start, end);
}

/** "27 Jul", "Jul 27", "27. Juli". */
export function dayMonth(iso: string, locale: string = dateLocale.tag): string {
  return dateIn(iso, "day_month", locale);
}

/** "Mon, 27 Jul 2026", "Mon, Jul 27, 2026", "Mo., 27. Juli 2026". */
export function dateWeekday(iso: string, locale: string = dateLocale.tag): string {
  return dateIn(iso, "weekday_long", locale);
}

/** When a recent workspace was opened, on the start page (no workspace open): in that workspace's
 * locale when the recent list knows it, else in the default, en-GB ("7 Dec 2026", "Dec 7, 2026"). */
export function recentDate(openedAt: string, locale: string | null): string {
  return dateLong(openedAt, locale ?? RULES.locales[0]!.tag);
}

/** A day in the workspace's locale ("30 Sept 2026" in en-GB); unparseable input as given. */
export function shortDate(iso: string): string {
  return dateLong(iso);
}

/** An instant as stored ("2026-12-07T11:13:55Z") → "7 Dec 2026, 11:13 UTC"; unparseable input is
 * shown as given. */
export function dateTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:?00)?$/.exec(iso);
  if (!m || !m[1] || !m[2]) return iso;
  const day = shortDate(m[1]);
  return day === m[1] ? iso : `${day}, ${m[2]}${m[3] ? " UTC" : ""}`;
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

/** Seconds as m:ss under an hour (412 → "6:52") and as hours from an hour on (38173 →
 * "10.6 h"), as `qbr_format::clock`; a true minus. */
export function clock(seconds: number): string {
  const total = Number(fixed(seconds, 0));
  const text =
    total >= RULES.hours_from_seconds
      ? grouped(Math.abs(seconds) / 3600, RULES.hours_decimals) + RULES.hours_suffix
      : `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  return seconds < 0 && total > 0 ? RULES.minus + text : text;
}

/** A metric value in its unit; null (no value) is a dash, never 0. */
export function metricValue(value: number | null, unit: string, currency: string): string {
  if (value === null || !Number.isFinite(value)) return RULES.none;
  const r = unitRule(unit);
  if (r.clock) return clock(value);
  if (r.money) return money(value, currency);
  const x = value * r.scale;
  const decimals = r.unit === "count" && Math.abs(x - Math.round(x)) >= 1e-9 ? 1 : r.decimals;
  return (r.signed ? signed(x, decimals) : grouped(x, decimals)) + r.suffix;
}

/**
 * A move in the metric's own terms: percentage points for ratios, m:ss for times, the relative
 * size as well for volumes and money.
 */
export function metricChange(
  absolute: number,
  points: number | null,
  unit: string,
  currency: string,
  relative: number | null = null,
): string {
  const r = unitRule(unit);
  const rel = r.relative && relative !== null ? ` (${signed(relative * 100, 1)}%)` : "";
  if (r.clock) {
    const text = clock(absolute);
    return absolute > 0 && text !== "0:00" ? RULES.plus + text : text;
  }
  if (r.money) {
    const text = money(absolute, currency);
    return `${absolute > 0 && !roundsToZero(text) ? RULES.plus : ""}${text}${rel}`;
  }
  const x = r.unit === "ratio" ? (points ?? absolute * 100) : absolute * r.scale;
  return `${signed(x, r.change_decimals)}${r.change_suffix}${rel}`;
}

/** Whether a move is good news, given which way the metric should go. */
export function tone(absolute: number, direction: string): "good" | "bad" | "neutral" {
  if (absolute === 0 || (direction !== "higher" && direction !== "lower")) return "neutral";
  return (absolute > 0) === (direction === "higher") ? "good" : "bad";
}

/** RAG status as a word and a symbol, so it never relies on colour alone. */
export function statusLabel(status: string): { symbol: string; word: string } {
  const r = RULES.statuses.find((x) => x.status === (status === "" ? "none" : status)) ?? RULES.statuses[3]!;
  return { symbol: r.symbol, word: r.word };
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
  if (direction === "band") return `${v}–${metricValue(high ?? value, unit, currency)}`;
  return `${direction} ${v}`;
}

// ---- Dates in forms and durations typed in their own unit (issue 27) ----


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

/** "2026-07-27" → "Mon, 27 Jul 2026" (in the workspace's locale); unparseable input as given. */
export function longDate(iso: string): string {
  return dateWeekday(iso);
}

/** A dimension member as a person names it: a program or site by its name alone, a channel
 * capitalised ("Voice"), a queue or team with its kind ("queue Payments"). */
export function memberText(dimension: string, value: string): string {
  if (dimension === "program" || dimension === "site") return value;
  if (dimension === "channel") return value.charAt(0).toUpperCase() + value.slice(1);
  return `${dimension} ${value}`;
}
