import { describe, expect, it } from "vitest";
import { variantCards } from "./settings";

describe("metric definitions as cards", () => {
  it("titles each option and says what it does", () => {
    const cards = variantCards("csat", [
      { id: "top_two_box", description: "share of responses in the top two boxes" },
      { id: "mean_rating", description: "mean rating" },
    ]);
    expect(cards[0]).toEqual({
      value: "top_two_box",
      title: "Share of responses in the top two boxes",
      description: "The share of responses in the top two answers of the scale (4 or 5 of 5).",
    });
    expect(cards[1]?.title).toBe("Mean rating");
  });
  it("keeps an option it has no sentence for", () => {
    expect(variantCards("csat", [{ id: "new_one", description: "something new" }])[0]?.description).toBeUndefined();
  });
});
