//! One instance of the app. Opening a `.qbr` file while QBR Desk runs starts `qbr-desk PATH`
//! again; `tauri-plugin-single-instance` finds the running one (on Linux by a name on the
//! session's D-Bus) and hands it that command line and folder, and the second process ends.
//! The running window comes to the front and opens the workspace as if it had been dropped on
//! it. Without a session bus (a bare X server, CI) every launch runs on its own, as before.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager};

use crate::launch::{self, Launch};

/// What a second launch asks of the running window.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// Come to the front (no workspace named, or `--help` / `--version`).
    Focus,
    /// Come to the front and open this workspace (made absolute against the launch's folder).
    Open(PathBuf),
    /// A command line the app would have refused: say so in the window.
    Refused(String),
}

/// Reads a second launch's command line (`argv[0]` is the program) run from `cwd`.
pub fn request(argv: &[String], cwd: &Path) -> Request {
    let args = argv.iter().skip(1).map(OsString::from);
    match launch::parse_in(args, cwd) {
        Ok(Launch::Run {
            workspace: Some(path),
        }) => Request::Open(path),
        Ok(_) => Request::Focus,
        Err(usage) => Request::Refused(usage),
    }
}

/// The plugin's callback: the main window to the front, then the workspace opened in it.
pub fn on_second_launch(app: &AppHandle, argv: Vec<String>, cwd: String) {
    let request = request(&argv, Path::new(&cwd));
    tracing::info!(
        opens_workspace = matches!(request, Request::Open(_)),
        "a second launch was handed to this window"
    );
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    match request {
        Request::Open(path) => {
            crate::imports::open_launched(app, path);
        }
        Request::Focus => {}
        Request::Refused(usage) => {
            tracing::warn!(usage = %usage.lines().next().unwrap_or(""), "a second launch was refused")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        std::iter::once("/usr/bin/qbr-desk")
            .chain(args.iter().copied())
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_relative_path_is_read_from_the_second_launchs_folder_not_the_first_ones() {
        let cwd = Path::new("/home/ann/QBR files");
        assert_eq!(
            request(&argv(&["acme.qbr"]), cwd),
            Request::Open(PathBuf::from("/home/ann/QBR files/acme.qbr"))
        );
        assert_eq!(
            request(&argv(&["/srv/b.qbr"]), cwd),
            Request::Open(PathBuf::from("/srv/b.qbr")),
            "an absolute path stays as it is"
        );
        assert_eq!(
            request(&argv(&["--", "-q4.qbr"]), cwd),
            Request::Open(PathBuf::from("/home/ann/QBR files/-q4.qbr"))
        );
    }

    #[test]
    fn no_path_or_an_information_flag_only_brings_the_window_forward() {
        let cwd = Path::new("/tmp");
        assert_eq!(request(&argv(&[]), cwd), Request::Focus);
        assert_eq!(request(&argv(&["--version"]), cwd), Request::Focus);
        assert_eq!(request(&[], cwd), Request::Focus, "an empty argv");
    }

    #[test]
    fn a_command_line_the_app_refuses_is_refused_here_too() {
        match request(&argv(&["a.qbr", "b.qbr"]), Path::new("/tmp")) {
            Request::Refused(usage) => {
                assert!(
                    usage.starts_with("QBR Desk opens one workspace at a time"),
                    "{usage}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
