import { mount } from "svelte";
import App from "./App.svelte";
import { tauriBackend } from "./lib/backend";

const target = document.getElementById("app")!;
target.replaceChildren();
mount(App, { target, props: { backend: tauriBackend } });
