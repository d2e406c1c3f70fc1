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
