//! Shared by the benchmarks: a deterministic generator of generic interactions CSV (the columns
//! of the generic template, realistic values), peak-memory reading and table printing.

#![allow(dead_code)]

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use chrono::{Duration as Span, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const HEADER: &str = "contact_id,started_at,channel,direction,program,queue,site,team,agent,\
customer_id,outcome,wait,talk,hold,wrap,handle,transferred,resolved,csat,nps,ces";

/// Programs and their queues: a large account with a few lines of business.
const PROGRAMS: [(&str, &[&str]); 3] = [
    ("Customer Care", &["Billing", "Accounts", "Moves"]),
    ("Tech Support", &["Broadband", "Mobile", "TV"]),
    ("Sales", &["Upgrades", "New Business"]),
];
const SITES: [&str; 3] = ["Dublin", "Manila", "Cape Town"];
const AGENTS: usize = 300;
const TEAMS_PER_SITE: usize = 4;

/// An env var as a number, or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Writes `contacts` contacts spread evenly over `days` days from `first_day`, numbered from
/// `first_id`, in start-time order (as exports come). A contact's id is its number scrambled
/// ([`contact_id`]): ids follow no order in time, as Amazon Connect's and Genesys's do not, so a
/// file sorted by id ([`sort_by_id`]) jumps between days. Returns the file size in bytes.
pub fn write_interactions(
    path: &Path,
    first_day: NaiveDate,
    days: u32,
    contacts: u64,
    first_id: u64,
    seed: u64,
) -> std::io::Result<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "{HEADER}")?;
    let per_day = contacts as f64 / days as f64;
    let mut written = 0u64;
    for d in 0..days {
        let day = first_day + Span::days(d as i64);
        let target = ((d + 1) as f64 * per_day).round() as u64;
        let n = target.min(contacts) - written;
        // Opening hours 08:00–20:00 UTC; times ascend through the day.
        let mut secs: Vec<u32> = (0..n)
            .map(|_| rng.random_range(8 * 3600..20 * 3600))
            .collect();
        secs.sort_unstable();
        for s in secs {
            let id = contact_id(first_id + written);
            written += 1;
            // An agent works one program on one channel, at one site in one team.
            let agent_no = rng.random_range(0..AGENTS);
            let (program, queues) = PROGRAMS[match agent_no % 20 {
                0..=9 => 0,
                10..=16 => 1,
                _ => 2,
            }];
            let queue = queues[rng.random_range(0..queues.len())];
            let channel = ["voice", "chat", "email"][match agent_no % 10 {
                0..=6 => 0,
                7..=8 => 1,
                _ => 2,
            }];
            let site = SITES[agent_no % SITES.len()];
            let team = agent_no % (SITES.len() * TEAMS_PER_SITE);
            let customer = rng.random_range(0..(contacts / 3).max(1));
            let roll = rng.random_range(0..100);
            let outcome = match roll {
                0..=87 => "handled",
                88..=96 => "abandoned",
                97 => "callback",
                _ => "other",
            };
            let wait: u32 = match channel {
                "voice" => (rng.random::<f64>().powi(3) * 240.0) as u32,
                "chat" => (rng.random::<f64>().powi(3) * 400.0) as u32,
                _ => rng.random_range(600..90_000),
            };
            // A contact that never reached an agent has no agent, site or team.
            let (site, team, agent) = if outcome == "handled" {
                (site, format!("T{team:02}"), format!("A{agent_no:04}"))
            } else {
                ("", String::new(), String::new())
            };
            write!(
                out,
                "C{id:010},{day}T{:02}:{:02}:{:02}Z,{channel},inbound,{program},{queue},{site},{team},{agent},K{customer:08},{outcome},{wait},",
                s / 3600,
                s / 60 % 60,
                s % 60,
            )?;
            if outcome == "handled" {
                let talk: u32 = rng.random_range(60..900);
                let hold: u32 = if rng.random_bool(0.3) {
                    rng.random_range(5..180)
                } else {
                    0
                };
                let wrap: u32 = rng.random_range(10..150);
                let transferred = if rng.random_bool(0.08) { "Y" } else { "N" };
                let resolved = match rng.random_range(0..10) {
                    0..=5 => "Y",
                    6..=7 => "N",
                    _ => "",
                };
                write!(
                    out,
                    "{talk},{hold},{wrap},{},{transferred},{resolved},",
                    talk + hold + wrap
                )?;
                let survey = |rng: &mut ChaCha8Rng, p: f64, lo: u32, hi: u32| {
                    if rng.random_bool(p) {
                        rng.random_range(lo..=hi).to_string()
                    } else {
                        String::new()
                    }
                };
                let csat = survey(&mut rng, 0.15, 1, 5);
                let nps = survey(&mut rng, 0.10, 0, 10);
                let ces = survey(&mut rng, 0.08, 1, 7);
                writeln!(out, "{csat},{nps},{ces}")?;
            } else {
                writeln!(out, ",,,,,,,,")?;
            }
        }
    }
    out.flush()?;
    drop(out);
    Ok(std::fs::metadata(path)?.len())
}

/// Contact number `n` as a 10-digit id that follows no order: `n` times an odd constant not
/// divisible by 5, modulo 10^10, which is one-to-one on 0..10^10 (so distinct numbers keep
/// distinct ids, the numbering of the metrics workspace's ten files included).
pub fn contact_id(n: u64) -> u64 {
    const MODULUS: u128 = 10_000_000_000;
    ((n as u128 * 6_364_136_223 + 1_442_695_040) % MODULUS) as u64
}

