import { describe, expect, it } from "vitest";
import { fieldWords, formatWords, kindWords } from "./fields";

describe("import fields in words", () => {
  it("names the fields a new user met as raw ids", () => {
    expect(fieldWords("contact_id")).toBe("Contact id");
    expect(fieldWords("abandoned_flag")).toBe("Abandoned (yes or no)");
    expect(fieldWords("non_acd")).toBe("Not routed through a queue (yes or no)");
  });
  it("keeps an unknown field readable", () => {
    expect(fieldWords("new_field")).toBe("new field");
  });
  it("names kinds and formats", () => {
    expect(kindWords("interactions")).toBe("Contacts, one row each");
    expect(kindWords(null)).toBe("Kind not recognised");
    expect(formatWords("delimited")).toBe("CSV or text");
  });
});
