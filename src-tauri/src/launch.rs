//! The command line: `qbr-desk [WORKSPACE]`. The file manager starts the app this way when a `.qbr`
//! file is opened with it (the desktop entry's `Exec=qbr-desk %f`), so the path is the user's choice,
//! like one made in the open dialog. It is only checked here; opening it is `initial_workspace`'s job,
//! so a bad path shows the start page with the reason instead of stopping the app.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use qbr_api::{ErrorCode, ErrorView};

pub const USAGE: &str = "\
Usage: qbr-desk [WORKSPACE]

Opens QBR Desk. WORKSPACE is a .qbr file to open at start (what the file manager passes);
without it the app opens the last workspace used, or its start page.

Options:
  -h, --help     print this help and exit
  -V, --version  print the version and exit
";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Launch {
    Help,
    Version,
    /// Start the window, opening `workspace` (made absolute) when one is named.
    Run {
        workspace: Option<PathBuf>,
    },
}

/// Reads the arguments after the program name. `Err` is a usage message for stderr.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Launch, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    parse_in(args, &cwd)
}

/// [`parse`] for a command line run in `cwd` (a second launch's, handed to the running app).
pub fn parse_in(args: impl IntoIterator<Item = OsString>, cwd: &Path) -> Result<Launch, String> {
    let mut positional: Vec<OsString> = Vec::new();
    let mut only_paths = false;
    for arg in args {
        let text = arg.to_string_lossy();
        if only_paths || !text.starts_with('-') || text == "-" {
            positional.push(arg);
            continue;
        }
        match text.as_ref() {
            "--" => only_paths = true,
            "-h" | "--help" => return Ok(Launch::Help),
            "-V" | "--version" => return Ok(Launch::Version),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    if positional.len() > 1 {
        return Err(format!(
            "QBR Desk opens one workspace at a time; {} were given\n\n{USAGE}",
            positional.len()
        ));
    }
    let workspace = match positional.pop() {
        None => None,
        Some(p) => Some(
            std::path::absolute(cwd.join(&p))
                .map_err(|e| format!("cannot use {}: {e}", PathBuf::from(&p).display()))?,
        ),
    };
    Ok(Launch::Run { workspace })
}

/// A path from the command line must name an existing regular file before anything opens it
/// (a folder or a named pipe is refused without being read).
pub fn check_workspace_file(path: &Path) -> Result<(), ErrorView> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ErrorView {
            code: ErrorCode::NotFound,
            message: format!("{} does not exist", path.display()),
        },
        _ => ErrorView {
            code: ErrorCode::ReadOnly,
            message: format!("{} cannot be read: {e}", path.display()),
        },
    })?;
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "it is a folder"
    } else {
        "it is not a regular file"
    };
    Err(ErrorView {
        code: ErrorCode::NotAWorkspace,
        message: format!("{} is not a QBR Desk workspace: {what}", path.display()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn run(workspace: Option<&str>) -> Launch {
        Launch::Run {
            workspace: workspace.map(PathBuf::from),
        }
    }

    #[test]
    fn no_argument_starts_without_a_workspace() {
        assert_eq!(parse(args(&[])), Ok(run(None)));
    }

    #[test]
    fn the_file_manager_passes_one_absolute_path() {
        assert_eq!(
            parse(args(&["/home/ana/QBR files/acme.qbr"])),
            Ok(run(Some("/home/ana/QBR files/acme.qbr")))
        );
    }

    #[test]
    fn a_relative_path_is_made_absolute_against_the_current_folder() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            parse(args(&["acme.qbr"])),
            Ok(Launch::Run {
                workspace: Some(cwd.join("acme.qbr"))
            })
        );
    }

    #[test]
    fn help_and_version_win_over_a_path() {
        assert_eq!(parse(args(&["a.qbr", "--help"])), Ok(Launch::Help));
        assert_eq!(parse(args(&["-h"])), Ok(Launch::Help));
        assert_eq!(parse(args(&["--version"])), Ok(Launch::Version));
        assert_eq!(parse(args(&["-V", "a.qbr"])), Ok(Launch::Version));
    }

    #[test]
    fn after_double_dash_a_name_starting_with_a_dash_is_a_path() {
        assert_eq!(
            parse(args(&["--", "/tmp/--help.qbr"])),
            Ok(run(Some("/tmp/--help.qbr")))
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            parse(args(&["--", "-q4.qbr"])),
            Ok(Launch::Run {
                workspace: Some(cwd.join("-q4.qbr"))
            })
        );
    }

    #[test]
    fn unknown_options_and_two_paths_are_usage_errors() {
        let e = parse(args(&["--workspace", "/a.qbr"])).unwrap_err();
        assert!(e.starts_with("unknown option --workspace\n"), "{e}");
        assert!(e.contains("Usage: qbr-desk [WORKSPACE]"), "{e}");
        let e = parse(args(&["/a.qbr", "/b.qbr"])).unwrap_err();
        assert!(
            e.starts_with("QBR Desk opens one workspace at a time; 2 were given"),
            "{e}"
        );
    }

    #[test]
    fn only_an_existing_regular_file_passes_the_check() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("acme.qbr");
        std::fs::write(&file, b"anything: the workspace check comes later").unwrap();
        assert_eq!(check_workspace_file(&file), Ok(()));

        let missing = tmp.path().join("gone.qbr");
        let e = check_workspace_file(&missing).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(e.message, format!("{} does not exist", missing.display()));

        let folder = tmp.path().join("folder.qbr");
        std::fs::create_dir(&folder).unwrap();
        let e = check_workspace_file(&folder).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotAWorkspace);
        assert_eq!(
            e.message,
            format!(
                "{} is not a QBR Desk workspace: it is a folder",
                folder.display()
            )
        );

        // Opening a named pipe to read it would wait forever for a writer: it is refused unread.
        let fifo = tmp.path().join("pipe.qbr");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let e = check_workspace_file(&fifo).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotAWorkspace);
        assert!(
            e.message.ends_with("it is not a regular file"),
            "{}",
            e.message
        );
    }
}
