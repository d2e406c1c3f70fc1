//! What a hostile or damaged file can do (issue 26), each way in tried with inputs generated
//! here from a seed, through the real `qbr`: sizes, positions, encodings and kinds vary from
//! round to round. `QBR_WAYS_ROUNDS` (default 2) sets the rounds per case and `QBR_WAYS_SEED`
//! the seed; `scripts/reliability.sh` runs more of them. Each case prints
//! `ways-in CASE inputs N failures F`; the test fails on any failure.
//!
//! 1. logo bombs (CLI --logo, a template stored in a received workspace)
//! 2. a schema planted in a received workspace (triggers, views, tables, indexes)
//! 3. flipped bits: figures are the original's or the file is refused as damaged
//! 4. a file growing while it is imported
//! 5. JSON with a NUL or a field given twice; bidirectional controls; terminal sequences
//! 6. byte-order marks inside a file (exports joined with `cat`), in UTF-8 and UTF-16
//! 7. messages: a named pipe as workspace or input, devices, format 0 with tables, one column
//! 8. a workspace on a read-only disk (root only: a tmpfs remounted read-only)
//! 9. a copy of the `.qbr` alone while another program holds the workspace open

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::arg;
use sha2::{Digest, Sha256};

/// A small seeded generator (xorshift64*), so that a round is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `lo..hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as u64) as usize]
    }
}

fn qbr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qbr"))
        .args(args)
        .env("QBR_NOW", "2026-11-24T09:00:00Z")
        .output()
        .expect("qbr runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sha(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// One case's tally.
#[derive(Default)]
struct Tally {
    inputs: u32,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.inputs += 1;
        if !ok {
            self.failures.push(what());
        }
    }
}

const HEADER: &str =
    "contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s,hold_s,wrap_s\n";

/// `n` interactions rows from contact `from` on, in July 2026.
fn rows(from: u64, n: u64, agent: &dyn Fn(u64) -> String) -> String {
    (from..from + n)
        .map(|i| {
            format!(
                "K{i},2026-07-{:02}T{:02}:{:02}:00Z,voice,Queue {},{},{},{},{},{},{}\n",
                1 + i % 28,
                8 + i % 10,
                i % 60,
                i % 4,
                agent(i),
                if i % 9 == 0 { "abandoned" } else { "handled" },
                5 + i % 80,
                100 + i % 400,
                i % 30,
                20 + i % 50
            )
        })
        .collect()
}

