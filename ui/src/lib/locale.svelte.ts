// The workspace's locale, which every date on a page and in a form follows. Reactive: a page
// that shows a date redraws when Settings changes it. Set from the open workspace's settings
// (App.svelte); `format.ts` reads it.
export const dateLocale = $state({ tag: "en-GB" });
