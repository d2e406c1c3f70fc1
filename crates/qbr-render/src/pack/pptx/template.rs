//! A user's PowerPoint template (`.potx` or `.pptx`): its slide masters, layouts and themes, with
//! every part they refer to (images, fonts, tags), copied as they are; the slide size; the
//! layouts the deck uses, found by type (title; title only, else title and content, else any
//! layout with a title; blank); and where the content layout's title sits. The file is untrusted:
//! its zip directory is checked before anything is inflated (at most 2,000 parts, 64 MB in all,
//! each part inflated with a cap at its declared size), paths are kept inside the package, and
//! a part it names but lacks is refused by name.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::Frame;

const MAX_PARTS: usize = 2_000;
const MAX_TOTAL: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("the template is not a PowerPoint file (a zip package): {0}")]
    NotZip(String),
    #[error("the template is too large to read: {0}")]
    TooLarge(String),
    #[error("the template lacks {0}")]
    Missing(String),
    #[error("the template's {part} cannot be read: {why}")]
    Bad { part: String, why: String },
}

pub(crate) struct Template {
    /// (part name, bytes), masters, layouts, themes and what they refer to, with their rels.
    pub parts: Vec<(String, Vec<u8>)>,
    /// Content types of the copied parts: overrides by part name (`/ppt/...`), defaults by
    /// extension.
    pub overrides: Vec<(String, String)>,
    pub defaults: Vec<(String, String)>,
    /// Slide master part names, in the template's order.
    pub masters: Vec<String>,
    /// The title, content and blank layouts' part names.
    pub layouts: [String; 3],
    /// The first master's theme.
    pub theme: Option<String>,
    /// Whether a title-slide layout was found (else the cover places its own title).
    pub has_title_layout: bool,
    pub frame: Frame,
    /// A master id above every id the template's masters and layouts use.
    pub free_id: u64,
}

type Parts = BTreeMap<String, Vec<u8>>;

fn bad(part: &str, why: impl std::fmt::Display) -> TemplateError {
    TemplateError::Bad {
        part: part.to_string(),
        why: why.to_string(),
    }
}

fn unzip(bytes: &[u8]) -> Result<Parts, TemplateError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| TemplateError::NotZip(e.to_string()))?;
    if zip.len() > MAX_PARTS {
        return Err(TemplateError::TooLarge(format!(
            "{} parts, at most {MAX_PARTS}",
            zip.len()
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| TemplateError::NotZip(e.to_string()))?;
        total = total.saturating_add(f.size());
    }
    if total > MAX_TOTAL {
        return Err(TemplateError::TooLarge(format!(
            "{total} bytes inflated, at most {MAX_TOTAL}"
        )));
    }
    let mut parts = Parts::new();
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| TemplateError::NotZip(e.to_string()))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|e| TemplateError::NotZip(e.to_string()))?
            .trim_start_matches('/')
            .to_string();
        let size = f.size();
        let mut body = Vec::with_capacity(size.min(MAX_TOTAL) as usize);
        (&mut f)
            .take(size)
            .read_to_end(&mut body)
            .map_err(|e| bad(&name, e))?;
        parts.insert(name, body);
    }
    Ok(parts)
}

/// Attributes of every element named `local` (any prefix) in `xml`, in order.
fn elements(
    xml: &[u8],
    part: &str,
    local: &str,
) -> Result<Vec<BTreeMap<String, String>>, TemplateError> {
    let mut r = Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf).map_err(|e| bad(part, e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                let mut m = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| bad(part, e))?;
                    let key = a.key.as_ref().to_string();
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| bad(part, e))?
                        .into_owned();
                    m.insert(key, v);
                }
                out.push(m);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// `target` relative to `part`'s folder, normalised; `None` if it leaves the package.
fn resolve(part: &str, target: &str) -> Option<String> {
    let mut stack: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        part.rsplit_once('/')
            .map(|(d, _)| d.split('/').collect())
            .unwrap_or_default()
    };
    for seg in target.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop()?;
            }
            s => stack.push(s),
        }
    }
    Some(stack.join("/"))
}