/// A workspace holding `n` generated contacts.
fn workspace(dir: &Path, name: &str, n: u64) -> PathBuf {
    let ws = dir.join(name);
    let out = qbr(&["init", arg(&ws), "--client", "Ways In", "--timezone", "UTC"]);
    assert!(out.status.success(), "{}", text(&out));
    let csv = dir.join(format!("{name}.csv"));
    std::fs::write(
        &csv,
        format!("{HEADER}{}", rows(0, n, &|i| format!("Agent {}", i % 12))),
    )
    .unwrap();
    let out = qbr(&["import", arg(&ws), arg(&csv)]);
    assert!(out.status.success(), "{}", text(&out));
    ws
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims `w` × `h` pixels (signature, IHDR with its CRC, an empty IDAT,
/// IEND): what a decompression bomb looks like before its data are inflated.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        c.extend_from_slice(&body);
        c.extend_from_slice(&crc32(&body).to_be_bytes());
        c
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// A JPEG's start with a baseline frame header claiming `w` × `h`, after an APP segment of
/// `pad` bytes (the frame header's position varies).
fn jpeg_claiming(w: u16, h: u16, pad: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE1];
    b.extend_from_slice(&((pad + 2) as u16).to_be_bytes());
    b.extend(std::iter::repeat_n(0x41, pad));
    b.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    b
}

/// Peak memory of a `qbr` run in MB, through `/usr/bin/time` (0 where it is missing).
fn peak_mb(args: &[&str]) -> (Output, u64) {
    if !Path::new("/usr/bin/time").exists() {
        return (qbr(args), 0);
    }
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-kb %M", env!("CARGO_BIN_EXE_qbr")])
        .args(args)
        .env("QBR_NOW", "2026-11-24T09:00:00Z")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let kb = err
        .lines()
        .find_map(|l| l.strip_prefix("peak-kb "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    (out, kb / 1024)
}

fn logo_bombs(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) {
    let ws = workspace(dir, "logo.qbr", 300);
    for r in 0..rounds {
        let (w, h) = (
            rng.range(8_001, 200_000) as u32,
            rng.range(2_001, 200_000) as u32,
        );
        let (bytes, ext) = if rng.range(0, 2) == 0 {
            (png_claiming(w, h), "png")
        } else {
            let (w, h) = (w.min(65_535) as u16, h.min(65_535) as u16);
            (jpeg_claiming(w, h, rng.range(0, 5_000) as usize), "jpg")
        };
        let (w, h) = if ext == "jpg" {
            (w.min(65_535), h.min(65_535))
        } else {
            (w, h)
        };
        let logo = dir.join(format!("bomb{r}.{ext}"));
        std::fs::write(&logo, &bytes).unwrap();
        let pdf = dir.join(format!("pack{r}.pdf"));
        let (out, peak) = peak_mb(&[
            "export",
            arg(&ws),
            "--period",
            "2026-07",
            "--logo",
            arg(&logo),
            "--out",
            arg(&pdf),
        ]);
        let m = text(&out);
        t.check(
            out.status.code() == Some(1)
                && m.contains(&format!("{w} × {h} pixels"))
                && !pdf.exists()
                && peak < 200,
            || format!("export --logo {w}×{h} {ext}: peak {peak} MB: {m}"),
        );
        // The same bomb inside a template of a received workspace, never decoded when stored.
        {
            let mut stored = qbr_core::Workspace::open(&ws).unwrap();
            let format = if ext == "png" {
                qbr_core::pack::LogoFormat::Png
            } else {
                qbr_core::pack::LogoFormat::Jpeg
            };
            stored
                .save_pack_template(
                    &format!("Mailed {r}"),
                    r##"{"sections":["cover"],"metrics":[],"audience":"internal","paper":"a4","prepared_by":"","accent":"#1f5fa8","logo":null,"summary":"","highlights":null}"##,
                    Some((&bytes, format)),
                    chrono::Utc::now(),
                )
                .unwrap();
        }
        let name = format!("Mailed {r}");
        let (out, peak) = peak_mb(&[
            "export",
            arg(&ws),
            "--period",
            "2026-07",
            "--template",
            &name,
            "--out",
            arg(&pdf),
        ]);
        let m = text(&out);
        t.check(
            out.status.code() == Some(1) && m.contains("pixels") && !pdf.exists() && peak < 200,
            || format!("export --template with a stored {w}×{h} {ext}: peak {peak} MB: {m}"),
        );
    }
}

fn planted_schemas(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) {
    let base = workspace(dir, "schema.qbr", 200);
    let tables = [
        "fact",
        "target",
        "root_cause",
        "action",
        "import_batch",
        "setting",
        "agent",
    ];
    for r in 0..rounds {
        let table = rng.pick(&tables);
        let name = format!("x{}", rng.range(0, 1_000_000));
        let sql = match rng.range(0, 6) {
            0 => format!(
                "CREATE TRIGGER {name} AFTER INSERT ON {table} BEGIN DELETE FROM target; END;"
            ),
            1 => format!(
                "CREATE TRIGGER {name} BEFORE UPDATE ON {table} BEGIN SELECT 1; END;"
            ),
            2 => "ALTER TABLE fact_rollup RENAME TO fr; CREATE VIEW fact_rollup AS SELECT * FROM fr UNION ALL SELECT * FROM fr;".to_string(),
            3 => format!("CREATE TABLE {name} (t TEXT);"),
            4 => format!("CREATE INDEX {name} ON {table} (id);"),
            _ => format!("CREATE VIEW {name} AS SELECT * FROM {table};"),
        };
        let ws = dir.join(format!("planted{r}.qbr"));
        std::fs::copy(&base, &ws).unwrap();
        {
            let conn = qbr_core::store::unchecked_connection(&ws).unwrap();
            conn.execute_batch(&sql).unwrap();
        }
        let before = sha(&ws);
        for args in [
            vec!["info", arg(&ws)],
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
                "secret",
            ],
        ] {
            let out = qbr(&args);
            let m = text(&out);
            t.check(
                out.status.code() == Some(1)
                    && m.contains("not those of a workspace of format")
                    && sha(&ws) == before,
                || format!("{sql}: qbr {}: {m}", args[0]),
            );
        }
    }
}

fn flipped_bits(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) -> (u32, u32) {
    let ws = workspace(dir, "flip.qbr", rng.range(500, 3_000));
    let args = |p: &Path| -> Vec<String> {
        [
            "metrics",
            arg(p),
            "--period",
            "2026-07",
            "--by",
            "agent",
            "--json",
        ]
        .map(String::from)
        .to_vec()
    };
    let run = |p: &Path| {
        let a = args(p);
        qbr(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let original = run(&ws);
    assert!(original.status.success());
    let bytes = std::fs::read(&ws).unwrap();
    let (mut refused, mut same) = (0, 0);
    for r in 0..rounds * 10 {
        let mut copy = bytes.clone();
        let flips = rng.range(1, 9);
        for _ in 0..flips {
            let at = rng.range(0, copy.len() as u64) as usize;
            copy[at] ^= 1 << rng.range(0, 8);
        }
        let p = dir.join(format!("flipped{r}.qbr"));
        std::fs::write(&p, &copy).unwrap();
        let out = run(&p);
        let m = text(&out);
        let ok = if out.status.success() {
            same += 1;
            out.stdout == original.stdout
        } else {
            refused += 1;
            m.contains("damaged")
                || m.contains("not a QBR Desk workspace")
                || m.contains("newer version")
        };
        t.check(ok, || format!("{flips} flipped bits, copy {r}: {m}"));
        let _ = std::fs::remove_file(&p);
    }
    (refused, same)
}

fn growing_files(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) -> (u32, u32) {
    let ws = workspace(dir, "grow.qbr", 10);
    let (mut refused, mut whole) = (0, 0);
    for r in 0..rounds * 2 {
        let p = dir.join(format!("growing{r}.csv"));
        let n = rng.range(2_000, 40_000);
        let base = 100_000 * (r as u64 + 1);
        std::fs::write(&p, format!("{HEADER}{}", rows(base, n, &|_| "Ann".into()))).unwrap();
        let delay = Duration::from_millis(rng.range(0, 40));
        let extra = rng.range(1, 500);
        let writer = {
            let p = p.clone();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
                // The exporting program writes a few rows at a time, as it produces them.
                for i in 0..extra {
                    f.write_all(rows(base + n + i, 1, &|_| "Ann".into()).as_bytes())
                        .unwrap();
                    if i % 5 == 4 {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
            })
        };
        let out = qbr(&["import", arg(&ws), arg(&p), "--json"]);
        writer.join().unwrap();
        let m = text(&out);
        if out.status.success() {
            whole += 1;
            // Done before the file changed: what was recorded is the file as it is now.
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            t.check(
                v[0]["sha256"] == sha(&p) && v[0]["rows_read"] == n + extra,
                || format!("a growing file was imported as another: {m}"),
            );
        } else {
            refused += 1;
            t.check(m.contains("changed while it was being imported"), || {
                format!("growing file, {n} rows + {extra}: {m}")
            });
        }
    }
    (refused, whole)
}

fn json_and_text(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) {
    let ws = workspace(dir, "json.qbr", 10);
    for r in 0..rounds * 2 {
        let n = rng.range(5, 1_500);
        let bad = rng.range(1, n + 1);
        let nul = rng.range(0, 2) == 0;
        let nested = rng.range(0, 2) == 0;
        let array = rng.range(0, 2) == 0;
        let record = |i: u64| -> String {
            let agent = if i == bad && nul { "An\\u0000n" } else { "Ann" };
            let mut rec = format!(
                "{{\"contact_id\":\"J{r}-{i}\",\"started_at\":\"2026-07-02T10:00:00Z\",\"channel\":\"voice\",\"queue\":\"Q\",\"outcome\":\"handled\",\"wait_s\":5,\"x\":{{\"agent\":\"{agent}\"}}}}"
            );
            if i == bad && !nul {
                rec = if nested {
                    rec.replace("{\"agent\"", "{\"agent\":\"B\",\"agent\"")
                } else {
                    rec.replacen("{", "{\"queue\":\"P\",", 1)
                };
            }
            rec
        };
        let records: Vec<String> = (1..=n).map(record).collect();
        let (name, body) = if array {
            (format!("j{r}.json"), format!("[{}]", records.join(",\n")))
        } else {
            (format!("j{r}.jsonl"), records.join("\n"))
        };
        let p = dir.join(&name);
        std::fs::write(&p, body).unwrap();
        let field = if nul || nested { "x.agent" } else { "queue" };
        let out = qbr(&["import", arg(&ws), arg(&p)]);
        let m = text(&out);
        t.check(
            out.status.code() == Some(1)
                && m.contains(&format!("record {bad}:"))
                && m.contains(&format!("\"{field}\""))
                && m.contains(if nul { "NUL" } else { "twice" }),
            || format!("{name}: record {bad} field {field}: {m}"),
        );
    }
    // Names with bidirectional controls and terminal sequences at random places.
    let controls = ["\u{202e}", "\u{202d}", "\u{2066}", "\u{2069}", "\u{202a}"];
    let sequences = [
        "\x1b[2J",
        "\x1b]0;t\x07",
        "\x1b]8;;http://x.invalid\x1b\\",
        "\r",
        "\u{9b}1m",
    ];
    for r in 0..rounds {
        let mut names = Vec::new();
        for k in 0..4 {
            let mut name: Vec<char> = format!("Agent{k}x").chars().collect();
            let at = rng.range(0, name.len() as u64 + 1) as usize;
            let insert = if k % 2 == 0 {
                *rng.pick(&controls)
            } else {
                *rng.pick(&sequences)
            };
            for (j, c) in insert.chars().enumerate() {
                name.insert(at + j, c);
            }
            names.push(name.into_iter().collect::<String>());
        }
        let p = dir.join(format!("names{r}.csv"));
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let body = rows(900_000 + 1000 * r as u64, 40, &|i| {
            quoted(&names[(i % 4) as usize])
        });
        std::fs::write(&p, format!("{HEADER}{body}")).unwrap();
        let out = qbr(&["import", arg(&ws), arg(&p)]);
        let mut all = text(&out);
        for args in [
            vec!["metrics", arg(&ws), "--period", "2026-07", "--by", "agent"],
            vec!["imports", arg(&ws)],
        ] {
            all.push_str(&text(&qbr(&args)));
        }
        let raw = all.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        });
        t.check(out.status.success() && !raw, || {
            format!("round {r}: a control character reached the terminal: {all:?}")
        });
        let json = qbr(&[
            "metrics",
            arg(&ws),
            "--period",
            "2026-07",
            "--by",
            "agent",
            "--json",
        ]);
        let stored = String::from_utf8_lossy(&json.stdout).into_owned();
        t.check(!controls.iter().any(|c| stored.contains(c)), || {
            format!("round {r}: a bidirectional control stayed in a name")
        });
    }
}

fn encode(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "utf-16le" => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect(),
        "utf-16be" => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect(),
        _ => [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect(),
    }
}

fn joined_exports(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) {
    for r in 0..rounds * 2 {
        let ws = workspace(dir, &format!("bom{r}.qbr"), 1);
        let encoding = *rng.pick(&["utf-8", "utf-16le", "utf-16be"]);
        let parts = rng.range(2, 6);
        let mut joined = Vec::new();
        let mut ids = std::collections::BTreeSet::new();
        let mut total = 0;
        for k in 0..parts {
            // Each part overlaps the one before it by a few contacts.
            let from = 1_000_000 + k * 50;
            let n = rng.range(51, 120);
            let body = rows(from, n, &|i| format!("Agent {}", i % 3));
            let text = if k == 0 {
                format!("{HEADER}{body}")
            } else {
                body
            };
            joined.extend(encode(&text, encoding));
            ids.extend(from..from + n);
            total += n;
        }
        let p = dir.join(format!("joined{r}.csv"));
        std::fs::write(&p, &joined).unwrap();
        let out = qbr(&["import", arg(&ws), arg(&p), "--json"]);
        let m = text(&out);
        let ok = out.status.success() && {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            v[0]["rows_read"] == total
                && v[0]["rows_taken"] == ids.len() as u64
                && v[0]["rows_duplicate"] == total - ids.len() as u64
                && v[0]["rows_refused"] == 0
        };
        t.check(ok, || format!("{parts} {encoding} parts: {m}"));
    }
}

fn messages(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) {
    let ws = workspace(dir, "messages.qbr", 10);
    for r in 0..rounds {
        // A named pipe as the workspace, and as an input; devices as inputs.
        let fifo = dir.join(format!("pipe{r}.qbr"));
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let started = Instant::now();
        let out = qbr(&["info", arg(&fifo)]);
        t.check(
            out.status.code() == Some(1)
                && text(&out).contains("not a regular file")
                && started.elapsed() < Duration::from_secs(10),
            || format!("info on a named pipe: {}", text(&out)),
        );
        for input in [arg(&fifo), "/dev/zero", "/dev/urandom"] {
            let out = qbr(&["import", arg(&ws), input]);
            t.check(
                out.status.code() == Some(1) && text(&out).contains("not a regular file"),
                || format!("import {input}: {}", text(&out)),
            );
        }
        // QBR Desk's mark, tables, format 0.
        let odd = dir.join(format!("odd{r}.qbr"));
        {
            let conn = rusqlite::Connection::open(&odd).unwrap();
            conn.pragma_update(None, "application_id", 0x5142_5244)
                .unwrap();
            for k in 0..rng.range(1, 5) {
                conn.execute_batch(&format!(
                    "CREATE TABLE t{k} (x); INSERT INTO t{k} VALUES ({k});"
                ))
                .unwrap();
            }
        }
        let out = qbr(&["info", arg(&odd)]);
        let m = text(&out);
        let baks = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".bak-format0")
            })
            .count();
        t.check(
            out.status.code() == Some(1) && m.len() < 250 && !m.contains("CREATE") && baks == 0,
            || {
                format!(
                    "format 0 with tables ({} characters, {baks} backups): {m}",
                    m.len()
                )
            },
        );
        // A one-column workbook under a header.
        let header = *rng.pick(&["contact_id", "agent", "queue", "Notes"]);
        let xlsx = dir.join(format!("one{r}.xlsx"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let first = rng.range(0, 5) as u32;
        sheet.write_string(first, 0, header).unwrap();
        let n = rng.range(1, 50) as u32;
        for i in 1..=n {
            sheet.write_string(first + i, 0, format!("v{i}")).unwrap();
        }
        book.save(&xlsx).unwrap();
        let out = qbr(&["detect", arg(&ws), arg(&xlsx), "--json"]);
        let ok = out.status.success() && {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            v["header"] == serde_json::json!([header])
        };
        t.check(ok, || {
            format!("one column {header:?} at row {first}: {}", text(&out))
        });
    }
}

fn read_only_disk(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) -> bool {
    let mnt = dir.join("ro");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = is_root()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success());
    if !mounted {
        return false;
    }
    for r in 0..rounds {
        let ws = workspace(&mnt, &format!("archived{r}.qbr"), rng.range(10, 5_000));
        let figures = qbr(&["metrics", arg(&ws), "--period", "2026-07", "--json"]);
        let remount = |mode: &str| {
            Command::new("mount")
                .args(["-o", &format!("remount,{mode}")])
                .arg(&mnt)
                .status()
                .unwrap()
                .success()
        };
        assert!(remount("ro"));
        let again = qbr(&["metrics", arg(&ws), "--period", "2026-07", "--json"]);
        t.check(
            again.status.success() && again.stdout == figures.stdout,
            || format!("metrics on a read-only disk: {}", text(&again)),
        );
        let out = qbr(&["settings", arg(&ws), "--client", "Changed"]);
        let m = text(&out);
        t.check(
            out.status.code() == Some(1) && m.contains("read-only") && m.contains("copy"),
            || format!("settings on a read-only disk: {m}"),
        );
        assert!(remount("rw"));
    }
    let _ = Command::new("umount").arg(&mnt).status();
    true
}

