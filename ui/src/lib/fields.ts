// The import fields and kinds of data in words, for the wizard: a person maps "the contact's id",
// not `contact_id`. The ids stay in the data attributes tests and saved mappings use.

export const FIELD_WORDS: Record<string, string> = {
  contact_id: "Contact id",
  started_at: "Start date and time",
  started_time: "Start time (if apart from the date)",
  channel: "Channel",
  direction: "Direction (inbound or outbound)",
  program: "Program",
  queue: "Queue",
  site: "Site",
  team: "Team",
  agent: "Agent",
  customer_id: "Customer id",
  outcome: "Outcome (handled, abandoned…)",
  wait: "Wait before answer",
  talk: "Talk time",
  hold: "Hold time",
  wrap: "Wrap-up time",
  handle: "Handle time",
  transferred: "Transferred (yes or no)",
  resolved: "Resolved (yes or no)",
  csat: "Satisfaction rating",
  nps: "Recommend rating (NPS)",
  ces: "Effort rating (CES)",
  answered_at: "Answered at",
  abandoned_flag: "Abandoned (yes or no)",
  answered_flag: "Answered (yes or no)",
  transferred_at: "Transferred at",
  non_acd: "Not routed through a queue (yes or no)",
  updated_at: "Last updated at",
  interval_start: "Interval start",
  offered: "Contacts offered",
  handled: "Contacts handled",
  abandoned: "Contacts abandoned",
  short_abandoned: "Short abandons",
  answered_in_threshold: "Answered within the threshold",
  abandoned_in_threshold: "Abandoned within the threshold",
  answer_wait: "Total wait before answer",
  asa: "Average speed of answer",
  aht: "Average handle time",
  avg_talk: "Average talk time",
  avg_hold: "Average hold time",
  avg_wrap: "Average wrap-up time",
  service_level_pct: "Service level as the source reports it",
  responded_at: "Responded at",
  evaluated_at: "Evaluated at",
  score: "Quality score",
  critical_error: "Critical error (yes or no)",
  date: "Date",
  month: "Month",
  paid: "Paid time",
  scheduled: "Scheduled time",
  adherent: "Time in adherence",
  logged_in: "Logged-in time",
  available: "Available time",
  handling: "Handling time",
  headcount: "Headcount",
  fte: "Full-time equivalents",
  leavers: "Leavers",
  revenue: "Revenue",
  cost: "Cost",
  investment: "Investment",
};

/** A field as a person reads it; an unknown field keeps its id, with underscores as spaces. */
export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field.replace(/_/g, " ");
}

export const KIND_WORDS: Record<string, string> = {
  interactions: "Contacts, one row each",
  intervals: "Interval totals (per 15 or 30 minutes)",
  surveys: "Survey responses",
  quality: "Quality evaluations",
  workforce: "Workforce (schedules, adherence, headcount)",
  finance: "Finance (revenue and cost)",
};

/** A dimension as a picker or a column heading names it: "program" → "Program". */
export function dimensionWords(dimension: string): string {
  const d = dimension.replace(/_/g, " ");
  return d.charAt(0).toUpperCase() + d.slice(1);
}

/** A kind of data in a word or two, for tables and result lines (the demo's own data too). */
const KIND_SHORT: Record<string, string> = {
  interactions: "Contacts",
  intervals: "Interval totals",
  surveys: "Surveys",
  quality: "Quality evaluations",
  workforce: "Workforce",
  finance: "Finance",
  demo: "Demo data",
};

export function kindShort(kind: string): string {
  return KIND_SHORT[kind] ?? kind.replace(/_/g, " ");
}

/** A kind of data in words. */
export function kindWords(kind: string | null | undefined): string {
  if (!kind) return "Kind not recognised";
  return KIND_WORDS[kind] ?? kind;
}

/** A file format in words: "delimited" is a CSV or text file. */
export function formatWords(format: string): string {
  switch (format) {
    case "delimited":
      return "CSV or text";
    case "xlsx":
    case "xls":
      return "Excel workbook";
    case "json":
      return "JSON";
    case "json_lines":
      return "JSON Lines";
    default:
      return format;
  }
}