/// (id, type's last segment, resolved target) of `part`'s internal relationships.
fn relations(parts: &Parts, part: &str) -> Result<Vec<(String, String, String)>, TemplateError> {
    let name = rels_name(part);
    let Some(xml) = parts.get(&name) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for m in elements(xml, &name, "Relationship")? {
        if m.get("TargetMode").is_some_and(|t| t == "External") {
            continue;
        }
        let (Some(id), Some(kind), Some(target)) = (m.get("Id"), m.get("Type"), m.get("Target"))
        else {
            continue;
        };
        let target = resolve(part, target)
            .ok_or_else(|| bad(&name, format!("{target} leaves the package")))?;
        let kind = kind.rsplit('/').next().unwrap_or("").to_string();
        out.push((id.clone(), kind, target));
    }
    Ok(out)
}

/// The first `a:off`/`a:ext` of the shape whose placeholder is of `types`, in a layout or master.
fn placeholder_box(
    xml: &[u8],
    part: &str,
    types: &[&str],
) -> Result<Option<(i64, i64, i64, i64)>, TemplateError> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_sp = 0usize;
    let mut is_ph = false;
    let (mut off, mut ext) = (None, None);
    loop {
        let ev = r.read_event_into(&mut buf).map_err(|e| bad(part, e))?;
        match &ev {
            Event::Start(e) if e.local_name().as_ref() == "sp" => {
                in_sp += 1;
                is_ph = false;
                off = None;
                ext = None;
            }
            Event::End(e) if e.local_name().as_ref() == "sp" => {
                in_sp = in_sp.saturating_sub(1);
                if is_ph {
                    if let (Some((x, y)), Some((cx, cy))) = (off, ext) {
                        return Ok(Some((x, y, cx, cy)));
                    }
                }
            }
            Event::Start(e) | Event::Empty(e) if in_sp > 0 => {
                let attr = |k: &str| -> Option<String> {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                };
                let num = |k: &str| attr(k).and_then(|v| v.parse::<i64>().ok());
                match e.local_name().as_ref() {
                    "ph" => {
                        let t = attr("type").unwrap_or_else(|| "body".into());
                        if types.contains(&t.as_str()) {
                            is_ph = true;
                        }
                    }
                    "off" if off.is_none() => {
                        if let (Some(x), Some(y)) = (num("x"), num("y")) {
                            off = Some((x, y));
                        }
                    }
                    "ext" if ext.is_none() => {
                        if let (Some(x), Some(y)) = (num("cx"), num("cy")) {
                            ext = Some((x, y));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(None)
}

pub(crate) fn read(bytes: &[u8]) -> Result<Template, TemplateError> {
    let all = unzip(bytes)?;
    let get = |name: &str| {
        all.get(name)
            .ok_or_else(|| TemplateError::Missing(name.to_string()))
    };
    // The main part, from the package's relationships.
    let main = relations(&all, "")?
        .into_iter()
        .find(|r| r.1 == "officeDocument")
        .map(|r| r.2)
        .ok_or_else(|| TemplateError::Missing("_rels/.rels's main part".into()))?;
    let pres = get(&main)?;
    let size = elements(pres, &main, "sldSz")?;
    let (cx, cy) = size
        .first()
        .and_then(|m| {
            Some((
                m.get("cx")?.parse::<i64>().ok()?,
                m.get("cy")?.parse::<i64>().ok()?,
            ))
        })
        .filter(|(x, y)| (914_400..=51_206_400).contains(x) && (914_400..=51_206_400).contains(y))
        .ok_or_else(|| TemplateError::Missing(format!("{main}'s slide size")))?;
    let pres_rels = relations(&all, &main)?;
    let master_ids: Vec<String> = elements(pres, &main, "sldMasterId")?
        .into_iter()
        .filter_map(|m| m.get("r:id").cloned())
        .collect();
    let masters: Vec<String> = master_ids
        .iter()
        .filter_map(|id| pres_rels.iter().find(|r| &r.0 == id).map(|r| r.2.clone()))
        .collect();
    if masters.is_empty() {
        return Err(TemplateError::Missing("a slide master".into()));
    }
    // Everything the masters refer to, and what that refers to, except slides and notes.
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<String> = masters.clone();
    while let Some(p) = todo.pop() {
        if !keep.insert(p.clone()) {
            continue;
        }
        get(&p)?;
        for (_, kind, target) in relations(&all, &p)? {
            if matches!(
                kind.as_str(),
                "slide" | "notesSlide" | "notesMaster" | "handoutMaster"
            ) {
                continue;
            }
            if !keep.contains(&target) {
                todo.push(target);
            }
        }
    }
    let mut parts = Vec::new();
    for p in &keep {
        parts.push((p.clone(), all[p].clone()));
        let r = rels_name(p);
        if let Some(b) = all.get(&r) {
            parts.push((r, b.clone()));
        }
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));

    // Content types.
    let ct = get("[Content_Types].xml")?;
    let mut overrides = Vec::new();
    for m in elements(ct, "[Content_Types].xml", "Override")? {
        if let (Some(n), Some(t)) = (m.get("PartName"), m.get("ContentType")) {
            if keep.contains(n.trim_start_matches('/')) {
                overrides.push((format!("/{}", n.trim_start_matches('/')), t.clone()));
            }
        }
    }
    overrides.sort();
    let mut defaults = Vec::new();
    for m in elements(ct, "[Content_Types].xml", "Default")? {
        if let (Some(e), Some(t)) = (m.get("Extension"), m.get("ContentType")) {
            let e = e.to_ascii_lowercase();
            if e != "xml"
                && e != "rels"
                && keep
                    .iter()
                    .any(|p| p.to_ascii_lowercase().ends_with(&format!(".{e}")))
            {
                defaults.push((e, t.clone()));
            }
        }
    }
    defaults.sort();

    // The first master's layouts, by type.
    let first = &masters[0];
    let mrels = relations(&all, first)?;
    let theme = mrels.iter().find(|r| r.1 == "theme").map(|r| r.2.clone());
    let mut layouts: Vec<(String, String)> = Vec::new();
    for (_, kind, target) in &mrels {
        if kind == "slideLayout" {
            let xml = get(target)?;
            let t = elements(xml, target, "sldLayout")?
                .first()
                .and_then(|m| m.get("type").cloned())
                .unwrap_or_else(|| "cust".into());
            layouts.push((t, target.clone()));
        }
    }
    if layouts.is_empty() {
        return Err(TemplateError::Missing(format!("{first}'s layouts")));
    }
    let find = |types: &[&str]| {
        types
            .iter()
            .find_map(|t| layouts.iter().find(|l| l.0 == *t).map(|l| l.1.clone()))
    };
    let with_title = |l: &String| -> bool {
        placeholder_box(&all[l], l, &["title"])
            .ok()
            .flatten()
            .is_some()
            || elements(&all[l], l, "ph").ok().is_some_and(|v| {
                v.iter()
                    .any(|m| m.get("type").is_some_and(|t| t == "title"))
            })
    };
    let content = find(&["titleOnly", "obj", "tx"])
        .or_else(|| layouts.iter().map(|l| l.1.clone()).find(with_title))
        .unwrap_or_else(|| layouts[0].1.clone());
    let has_title_layout = find(&["title"]).is_some();
    let title = find(&["title"]).unwrap_or_else(|| content.clone());
    let blank = find(&["blank"]).unwrap_or_else(|| content.clone());
    let title_box = match placeholder_box(&all[&content], &content, &["title", "ctrTitle"])? {
        Some(b) => b,
        None => placeholder_box(get(first)?, first, &["title"])?.unwrap_or((
            cx / 24,
            cy / 24,
            cx - cx / 12,
            cy / 7,
        )),
    };
    // Master and layout ids share one space from 2^31; ours goes above them all.
    let mut top = 2_147_483_647u64;
    for m in &masters {
        for e in elements(get(m)?, m, "sldLayoutId")? {
            if let Some(id) = e.get("id").and_then(|v| v.parse::<u64>().ok()) {
                top = top.max(id);
            }
        }
    }
    for e in elements(pres, &main, "sldMasterId")? {
        if let Some(id) = e.get("id").and_then(|v| v.parse::<u64>().ok()) {
            top = top.max(id);
        }
    }
    Ok(Template {
        parts,
        overrides,
        defaults,
        masters,
        layouts: [title, content, blank],
        theme,
        has_title_layout,
        frame: Frame {
            cx,
            cy,
            title: title_box,
        },
        free_id: top + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_inside_the_package_only() {
        assert_eq!(
            resolve("ppt/slideMasters/slideMaster1.xml", "../theme/theme1.xml").as_deref(),
            Some("ppt/theme/theme1.xml")
        );
        assert_eq!(
            resolve("", "ppt/presentation.xml").as_deref(),
            Some("ppt/presentation.xml")
        );
        assert_eq!(resolve("ppt/a.xml", "../../../etc/passwd"), None);
        assert_eq!(
            rels_name("ppt/presentation.xml"),
            "ppt/_rels/presentation.xml.rels"
        );
        assert_eq!(rels_name(""), "_rels/.rels");
    }
}