/// Writes the data lines of `from` (a file with one header line) into `buckets` files of `dir`,
/// each line to the bucket `bucket_of` names; returns the header and the bucket paths.
fn split_lines(
    from: &Path,
    dir: &Path,
    buckets: usize,
    mut bucket_of: impl FnMut(&str) -> usize,
) -> std::io::Result<(String, Vec<std::path::PathBuf>)> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(from)?).lines();
    let header = lines.next().transpose()?.unwrap_or_default();
    let paths: Vec<std::path::PathBuf> = (0..buckets)
        .map(|b| dir.join(format!("bucket-{b}.part")))
        .collect();
    let mut outs = paths
        .iter()
        .map(|p| {
            Ok(BufWriter::with_capacity(
                256 << 10,
                std::fs::File::create(p)?,
            ))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    for line in lines {
        let line = line?;
        let b = bucket_of(&line).min(buckets - 1);
        writeln!(outs[b], "{line}")?;
    }
    for o in &mut outs {
        o.flush()?;
    }
    Ok((header, paths))
}

/// Writes the header, then each bucket's lines reordered by `reorder`, bucket after bucket, and
/// removes the buckets.
fn join_buckets(
    to: &Path,
    header: &str,
    buckets: &[std::path::PathBuf],
    mut reorder: impl FnMut(&mut Vec<String>),
) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(to)?);
    writeln!(out, "{header}")?;
    for b in buckets {
        let text = std::fs::read_to_string(b)?;
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        drop(text);
        reorder(&mut lines);
        for l in &lines {
            writeln!(out, "{l}")?;
        }
        std::fs::remove_file(b)?;
    }
    out.flush()?;
    drop(out);
    Ok(std::fs::metadata(to)?.len())
}

/// Lines per bucket when a file is reordered a bucket at a time (about 24 MB of text).
const BUCKET_LINES: u64 = 200_000;

/// Writes the rows of `from` to `to` in a random order (every order equally likely: each line
/// goes to a random bucket, each bucket is shuffled), holding one bucket in memory at a time.
pub fn shuffle(from: &Path, to: &Path, lines: u64, seed: u64) -> std::io::Result<u64> {
    use rand::seq::SliceRandom;
    let dir = to.parent().unwrap_or(Path::new("."));
    let buckets = (lines / BUCKET_LINES).max(1) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (header, parts) = split_lines(from, dir, buckets, |_| rng.random_range(0..buckets))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 1);
    join_buckets(to, &header, &parts, |l| l.shuffle(&mut rng))
}

/// Writes the rows of `from` to `to` sorted by contact id (the first column, ten digits after a
/// letter), holding one bucket of ids in memory at a time.
pub fn sort_by_id(from: &Path, to: &Path, lines: u64) -> std::io::Result<u64> {
    let dir = to.parent().unwrap_or(Path::new("."));
    // Buckets by leading digits: ids are spread evenly over 0..10^10.
    let digits = if lines > 2 * BUCKET_LINES * 10 { 2 } else { 1 };
    let buckets = 10usize.pow(digits);
    let (header, parts) = split_lines(from, dir, buckets, |line| {
        line.get(1..1 + digits as usize)
            .and_then(|d| d.parse::<usize>().ok())
            .unwrap_or(0)
    })?;
    join_buckets(to, &header, &parts, |l| l.sort_unstable())
}

/// Writes the header and the first `rows` data lines of `from` to `to`.
pub fn head(from: &Path, to: &Path, rows: u64) -> std::io::Result<u64> {
    use std::io::BufRead;
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(to)?);
    for line in std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(from)?)
        .lines()
        .take(rows as usize + 1)
    {
        writeln!(out, "{}", line?)?;
    }
    out.flush()?;
    drop(out);
    Ok(std::fs::metadata(to)?.len())
}

/// Peak resident memory of this process so far (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Prints rows of (what, value) as an aligned two-column table.
pub fn print_table(title: &str, rows: &[(String, String)]) {
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    println!("\n{title}");
    println!("{}", "-".repeat(w + 24));
    for (k, v) in rows {
        println!("{k:<w$}  {v}");
    }
}

/// The median of a few timed runs of `f`, with the first (cold) run apart.
pub fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = std::time::Instant::now();
        std::hint::black_box(f());
        times.push(t.elapsed());
    }
    let cold = times[0];
    times.sort();
    (cold, times[times.len() / 2])
}

/// A `/proc/.../stat` file read: the command name, and the fields after it (the name, in
/// parentheses, may hold spaces), where `seconds(i)` reads field `i` after the name as clock ticks
/// of 10 ms; `None` when it cannot be read (not Linux, or the thread ended).
pub struct ProcStat {
    pub name: String,
    fields: Vec<String>,
}

impl ProcStat {
    pub fn read(path: impl AsRef<Path>) -> Option<ProcStat> {
        let stat = std::fs::read_to_string(path).ok()?;
        let (head, rest) = stat.rsplit_once(')')?;
        Some(ProcStat {
            name: head.split_once('(').map_or("", |(_, n)| n).to_string(),
            fields: rest.split_whitespace().map(str::to_string).collect(),
        })
    }

    /// Field `i` after the name as seconds (0 when it is not a number).
    pub fn seconds(&self, i: usize) -> f64 {
        self.fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 100.0
    }

    /// User and system CPU time (stat's fields 14 and 15).
    pub fn user_system(&self) -> (f64, f64) {
        (self.seconds(11), self.seconds(12))
    }
}

/// CPU time (user + system) this process has used so far, all threads, in seconds: on a shared
/// machine it says what the work costs when wall-clock time says mostly how busy the machine is.
pub fn cpu_seconds() -> f64 {
    ProcStat::read("/proc/self/stat").map_or(0.0, |s| {
        let (user, system) = s.user_system();
        user + system
    })
}
