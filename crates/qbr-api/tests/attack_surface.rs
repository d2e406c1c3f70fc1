//! The app's attack surface, read from the sources and the app's configuration as built
//! (src-tauri/tauri.conf.json, capabilities, build.rs, the command modules, the store's SQL and
//! the UI's templates). These live here rather than in src-tauri/tests so they run without
//! building the app; src-tauri/tests/security_config.rs pins the CSP and capabilities too.
//!
//! What they keep true:
//! - the CSP allows script from the app only ('self'; no inline, eval or remote source);
//! - the web view is granted the app's own commands and no plugin (fs, shell, http, dialog);
//! - no command takes a path from the web view and writes to it;
//! - every SQL statement of the store takes its values as parameters: the only text spliced into
//!   SQL is a reviewed list of names built from closed enums;
//! - the UI never renders raw HTML (`{@html}`), so imported text is always escaped.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_csp_allows_script_from_the_app_only() {
    let conf: Value = serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].as_object().expect("a CSP");
    assert_eq!(
        csp["script-src"], "'self'",
        "script from the app's own files only"
    );
    assert_eq!(csp["default-src"], "'self'");
    for (directive, v) in csp {
        let v = v.as_str().unwrap();
        for bad in ["unsafe-inline", "unsafe-eval", "http:", "https:", "*"] {
            assert!(
                !v.split_whitespace()
                    .any(|t| t.contains(bad) && t != "http://ipc.localhost"),
                "{directive} allows {bad}: {v}"
            );
        }
    }
    assert_ne!(
        conf["app"]["security"]["dangerousDisableAssetCspModification"], true,
        "Tauri's nonces and hashes stay on"
    );
}

#[test]
fn the_web_view_gets_no_plugin_and_only_the_apps_commands() {
    let cap: Value =
        serde_json::from_str(&read("src-tauri/capabilities/main-window.json")).unwrap();
    let build = read("src-tauri/build.rs");
    for p in cap["permissions"].as_array().unwrap() {
        let p = p
            .as_str()
            .expect("plain identifiers, no scoped plugin permissions");
        let command = p
            .strip_prefix("allow-")
            .unwrap_or_else(|| panic!("{p}: only the app's allow-<command> permissions"));
        assert!(!p.contains(':'), "{p}: no plugin or core permission");
        assert!(
            build.contains(&format!("\"{}\"", command.replace('-', "_"))),
            "{p} names a command of build.rs"
        );
    }
    // No plugin that would give the web view the file system, a shell or the network.
    let manifest = read("src-tauri/Cargo.toml");
    for plugin in ["tauri-plugin-fs", "tauri-plugin-shell", "tauri-plugin-http"] {
        assert!(!manifest.contains(plugin), "src-tauri depends on {plugin}");
    }
    // The opener's reveal (select an exported file in the file manager) is called from Rust as
    // a library: the plugin is never registered, so the web view has no opener command at all.
    let mut files = Vec::new();
    rust_files(&repo().join("src-tauri/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("tauri_plugin_opener::init")
                && !text.contains("tauri_plugin_opener::Builder"),
            "{} registers the opener plugin",
            f.display()
        );
    }
}

