//! The app's security configuration is part of its behaviour: these tests fail if the CSP is
//! loosened or the web view is granted anything beyond the app's own commands.

use serde_json::Value;

fn read_json(rel: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn csp_allows_only_the_app_itself() {
    let conf = read_json("tauri.conf.json");
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("a CSP is set");
    for (directive, value) in csp {
        let v = value.as_str().unwrap();
        assert!(
            !v.contains("unsafe-inline") && !v.contains("unsafe-eval"),
            "{directive} must not allow inline or eval'd code: {v}"
        );
        for token in v.split_whitespace() {
            let allowed = token.starts_with('\'')
                || token == "data:"
                || token == "ipc:"
                || token == "http://ipc.localhost";
            assert!(allowed, "{directive} names a remote source {token:?}");
        }
    }
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'", "no inline or remote script");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(
        conf["app"]["withGlobalTauri"], false,
        "no global IPC object for injected code"
    );
}

#[test]
fn the_web_view_may_call_only_the_apps_own_commands() {
    let cap = read_json("capabilities/main-window.json");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(
        cap.get("remote").is_none(),
        "no remote origin may use the IPC"
    );
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission identifiers"))
        .collect();
    let build_rs =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("build.rs"))
            .unwrap();
    for p in &perms {
        assert!(
            !p.contains(':'),
            "{p}: no plugin or core permission (fs, shell, http, dialog, ...) is granted"
        );
        let command = p.strip_prefix("allow-").expect("only allow- permissions");
        assert!(
            build_rs.contains(&format!("\"{}\"", command.replace('-', "_"))),
            "{p} is one of the app's commands in build.rs"
        );
    }
    let conf = read_json("tauri.conf.json");
    assert_eq!(
        conf["app"]["security"]["capabilities"],
        serde_json::json!(["main-window"]),
        "this is the only capability in force"
    );
}

/// The commands between the first `[` after `marker` and the next `]`, as bare names.
fn names_after(text: &str, marker: &str) -> Vec<String> {
    let start = text.find(marker).expect("marker present") + marker.len();
    let body = &text[start..];
    let body = &body[body.find('[').unwrap() + 1..body.find(']').unwrap()];
    body.split(',')
        .map(|s| s.trim().trim_matches('"'))
        .map(|s| s.rsplit("::").next().unwrap().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn every_registered_command_is_declared_and_granted_by_name() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let build_rs = std::fs::read_to_string(dir.join("build.rs")).unwrap();
    let main_rs = std::fs::read_to_string(dir.join("src/main.rs")).unwrap();
    let declared = names_after(&build_rs, "const COMMANDS: &[&str] =");
    let registered = names_after(&main_rs, "generate_handler!");
    let mut a = declared.clone();
    let mut b = registered.clone();
    a.sort();
    b.sort();
    assert_eq!(
        a, b,
        "build.rs COMMANDS and main.rs generate_handler! name the same commands"
    );
    let cap = read_json("capabilities/main-window.json");
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    for c in &declared {
        let p = format!("allow-{}", c.replace('_', "-"));
        assert!(perms.contains(&p.as_str()), "{c} is granted as {p}");
    }
    for c in [
        "add_cause",
        "edit_cause",
        "remove_cause",
        "restore_cause",
        "actions_page",
        "action_page",
        "add_action",
        "update_action",
        "add_action_note",
        "remove_action",
        "restore_action",
    ] {
        assert!(
            declared.iter().any(|d| d == c),
            "{c}: causes and actions are reachable from the app"
        );
    }
}
