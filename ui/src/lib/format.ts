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
