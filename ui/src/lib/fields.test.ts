import { describe, expect, it } from "vitest";
import { dimensionWords, fieldWords, formatWords, kindShort, kindWords } from "./fields";

describe("import fields in words", () => {
  it("names the fields a new user met as raw ids", () => {
    expect(fieldWords("contact_id")).toBe("Contact id");
    expect(fieldWords("abandoned_flag")).toBe("Abandoned (yes or no)");
    expect(fieldWords("non_acd")).toBe("Not routed through a queue (yes or no)");
  });
  it("keeps an unknown field readable", () => {
    expect(fieldWords("new_field")).toBe("new field");
  });
  it("names a dimension as a picker or a column heading does", () => {
    expect(dimensionWords("program")).toBe("Program");
    expect(dimensionWords("agent")).toBe("Agent");
    expect(dimensionWords("cost_centre")).toBe("Cost centre");
  });
  it("names kinds briefly for tables and result lines, the demo's data too", () => {
    expect(kindShort("interactions")).toBe("Contacts");
    expect(kindShort("quality")).toBe("Quality evaluations");
    expect(kindShort("demo")).toBe("Demo data");
    expect(kindShort("new_kind")).toBe("new kind");
  });
  it("names kinds and formats", () => {
    expect(kindWords("interactions")).toBe("Contacts, one row each");
    expect(kindWords(null)).toBe("Kind not recognised");
    expect(formatWords("delimited")).toBe("CSV or text");
  });
});
