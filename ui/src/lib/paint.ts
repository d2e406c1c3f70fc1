// Work that can wait until the page shows what the user asked for.

/** The frame scheduler `afterPaint` waits on (the browser's, or a test's). */
export interface Frames {
  request(f: () => void): number;
  cancel(id: number): void;
}

const browserFrames: Frames = {
  request: (f) => requestAnimationFrame(f),
  cancel: (id) => cancelAnimationFrame(id),
};

/**
 * Runs `f` once the next frame has been painted: the frame callback runs before the paint, and
 * the task it queues after it. For requests whose answer is not what the user is waiting for
 * (after a period switch: the attention list, remembering the period), so that the backend
 * computing them and the page showing the answer do not share the processor with the new
 * scorecard's render. Returns a function that cancels `f` if it has not run yet.
 */
export function afterPaint(f: () => void, frames: Frames = browserFrames): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  const frame = frames.request(() => {
    timer = setTimeout(() => {
      done = true;
      f();
    }, 0);
  });
  return () => {
    if (done) return;
    frames.cancel(frame);
    if (timer !== undefined) clearTimeout(timer);
  };
}