fn copies_while_open(rng: &mut Rng, dir: &Path, rounds: u32, t: &mut Tally) {
    let ws = workspace(dir, "open.qbr", 100);
    // Another program holds the workspace open (the app between two commands, a reader).
    let held = qbr_core::Workspace::open(&ws).unwrap();
    for r in 0..rounds * 2 {
        let client = format!("Client {}", rng.range(0, 1_000_000));
        let op = rng.range(0, 3);
        let args: Vec<String> = match op {
            0 => vec![
                "settings".into(),
                arg(&ws).into(),
                "--client".into(),
                client.clone(),
            ],
            1 => vec![
                "cause".into(),
                arg(&ws).into(),
                "add".into(),
                "--metric".into(),
                "aht".into(),
                "--from".into(),
                "2026-07-01".into(),
                "--to".into(),
                "2026-07-31".into(),
                "--category".into(),
                "people".into(),
                "--title".into(),
                client.clone(),
            ],
            _ => {
                let p = dir.join(format!("more{r}.csv"));
                std::fs::write(
                    &p,
                    format!(
                        "{HEADER}{}",
                        rows(500_000 + 100 * r as u64, 20, &|_| "Ann".into())
                    ),
                )
                .unwrap();
                vec!["import".into(), arg(&ws).into(), p.display().to_string()]
            }
        };
        let out = qbr(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", text(&out));
        let copy = dir.join(format!("copy{r}.qbr"));
        std::fs::copy(&ws, &copy).unwrap();
        let original = qbr_core::Workspace::open(&ws)
            .unwrap()
            .content_digest()
            .unwrap();
        let copied = qbr_core::Workspace::open(&copy)
            .unwrap()
            .content_digest()
            .unwrap();
        t.check(original == copied, || {
            format!(
                "qbr {}: the copy of the .qbr alone lacks what was committed",
                args[0]
            )
        });
    }
    drop(held);
}

#[test]
fn every_way_in_is_closed() {
    let rounds: u32 = std::env::var("QBR_WAYS_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let seed: u64 = std::env::var("QBR_WAYS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(26);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed | 1);
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut run = |name: &str, f: &mut dyn FnMut(&mut Rng, &Path, &mut Tally) -> String| {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).unwrap();
        let mut t = Tally::default();
        let started = Instant::now();
        let note = f(&mut rng, &sub, &mut t);
        let line = format!(
            "ways-in {name} inputs {} failures {} ({:.1} s{note})",
            t.inputs,
            t.failures.len(),
            started.elapsed().as_secs_f64()
        );
        eprintln!("{line}");
        report.push(line);
        failures.extend(t.failures.into_iter().map(|f| format!("{name}: {f}")));
    };
    run("logo-bombs", &mut |r, d, t| {
        logo_bombs(r, d, rounds, t);
        String::new()
    });
    run("planted-schema", &mut |r, d, t| {
        planted_schemas(r, d, rounds, t);
        String::new()
    });
    run("flipped-bits", &mut |r, d, t| {
        let (refused, same) = flipped_bits(r, d, rounds, t);
        format!(", {refused} refused as damaged, {same} read as the original")
    });
    run("growing-file", &mut |r, d, t| {
        let (refused, whole) = growing_files(r, d, rounds, t);
        format!(
            ", {refused} refused as changed during the import, {whole} imported after the change"
        )
    });
    run("json-and-text", &mut |r, d, t| {
        json_and_text(r, d, rounds, t);
        String::new()
    });
    run("joined-exports", &mut |r, d, t| {
        joined_exports(r, d, rounds, t);
        String::new()
    });
    run("messages", &mut |r, d, t| {
        messages(r, d, rounds, t);
        String::new()
    });
    run("read-only-disk", &mut |r, d, t| {
        if read_only_disk(r, d, rounds, t) {
            String::new()
        } else {
            ", skipped: not root".into()
        }
    });
    run("copy-while-open", &mut |r, d, t| {
        copies_while_open(r, d, rounds, t);
        String::new()
    });
    let inputs: u32 = report
        .iter()
        .filter_map(|l| {
            l.split(" inputs ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<u32>()
                .ok()
        })
        .sum();
    eprintln!("ways-in total inputs {inputs} failures {}", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
