//! How WebKitGTK draws the window, chosen before GTK or WebKit start (first thing in `main`,
//! before any thread exists; the web process inherits the environment).
//!
//! WebKitGTK composites pages through OpenGL. Without a GPU driver (virtual machines, remote
//! desktops, Xvfb) that is software OpenGL, and every repaint of the scorecard's tiles took 50 to
//! 180 ms there against 16 ms with compositing off (measured under Xvfb; `scripts/bench.sh app`).
//! These pages have no 3D, video or animation to gain from compositing, so it is off unless the
//! user has set `WEBKIT_DISABLE_COMPOSITING_MODE` themselves.
//!
//! With compositing off the web process paints on the processor and hands its frames over in
//! shared memory, so the app's own process has no use for OpenGL. Yet WebKitGTK opens an EGL
//! display there when it starts the web process (to find the render node and the formats of
//! GPU-shared buffers), and GTK opens one for its windows: that loads the OpenGL driver, which
//! without a GPU is Mesa's with LLVM, 24 MB of the app's memory (PSS, with the 10M-contact
//! workspace; docs/reference.md). So when compositing is off because of this module, the app also
//! says where the render node is (as WebKit would find it, the first one), turns off the GPU-shared
//! buffers nothing uses and keeps GTK off OpenGL. Each is left alone when the user has set it.

// Only Linux runs WebKitGTK; elsewhere the environment is left as it is.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The variables to set, given the user's environment (`get`) and the machine's DRM render nodes
/// (`/dev/dri/renderD*`). Nothing when the user chose compositing themselves.
pub fn environment(
    get: impl Fn(&str) -> Option<OsString>,
    render_nodes: &[PathBuf],
) -> Vec<(&'static str, OsString)> {
    if get("WEBKIT_DISABLE_COMPOSITING_MODE").is_some() {
        return Vec::new();
    }
    // WebKit takes a render node named here as given instead of asking an EGL display for it. A
    // name that is no DRM device (no GPU here) leaves the web process without one, as WebKit
    // does itself when it finds none.
    let node = render_nodes
        .iter()
        .min()
        .map(|p| p.as_os_str().to_owned())
        .unwrap_or_else(|| OsString::from("none"));
    [
        ("WEBKIT_DISABLE_COMPOSITING_MODE", OsString::from("1")),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", OsString::from("1")),
        ("GDK_GL", OsString::from("disable")),
        ("WEBKIT_WEB_RENDER_DEVICE_FILE", node),
    ]
    .into_iter()
    .filter(|(key, _)| get(key).is_none())
    .collect()
}

/// The DRM render nodes in `dir` (`renderD128`, …); none when it cannot be read.
pub fn render_nodes(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        .map(|e| e.path())
        .collect()
}

/// Sets `environment` for this process and the WebKit processes it starts.
pub fn software_rendering_by_default() {
    #[cfg(target_os = "linux")]
    for (key, value) in environment(
        |k| std::env::var_os(k),
        &render_nodes(Path::new("/dev/dri")),
    ) {
        std::env::set_var(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn as_strings(vars: Vec<(&'static str, OsString)>) -> Vec<(&'static str, String)> {
        vars.into_iter()
            .map(|(k, v)| (k, v.to_string_lossy().into_owned()))
            .collect()
    }

    #[test]
    fn without_a_gpu_the_app_keeps_off_opengl_entirely() {
        assert_eq!(
            as_strings(environment(env_of(&[]), &[])),
            vec![
                ("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_string()),
                ("WEBKIT_DISABLE_DMABUF_RENDERER", "1".to_string()),
                ("GDK_GL", "disable".to_string()),
                ("WEBKIT_WEB_RENDER_DEVICE_FILE", "none".to_string()),
            ]
        );
    }

    #[test]
    fn with_render_nodes_webkit_is_given_the_first_as_it_would_find_it() {
        let nodes = [
            PathBuf::from("/dev/dri/renderD129"),
            PathBuf::from("/dev/dri/renderD128"),
        ];
        let vars = as_strings(environment(env_of(&[]), &nodes));
        assert_eq!(
            vars.last(),
            Some(&(
                "WEBKIT_WEB_RENDER_DEVICE_FILE",
                "/dev/dri/renderD128".to_string()
            ))
        );
    }

    #[test]
    fn what_the_user_set_is_kept() {
        // Compositing chosen by the user: the app leaves rendering entirely to them.
        assert!(environment(env_of(&[("WEBKIT_DISABLE_COMPOSITING_MODE", "0")]), &[]).is_empty());
        // Any one of the others set: only that one is left alone.
        let vars = as_strings(environment(
            env_of(&[
                ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/dri/renderD129"),
                ("GDK_GL", "gles"),
            ]),
            &[PathBuf::from("/dev/dri/renderD128")],
        ));
        assert_eq!(
            vars,
            vec![
                ("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_string()),
                ("WEBKIT_DISABLE_DMABUF_RENDERER", "1".to_string()),
            ]
        );
    }

    #[test]
    fn render_nodes_are_the_render_entries_of_the_folder() {
        let dir = std::env::temp_dir().join(format!("qbr-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["card0", "renderD128", "by-path"] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        assert_eq!(render_nodes(&dir), vec![dir.join("renderD128")]);
        assert!(render_nodes(&dir.join("missing")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