/// `(command name, parameter name, type)` of every `#[tauri::command]` in src-tauri/src.
fn command_params() -> Vec<(String, String, String)> {
    let mut files = Vec::new();
    rust_files(&repo().join("src-tauri/src"), &mut files);
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for part in text.split("#[tauri::command]").skip(1) {
            let sig_start = part.find("fn ").expect("a command is a function") + 3;
            let name: String = part[sig_start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let open = part[sig_start..].find('(').unwrap() + sig_start;
            // The parameter list ends at the parenthesis that closes it.
            let mut depth = 0;
            let mut close = open;
            for (i, c) in part[open..].char_indices() {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' if depth > 0 => {
                        depth -= 1;
                        if depth == 0 && c == ')' {
                            close = open + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let params = &part[open + 1..close];
            let mut depth = 0;
            let mut current = String::new();
            let mut list = Vec::new();
            for c in params.chars() {
                match c {
                    '<' | '(' => depth += 1,
                    '>' | ')' => depth -= 1,
                    ',' if depth == 0 => {
                        list.push(std::mem::take(&mut current));
                        continue;
                    }
                    _ => {}
                }
                current.push(c);
            }
            list.push(current);
            for p in list.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
                let (pname, ty) = p.split_once(':').expect("name: Type");
                out.push((
                    name.clone(),
                    pname.trim().to_string(),
                    ty.trim().to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn no_command_takes_a_path_from_the_web_view_to_write_to() {
    let params = command_params();
    assert!(
        params.len() > 20,
        "the commands were found ({})",
        params.len()
    );
    // Reviewed: each path-like parameter and why it is safe.
    let reviewed = [(
        "open_recent",
        "path",
        "opened only when it is already in the recent list, which holds paths the user chose in a dialog",
    )];
    for (command, name, ty) in &params {
        let path_like = ty.contains("PathBuf")
            || ty.contains("Path")
            || (ty.contains("String")
                && ["path", "file", "dir", "folder", "dest", "target"]
                    .iter()
                    .any(|w| name.contains(w)));
        if path_like {
            assert!(
                reviewed.iter().any(|(c, n, _)| c == command && n == name),
                "{command}({name}: {ty}) takes a path from the web view: open a dialog in Rust instead, or review it here"
            );
        }
    }
    // Writing happens through qbr-api on the current workspace (chosen in a dialog) or in the
    // app's own config folder (recent.rs); no command module writes a file itself.
    let mut files = Vec::new();
    rust_files(&repo().join("src-tauri/src"), &mut files);
    for f in files {
        if f.ends_with("recent.rs") {
            continue; // the recent list, at app_config_dir()/recent.json
        }
        let whole = std::fs::read_to_string(&f).unwrap();
        // Unit tests (a module's `#[cfg(test)]` tail) may make their own scratch files.
        let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
        for write in [
            "fs::write",
            "File::create",
            "OpenOptions",
            "fs::rename",
            "fs::copy",
            "remove_file",
        ] {
            assert!(
                !text.contains(write),
                "{} writes files itself ({write})",
                f.display()
            );
        }
    }
}

/// Every string literal of a Rust source, raw or not, with escapes left as written.
fn string_literals(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            i += 3; // a char literal such as '"'
        } else if b[i] == b'\'' && b.get(i + 1) == Some(&b'\\') {
            i = text[i + 2..]
                .find('\'')
                .map(|k| i + 3 + k)
                .unwrap_or(b.len());
        } else if b[i] == b'r' && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            let start = i + 1 + hashes + 1;
            let end_pat = format!("\"{}", "#".repeat(hashes));
            let end = text[start..]
                .find(&end_pat)
                .map(|k| start + k)
                .unwrap_or(b.len());
            out.push(text[start..end].to_string());
            i = end + end_pat.len();
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.push(text[i + 1..j.min(b.len())].to_string());
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Positional `{}` placeholders in the store's SQL text, each reviewed (see below).
const POSITIONAL_REVIEWED: usize = 11;

#[test]
fn store_sql_splices_only_names_from_closed_enums() {
    let mut files = Vec::new();
    rust_files(&repo().join("crates/qbr-core/src/store"), &mut files);
    // Placeholders allowed in SQL text, each reviewed: they hold table or column names from
    // `Dimension`/`Measure` (closed enums), constant column lists, or `?N` parameter markers.
    let allowed = [
        "table", // member_table(Dimension), fact / fact_rollup, BlockTable::name (contact_block / duplicate_block), interaction_superseded
        "COLUMNS", // const column lists (actions, causes)
        "ROW_COLUMNS", // const contact column list (interaction_superseded; interaction_duplicate when format 11 moves it)
        "first",       // &'static column names written before ROW_COLUMNS (store/import.rs)
        "CONTACT_SUMS", // const sum() list (baseline)
        "NOT_UNDONE",  // const condition on batches
        "not_undone",  // NOT_UNDONE or "" by table
        "alias",       // a table alias chosen by the caller ("f", "i")
        "marks",       // ?1, ?2, ... parameter markers
        "groups",      // member_id_column(Dimension) AS gN
        "group_cols",  // gN positions
        "name_cols",   // nN.name positions
        "measure_cols", // Measure::as_str
        "sums",        // sum(Measure::as_str)
        "slot",        // one of two constant day expressions (TimeSplit)
        "hc_days",     // constant expressions over measure columns
        "fte_days",
        "i",                // g{i}, n{i}, ?{i}: positions
        "0",                // sum({0}) AS {0} over Measure::as_str
        "m",                // a Measure's name
        "names",            // Measure::as_str list (rollup)
        "cols",             // a table alias + each of ROW_COLUMNS
        "joins",            // LEFT JOIN member_table(d) ON member_id_column(d)
        "filters",          // filter_sql: member tables and columns, values as ?N parameters
        "SNAPSHOT_COLUMNS", // const column list of pack_snapshot
        "list",     // quoted Preset::source() names: a closed enum's constants, no user text
        "known",    // known_mask_sql: `(alias.measure IS NOT NULL) << index` over Measure::as_str
        "cp",       // "f.program_id" or "NULL"
        "cq",       // "f.queue_id" or "NULL"
        "split",    // ", known, cp_id, cq_id" or ""
        "group_by", // " GROUP BY g0, g1, …": positions
        "live",     // a constant condition on import_batch (settings.rs affected_days)
        "verb",     // "INSERT INTO" or "INSERT OR FAIL INTO" (write.rs insert_fact_sql)
    ];
    let sql_words = [
        "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", "VALUES",
    ];
    let mut seen = Vec::new();
    let mut unknown = Vec::new();
    let mut positional = 0;
    for f in files {
        if f.ends_with("tests.rs") || f.ends_with("digest.rs") {
            // tests build fixtures; digest.rs reads every table named by the file's own schema
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for lit in string_literals(&text) {
            if !sql_words.iter().any(|w| lit.to_uppercase().contains(w)) {
                continue;
            }
            assert!(
                !lit.contains("'{"),
                "{}: a value quoted into SQL: {lit}",
                f.display()
            );
            let mut rest = lit.as_str();
            while let Some(open) = rest.find('{') {
                let close = rest[open..]
                    .find('}')
                    .map(|k| open + k)
                    .unwrap_or(rest.len());
                let inner = &rest[open + 1..close];
                let name = inner.split(':').next().unwrap().trim();
                if name.is_empty() {
                    positional += 1;
                } else if !name.starts_with('{') {
                    let base = name.split(['.', '(']).next().unwrap();
                    if !allowed.contains(&base) {
                        unknown.push(format!("{}: {{{name}}} in {lit}", f.display()));
                    }
                    seen.push(base.to_string());
                }
                rest = &rest[close.min(rest.len() - 1) + 1..];
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "spliced into SQL: bind these as parameters, or review them here if they are names from closed enums:\n{}",
        unknown.join("\n")
    );
    // Positional `{}` cannot be told apart by a scan; today they are member_id_column(d),
    // member_table(d) and joined parameter markers (query.rs filter_sql and name_joins, write.rs,
    // contacts.rs Names::load), rollup.rs insert_rollup_sql: Measure::ALL names and ?N marks, and
    // overview.rs member_exists: member_table(d).
    // A new one must be reviewed and this count raised.
    assert!(
        positional <= POSITIONAL_REVIEWED,
        "{positional} positional placeholders in SQL, {POSITIONAL_REVIEWED} reviewed: review the new ones"
    );
    seen.sort();
    seen.dedup();
    eprintln!("names spliced into SQL: {seen:?}; positional: {positional}");
    assert!(
        seen.contains(&"table".to_string()),
        "the scan found the spliced names"
    );
}

/// The only expressions the UI may render as raw markup: SVG strings from the render crate.
const REVIEWED_SVG: &[&str] = &[
    "page.trend_svg",
    "tiles.sparklines[d.id]",
    "page.volume_svg",
    "report.chart_svg",
    "page.effect_chart.svg",
    "drivers.chart_svg",
    "corr.chart_svg",
];

#[test]
fn the_ui_never_renders_raw_html() {
    fn walk(dir: &Path, hits: &mut Vec<String>, n: &mut usize) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, hits, n);
            } else if p
                .extension()
                .is_some_and(|x| x == "svelte" || x == "ts" || x == "js")
            {
                *n += 1;
                let text = std::fs::read_to_string(&p).unwrap();
                for bad in [
                    "innerHTML",
                    "outerHTML",
                    "insertAdjacentHTML",
                    "document.write",
                ] {
                    if text.contains(bad) {
                        hits.push(format!("{}: {bad}", p.display()));
                    }
                }
                // {@html} only for the SVG charts drawn by qbr-render, whose text (cause and
                // action titles included) plotters escapes: qbr-render's
                // `marker_and_window_labels_are_searchable_text` pins "R&D <beta>" as
                // "R&amp;D &lt;beta&gt;".
                for part in text.split("{@html").skip(1) {
                    let expr = part.split('}').next().unwrap_or("").trim();
                    if !REVIEWED_SVG.contains(&expr) {
                        hits.push(format!("{}: {{@html {expr}}}", p.display()));
                    }
                }
            }
        }
    }
    let mut hits = Vec::new();
    let mut n = 0;
    walk(&repo().join("ui/src"), &mut hits, &mut n);
    assert!(n > 10, "the UI sources were found ({n})");
    assert!(
        hits.is_empty(),
        "imported text must be escaped; raw HTML is rendered in: {hits:?}"
    );
}

#[test]
fn a_mapping_path_from_the_web_view_does_not_leak_the_files_content() {
    // ImportRequest.mapping may be a file path (the CLI's --mapping FILE) and the app passes the
    // request from the web view: Rust reads that file, so its content must not come back.
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "password=SECRET-TOKEN-123\n").unwrap();
    let ws = dir.path().join("w.qbr");
    qbr_api::create_workspace(
        &ws,
        &qbr_api::NewWorkspaceRequest {
            client_name: "Leak Test".into(),
            timezone: "UTC".into(),
            fiscal_year_start_month: 1,
            currency: "USD".into(),
            locale: None,
        },
        chrono::Utc::now(),
    )
    .unwrap();
    let err = qbr_api::import::import_files(
        &ws,
        &[repo().join("fixtures/import/interactions_generic.csv")],
        &qbr_api::ImportRequest {
            mapping: Some(secret.display().to_string()),
            ..Default::default()
        },
        &mut |_| {},
        &std::sync::atomic::AtomicBool::new(false),
        chrono::Utc::now(),
    )
    .unwrap_err();
    assert!(
        err.message.contains("not a column mapping"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("SECRET"), "leaked: {}", err.message);
}
