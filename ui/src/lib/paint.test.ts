import { afterEach, describe, expect, it, vi } from "vitest";
import { afterPaint, type Frames } from "./paint";

/** A frame scheduler driven by the test: `paint()` runs the pending frame callbacks. */
function fakeFrames() {
  const pending = new Map<number, () => void>();
  let next = 1;
  const frames: Frames = {
    request: (f) => {
      pending.set(next, f);
      return next++;
    },
    cancel: (id) => void pending.delete(id),
  };
  const paint = () => {
    const due = [...pending.values()];
    pending.clear();
    due.forEach((f) => f());
  };
  return { frames, paint, pending };
}

describe("afterPaint", () => {
  afterEach(() => vi.useRealTimers());

  it("runs only after a frame has been painted, not in the same task", () => {
    vi.useFakeTimers();
    const { frames, paint } = fakeFrames();
    const calls: string[] = [];
    afterPaint(() => calls.push("ran"), frames);
    vi.runAllTimers();
    expect(calls).toEqual([]); // no frame yet: nothing, however long
    paint();
    expect(calls).toEqual([]); // the frame's callback runs before its paint
    vi.runAllTimers();
    expect(calls).toEqual(["ran"]);
  });

  it("is cancelled before the frame, or after the frame but before its task", () => {
    vi.useFakeTimers();
    const { frames, paint, pending } = fakeFrames();
    const calls: string[] = [];
    const cancelEarly = afterPaint(() => calls.push("early"), frames);
    cancelEarly();
    expect(pending.size).toBe(0);
    const cancelLate = afterPaint(() => calls.push("late"), frames);
    paint();
    cancelLate();
    vi.runAllTimers();
    expect(calls).toEqual([]);
  });

  it("cancelling after it ran changes nothing", () => {
    vi.useFakeTimers();
    const { frames, paint } = fakeFrames();
    let n = 0;
    const cancel = afterPaint(() => n++, frames);
    paint();
    vi.runAllTimers();
    cancel();
    expect(n).toBe(1);
  });
});
