import { describe, expect, it } from "vitest";
import { adviceFor, toErrorView } from "./backend";

describe("toErrorView", () => {
  it("keeps errors that already have the wire shape", () => {
    const e = toErrorView({ code: "busy", message: "acme.qbr is being changed by another program" });
    expect(e).toEqual({ code: "busy", message: "acme.qbr is being changed by another program" });
    expect(adviceFor(e)).toContain("Wait for it to finish");
  });

  it("turns thrown strings and Errors into readable internal errors", () => {
    expect(toErrorView("command open_demo not allowed")).toEqual({
      code: "internal",
      message: "command open_demo not allowed",
    });
    expect(toErrorView(new Error("boom")).message).toBe("boom");
  });

  it("never shows an empty message", () => {
    expect(toErrorView(undefined).message).toMatch(/went wrong/);
    expect(toErrorView({ code: "weird", message: 3 }).message).toMatch(/went wrong/);
  });
});
