// The settings page's pure helpers: each metric definition with a sentence on what it means.
import type { VariantOptionView } from "./bindings";

/** What each definition does to the figure, in a sentence. */
const EXPLAINED: Record<string, Record<string, string>> = {
  service_level: {
    short_abandons_excluded: "Answered in time ÷ (offered − short abandons). The common contract reading.",
    abandons_ignored: "Answered in time ÷ (offered − every abandon): only answered contacts count.",
    abandons_count_against: "Answered in time ÷ offered: every abandon counts as missed.",
    abandons_in_threshold_excluded: "Answered in time ÷ (offered − abandons within the threshold).",
    abandons_in_threshold_met: "(Answered in time + abandons within the threshold) ÷ offered.",
  },
  csat: {
    top_two_box: "The share of responses in the top two answers of the scale (4 or 5 of 5).",
    mean_rating: "The average rating over all responses.",
  },
  fcr: {
    reported: "Resolved at first contact as the source or the survey says.",
    repeat_contacts: "Resolved unless the same customer contacts again within the window below.",
  },
  attrition: {
    annualised: "Leavers ÷ average headcount, scaled to a year (× 12 ÷ months in the period).",
    period: "Leavers ÷ average headcount over the period itself.",
  },
};

/** The options of one definition as radio cards: a title and what it means. */
export function variantCards(kind: string, options: VariantOptionView[]): { value: string; title: string; description?: string }[] {
  return options.map((o) => ({
    value: o.id,
    title: o.description.charAt(0).toUpperCase() + o.description.slice(1),
    description: EXPLAINED[kind]?.[o.id],
  }));
}
