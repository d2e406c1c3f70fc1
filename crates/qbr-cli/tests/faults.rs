//! Faults a user meets: a workspace on a full disk and a read-only workspace. Each operation must
//! fail with a message naming the file and saying what to do, and leave the workspace exactly as
//! it was (content digest and `PRAGMA integrity_check`).
//!
//! The full disk is a 16 MB tmpfs mounted for the test (root only: where mounting is not
//! permitted the test says so and checks nothing else). The read-only file is a 0444 file in a
//! 0555 folder; when the tests run as root, who may write anyway, the command runs as `nobody`
//! through `setpriv`.

mod common;

use common::{arg, ok_json};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use qbr_core::Workspace;

fn state(ws: &Path) -> String {
    let w = Workspace::open(ws).unwrap();
    w.integrity_check().unwrap();
    w.content_digest().unwrap()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import")
        .join(name)
        .display()
        .to_string()
}

fn init(ws: &Path) {
    ok_json(&[
        "init",
        arg(ws),
        "--client",
        "Fault Test",
        "--timezone",
        "America/New_York",
        "--json",
    ]);
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

fn failing(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_gives_a_clear_message_and_no_damage() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small-disk");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = is_root()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!(
            "note: cannot mount a small tmpfs here (not root); the full-disk test is skipped"
        );
        return;
    }
    let _unmount = Mount(mnt.clone());
    let ws = mnt.join("client.qbr");
    init(&ws);
    ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--json",
    ]);
    // Fill what is left of the disk.
    let filler = mnt.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
    drop(f);
    // A quarter of contacts does not fit in what is left.
    let big = dir.path().join("big.csv");
    let mut text =
        String::from("contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "F{i},2026-08-{:02}T10:{:02}:00Z,voice,Billing,Agent {},handled,{},{}\n",
            1 + i % 28,
            i % 60,
            i % 40,
            i % 90,
            100 + i % 300
        ));
    }
    std::fs::write(&big, text).unwrap();
    // The state is read with a little room, then the room is taken back.
    std::fs::remove_file(&filler).unwrap();
    let before = state(&ws);
    let mut f = std::fs::File::create(&filler).unwrap();
    while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
    drop(f);

    let message =
        failing(Command::new(env!("CARGO_BIN_EXE_qbr")).args(["import", arg(&ws), arg(&big)]));
    for words in [
        "client.qbr",
        "disk is full",
        "nothing was changed",
        "free some space",
    ] {
        assert!(message.contains(words), "{words:?} in: {message}");
    }
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(
        state(&ws),
        before,
        "the failed import left the workspace as it was"
    );
}

#[test]
fn a_read_only_workspace_gives_a_clear_message_and_no_damage() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let ws = folder.join("client.qbr");
    init(&ws);
    ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--json",
    ]);
    let before = state(&ws);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", ws.display()));
    }
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set(dir.path(), 0o755);
    set(&ws, 0o444);
    set(&folder, 0o555);
    let qbr = env!("CARGO_BIN_EXE_qbr");
    let as_user = |args: &[&str]| {
        let mut c = if is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", qbr]);
            c
        } else {
            Command::new(qbr)
        };
        c.args(args);
        c
    };
    for args in [
        vec!["settings", arg(&ws), "--client", "Changed"],
        vec!["import", arg(&ws), &fixture("interactions_overlap_a.csv")],
    ] {
        let message = failing(&mut as_user(&args));
        for words in [
            "client.qbr",
            "cannot be written",
            "read-only",
            "nothing was changed",
            "writable",
        ] {
            assert!(
                message.contains(words),
                "qbr {}: {words:?} in: {message}",
                args[0]
            );
        }
    }
    set(&folder, 0o755);
    set(&ws, 0o644);
    assert_eq!(state(&ws), before, "the read-only workspace is as it was");
}

fn succeeding(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_qbr"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "qbr {args:?} should succeed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A workspace archived on a read-only disk (a tmpfs remounted read-only): reading works
/// (`info`, `metrics`, `imports`), every write is refused naming the file and what to do, and
/// nothing is changed.
#[test]
fn a_workspace_on_a_read_only_disk_can_be_read_but_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("archive");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = is_root()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: cannot mount a tmpfs here (not root); the read-only disk test is skipped");
        return;
    }
    let _unmount = Mount(mnt.clone());
    let ws = mnt.join("client.qbr");
    init(&ws);
    ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--json",
    ]);
    let before = state(&ws);
    let metrics_args = ["metrics", arg(&ws), "--period", "2026-07", "--json"];
    let figures = succeeding(&metrics_args);
    let remount = |mode: &str| {
        assert!(Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&mnt)
            .status()
            .unwrap()
            .success());
    };
    remount("ro");
    let info = succeeding(&["info", arg(&ws), "--json"]);
    assert!(info.contains("\"Fault Test\""), "{info}");
    assert_eq!(
        succeeding(&metrics_args),
        figures,
        "the same figures from the read-only disk"
    );
    succeeding(&["imports", arg(&ws)]);
    let qbr = env!("CARGO_BIN_EXE_qbr");
    let pdf = dir.path().join("pack.pdf");
    for args in [
        vec!["settings", arg(&ws), "--client", "Changed"],
        vec!["import", arg(&ws), &fixture("interactions_overlap_a.csv")],
        vec![
            "export",
            arg(&ws),
            "--period",
            "2026-07",
            "--out",
            arg(&pdf),
        ],
        vec![
            "cause",
            arg(&ws),
            "add",
            "--metric",
            "aht",
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-31",
            "--category",
            "people",
            "--title",
            "x",
        ],
    ] {
        let message = failing(Command::new(qbr).args(&args));
        for words in ["client.qbr", "read-only", "nothing was changed", "copy"] {
            assert!(
                message.contains(words),
                "qbr {}: {words:?} in: {message}",
                args[0]
            );
        }
        assert!(!message.contains("database error"), "{message}");
    }
    assert!(!pdf.exists(), "no PDF without its snapshot");
    remount("rw");
    assert_eq!(state(&ws), before, "nothing was changed");
}

/// An immutable file (`chattr +i`): read, and a write refused naming the file and what to do
/// (it was "database error: attempt to write a readonly database").
#[test]
fn an_immutable_workspace_is_read_and_a_write_is_refused_with_a_remedy() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let ws = dir.path().join("client.qbr");
    init(&ws);
    ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--json",
    ]);
    let before = state(&ws);
    let made_immutable = Command::new("chattr")
        .arg("+i")
        .arg(&ws)
        .status()
        .is_ok_and(|s| s.success());
    if !made_immutable {
        eprintln!("note: chattr +i is not possible here (not root, or the file system has no such attribute); the immutable-file test is skipped");
        return;
    }
    struct Mutable<'a>(&'a Path);
    impl Drop for Mutable<'_> {
        fn drop(&mut self) {
            let _ = Command::new("chattr").arg("-i").arg(self.0).status();
        }
    }
    let _mutable = Mutable(&ws);
    succeeding(&["info", arg(&ws)]);
    succeeding(&["metrics", arg(&ws), "--period", "2026-07"]);
    let message = failing(Command::new(env!("CARGO_BIN_EXE_qbr")).args([
        "settings",
        arg(&ws),
        "--client",
        "Changed",
    ]));
    for words in [
        "client.qbr",
        "read-only",
        "immutable",
        "nothing was changed",
        "writable",
    ] {
        assert!(message.contains(words), "{words:?} in: {message}");
    }
    assert!(!message.contains("database error"), "{message}");
    drop(_mutable);
    assert_eq!(state(&ws), before, "nothing was changed");
}
