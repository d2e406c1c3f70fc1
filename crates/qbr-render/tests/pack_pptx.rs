//! The PowerPoint deck, opened as a package: every part a relationship names exists, every part
//! has a content type, every XML part is well-formed, one slide per laid-out page with the page's
//! title in the title placeholder, native tables and charts holding the document's values, speaker
//! notes, the same bytes for the same document, and a template's masters, layouts and theme.

mod fixtures;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use fixtures::sample_pack;
use qbr_render::chart::{
    Marker, MarkerKind, MovingAverage, Target, TrendChart, TrendSeries, UnitKind,
};
use qbr_render::pack::*;
use quick_xml::events::Event;
use quick_xml::Reader;

type Parts = BTreeMap<String, Vec<u8>>;

fn unzip(bytes: &[u8]) -> Parts {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut parts = Parts::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        parts.insert(f.name().unwrap().to_string(), body);
    }
    parts
}

fn text(parts: &Parts, name: &str) -> String {
    String::from_utf8(
        parts
            .get(name)
            .unwrap_or_else(|| panic!("{name} is missing"))
            .clone(),
    )
    .unwrap()
}

/// Attributes of every element named `local`.
fn elements(xml: &str, local: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                out.push(
                    e.attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                a.key.as_ref().to_string(),
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned(),
                            )
                        })
                        .collect(),
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text of every `<a:t>` (or `<c:v>`) under elements named `within`, one string each.
fn texts_in(xml: &str, within: &str, leaf: &str) -> Vec<String> {
    let mut r = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut current = String::new();
    let mut out = Vec::new();
    let mut in_leaf = false;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) if e.local_name().as_ref() == within => {
                depth += 1;
                if depth == 1 {
                    current.clear();
                }
            }
            Event::End(e) if e.local_name().as_ref() == within => {
                depth -= 1;
                if depth == 0 {
                    out.push(current.clone());
                }
            }
            Event::Start(e) if e.local_name().as_ref() == leaf => in_leaf = true,
            Event::End(e) if e.local_name().as_ref() == leaf => in_leaf = false,
            Event::Text(t) if in_leaf && depth > 0 => {
                current.push_str(t.as_ref());
            }
            Event::GeneralRef(g) if in_leaf && depth > 0 => {
                let name: &str = g.as_ref();
                current.push_str(match name {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

fn resolve(part: &str, target: &str) -> String {
    let mut stack: Vec<&str> = part
        .rsplit_once('/')
        .map(|(d, _)| d.split('/').collect())
        .unwrap_or_default();
    for seg in target.split('/') {
        match seg {
            ".." => {
                stack.pop().expect("a target inside the package");
            }
            "." | "" => {}
            s => stack.push(s),
        }
    }
    stack.join("/")
}

/// (id, type, resolved target) of `part`'s relationships.
fn rels(parts: &Parts, part: &str) -> Vec<(String, String, String)> {
    let name = rels_name(part);
    let Some(xml) = parts.get(&name) else {
        return Vec::new();
    };
    elements(std::str::from_utf8(xml).unwrap(), "Relationship")
        .into_iter()
        .map(|m| {
            (
                m["Id"].clone(),
                m["Type"].rsplit('/').next().unwrap().to_string(),
                resolve(part, &m["Target"]),
            )
        })
        .collect()
}

/// The package checks every deck must pass; returns the slide parts in presentation order.
fn check_package(parts: &Parts) -> Vec<String> {
    // Every XML part is well-formed.
    for (name, body) in parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let xml = std::str::from_utf8(body).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
            let mut r = Reader::from_str(xml);
            let mut depth = 0i32;
            loop {
                match r.read_event() {
                    Ok(Event::Start(_)) => depth += 1,
                    Ok(Event::End(_)) => depth -= 1,
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name} is not well-formed: {e}"),
                }
            }
            assert_eq!(depth, 0, "{name}: unbalanced elements");
        }
    }
    // Every part has a content type; every override names a part.
    let ct = text(parts, "[Content_Types].xml");
    let defaults: BTreeSet<String> = elements(&ct, "Default")
        .into_iter()
        .map(|m| m["Extension"].to_ascii_lowercase())
        .collect();
    let overrides: BTreeMap<String, String> = elements(&ct, "Override")
        .into_iter()
        .map(|m| {
            (
                m["PartName"].trim_start_matches('/').to_string(),
                m["ContentType"].clone(),
            )
        })
        .collect();
    for name in parts.keys() {
        if name == "[Content_Types].xml" {
            continue;
        }
        let ext = name.rsplit('.').next().unwrap().to_ascii_lowercase();
        assert!(
            overrides.contains_key(name) || defaults.contains(&ext),
            "{name} has no content type"
        );
    }
    for name in overrides.keys() {
        assert!(
            parts.contains_key(name),
            "the override for {name} names no part"
        );
    }
    // Every relationship's target exists, from the package's down.
    let mut seen = BTreeSet::new();
    let mut todo = vec![String::new()];
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        for (id, _, target) in rels(parts, &p) {
            assert!(
                parts.contains_key(&target),
                "{p} {id} names {target}, which is missing"
            );
            todo.push(target);
        }
    }
    // Every part but the rels and content types is reachable.
    for name in parts.keys() {
        if name.contains("_rels/") || name == "[Content_Types].xml" {
            continue;
        }
        assert!(
            seen.contains(name),
            "{name} is in the package but nothing refers to it"
        );
    }
    // Content types of the main parts.
    assert_eq!(
        overrides["ppt/presentation.xml"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    );
    let pres = text(parts, "ppt/presentation.xml");
    let prels = rels(parts, "ppt/presentation.xml");
    let slides: Vec<String> = elements(&pres, "sldId")
        .into_iter()
        .map(|m| prels.iter().find(|r| r.0 == m["r:id"]).unwrap().2.clone())
        .collect();
    for s in &slides {
        assert_eq!(
            overrides[s],
            "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
        );
        let kinds: Vec<String> = rels(parts, s).into_iter().map(|r| r.1).collect();
        assert!(
            kinds.contains(&"slideLayout".to_string()),
            "{s} has no layout"
        );
        assert!(
            kinds.contains(&"notesSlide".to_string()),
            "{s} has no notes"
        );
    }
    slides
}

fn slide_title(xml: &str) -> String {
    // The title placeholder is the first shape holding `<p:ph type="title"/>` or ctrTitle.
    let shapes = texts_in(xml, "sp", "t");
    let mut r = Reader::from_str(xml);
    let mut k = 0usize;
    let mut depth = 0usize;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) if e.local_name().as_ref() == "sp" => depth += 1,
            Event::End(e) if e.local_name().as_ref() == "sp" => {
                depth -= 1;
                if depth == 0 {
                    k += 1;
                }
            }
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == "ph" => {
                let t = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "type")
                    .map(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned()
                    });
                if matches!(t.as_deref(), Some("title") | Some("ctrTitle")) {
                    return shapes[k].clone();
                }
            }
            Event::Eof => panic!("no title placeholder"),
            _ => {}
        }
    }
}

fn small_doc() -> Document {
    // Hand-made: one page with a trend of three weeks (target ≥ 80%), a table of two rows.
    let chart = TrendChart {
        spans: Vec::new(),
        locale: String::new(),
        title: "Service level, weekly".into(),
        unit: UnitKind::Ratio,
        buckets: vec!["2026-W27".into(), "2026-W28".into(), "2026-W29".into()],
        series: vec![TrendSeries {
            name: "Voice".into(),
            values: vec![Some(0.812), None, Some(0.765)],
            moving_average: Some(MovingAverage {
                label: "3-week average".into(),
                values: vec![None, None, Some(0.7885)],
            }),
        }],
        target: Some(Target::AtLeast(0.8)),
        markers: vec![Marker {
            at: 2,
            label: "Firmware roll-out".into(),
            kind: MarkerKind::Cause,
        }],
        windows: vec![],
        control: None,
        currency: String::new(),
        target_steps: vec![],
        numbered_markers: true,
        partial: vec![2],
        width: 800,
        height: 300,
    };
    Document {
        meta: Meta {
            title: "Small deck".into(),
            author: "Tester".into(),
            subject: "Deck".into(),
            keywords: vec![],
            created: "2026-10-02".into(),
            language: "en".into(),
        },
        paper: Paper::A4,
        orientation: Orientation::Landscape,
        brand: Brand::default(),
        running: Running {
            header_left: "Client X".into(),
            header_right: "Q3 2026".into(),
            footer_left: "Confidential".into(),
            stamp: Some("Internal".into()),
        },
        sections: vec![Section {
            title: "Service level".into(),
            start_on_new_page: true,
            notes: vec!["Service level: answered within 20 s over offered; n = 1,234.".into()],
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: "Service level fell to 76.5% <below> the target & stayed".into(),
                },
                Block::Chart(Box::new(ChartBlock {
                    chart: Chart::Trend(chart),
                    height_mm: 70.0,
                    caption: Some("Weekly values.".into()),
                    alt: Some("Line chart of service level".into()),
                })),
                Block::Table(Table {
                    columns: vec![
                        Column::new("Program", 2.0, Align::Left),
                        Column::new("Value", 1.0, Align::Right),
                        Column::new("Status", 1.0, Align::Left),
                    ],
                    rows: vec![
                        vec![
                            Cell::bold("Billing"),
                            Cell::text("82.3%"),
                            Cell::rag(Rag::Green),
                        ],
                        vec![
                            Cell::bold("Tech Support"),
                            Cell::text("70.8%"),
                            Cell::rag(Rag::Red),
                        ],
                    ],
                }),
            ],
        }],
    }
}

#[test]
fn the_sample_pack_is_a_whole_package_with_a_slide_per_page() {
    let doc = sample_pack::document(5);
    let pages = page_count(&doc).unwrap();
    let deck = render_pptx(&doc, None).unwrap();
    let parts = unzip(&deck);
    let slides = check_package(&parts);
    assert_eq!(slides.len(), pages, "one slide per laid-out page");
    // 16:9.
    let size = &elements(&text(&parts, "ppt/presentation.xml"), "sldSz")[0];
    assert_eq!(
        (size["cx"].as_str(), size["cy"].as_str()),
        ("12192000", "6858000")
    );
    // Each section's title heading is the title of the slide its page became; a page a table
    // continues onto says so.
    let titles: Vec<String> = slides
        .iter()
        .map(|s| slide_title(&text(&parts, s)))
        .collect();
    assert_eq!(titles[0], "Quarterly Business Review");
    assert_eq!(titles[1], "Executive summary");
    for name in [
        "Service level",
        "Average handle time",
        "Action plan",
        "Appendix",
    ] {
        assert!(
            titles.iter().any(|t| t == name),
            "no slide titled {name}: {titles:?}"
        );
    }
    assert!(
        titles.iter().any(|t| t == "Action plan (continued)"),
        "the 24-row action plan continues on a second slide: {titles:?}"
    );
    // Every trend and bar chart is a native chart with its workbook: 5 metric pages × 2.
    let charts: Vec<&String> = parts
        .keys()
        .filter(|k| k.starts_with("ppt/charts/chart") && k.ends_with(".xml"))
        .collect();
    assert_eq!(charts.len(), 10);
    let books = parts
        .keys()
        .filter(|k| k.starts_with("ppt/embeddings/") && k.ends_with(".xlsx"))
        .count();
    assert_eq!(books, 10);
    // The tables are native: the scorecard's header row and its rows.
    let summary = text(&parts, &slides[1]);
    assert!(summary.contains("<a:tbl>"));
}

#[test]
fn a_chart_carries_its_values_target_and_markers_and_a_table_its_cells() {
    let deck = render_pptx(&small_doc(), None).unwrap();
    let parts = unzip(&deck);
    let slides = check_package(&parts);
    assert_eq!(slides.len(), 1);
    let slide = text(&parts, &slides[0]);
    // The title in the placeholder, escaped and read back as written.
    assert_eq!(
        slide_title(&slide),
        "Service level fell to 76.5% <below> the target & stayed"
    );
    // The chart: Voice 81.2%, a gap, 76.5%; the average; the target as a series at 0.8 in every
    // week; the marker as a point labelled 1 at week 3 over the highest value there (0.8).
    let chart = text(&parts, "ppt/charts/chart1.xml");
    assert!(chart.contains("<c:lineChart>"));
    // Series names are the `c:v` of each series' `c:tx` (the title's and labels' `c:tx` hold none).
    let names: Vec<String> = texts_in(&chart, "tx", "v")
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(
        names,
        [
            "Voice",
            "3-week average",
            "Target \u{2265} 80.0%",
            "Markers (numbered in the key)"
        ]
    );
    assert_eq!(elements(&chart, "numCache").len(), 4);
    let vals = texts_in(&chart, "numCache", "v");
    assert_eq!(vals, ["0.8120.765", "0.7885", "0.80.80.8", "0.8"]);
    // Voice has points 0 and 2 only: the missing week is a gap, not 0.
    assert!(chart.contains("<c:numCache><c:formatCode>#,##0.0%;&quot;\u{2212}&quot;#,##0.0%</c:formatCode><c:ptCount val=\"3\"/><c:pt idx=\"0\"><c:v>0.812</c:v></c:pt><c:pt idx=\"2\"><c:v>0.765</c:v></c:pt></c:numCache>"));
    // The pack's colours: Voice in Okabe–Ito blue, the target in dark grey, dashed.
    assert!(chart.contains("<a:srgbClr val=\"0072B2\"/>"));
    assert!(chart.contains("<a:srgbClr val=\"333333\"/></a:solidFill><a:prstDash val=\"dash\"/>"));
    // The partial week is a hollow point, the marker's number its label.
    assert!(chart.contains("<c:dPt><c:idx val=\"2\"/><c:marker><c:symbol val=\"circle\"/><c:size val=\"6\"/><c:spPr><a:solidFill><a:srgbClr val=\"FFFFFF\"/>"));
    assert!(chart.contains("<c:dLbl><c:idx val=\"2\"/><c:tx><c:rich>"));
    assert_eq!(texts_in(&chart, "dLbl", "t"), ["1"]);
    // The key beneath the chart and the caption are on the slide.
    let shapes = texts_in(&slide, "sp", "t");
    assert!(
        shapes.iter().any(|s| s == "1 Firmware roll-out"),
        "{shapes:?}"
    );
    assert!(shapes.iter().any(|s| s == "Weekly values."));
    assert!(shapes.iter().any(|s| s == "INTERNAL"));
    // The workbook holds the same numbers.
    let book = unzip(&parts["ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx"]);
    let sheet = text(&book, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>0.812</v>") && sheet.contains("<v>0.765</v>"));
    // The table: three columns, a header and two rows, status as shape and word.
    let cells = texts_in(&slide, "tc", "t");
    assert_eq!(
        cells,
        [
            "Program",
            "Value",
            "Status",
            "Billing",
            "82.3%",
            "\u{25CF} On target",
            "Tech Support",
            "70.8%",
            "\u{25A0} Off target"
        ]
    );
    assert_eq!(elements(&slide, "gridCol").len(), 3);
    // Speaker notes: the section's notes and the period.
    let notes = texts_in(&text(&parts, "ppt/notesSlides/notesSlide1.xml"), "p", "t");
    assert_eq!(
        notes,
        [
            "Service level: answered within 20 s over offered; n = 1,234.",
            "Period: Q3 2026."
        ]
    );
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let doc = sample_pack::document(3);
    let a = render_pptx(&doc, None).unwrap();
    let b = render_pptx(&doc, None).unwrap();
    assert!(a == b, "two renderings of one document differ");
    let mut other = doc.clone();
    other.brand.accent = Rgb(0x7B, 0x2C, 0x8F);
    let c = render_pptx(&other, None).unwrap();
    assert!(a != c);
    // The accent is the theme's first accent, which titles take.
    let theme = text(&unzip(&c), "ppt/theme/theme1.xml");
    assert!(theme.contains("<a:accent1><a:srgbClr val=\"7B2C8F\"/></a:accent1>"));
}

/// Written by `fixtures/deck/make_template.py`: DejaVu Serif, a plum accent, a plum band with the
/// title on it, five layouts with title-only third.
const TEMPLATE: &[u8] = include_bytes!("../../../fixtures/deck/plum-template.potx");

#[test]
fn a_template_gives_its_masters_layouts_theme_and_size() {
    let doc = sample_pack::document(2);
    let deck = render_pptx(&doc, Some(TEMPLATE)).unwrap();
    let parts = unzip(&deck);
    let slides = check_package(&parts);
    assert_eq!(slides.len(), page_count(&doc).unwrap());
    let tpl = unzip(TEMPLATE);
    // The template's theme, byte for byte: its plum accent and its serif.
    let theme = text(&parts, "ppt/theme/theme1.xml");
    assert_eq!(theme, text(&tpl, "ppt/theme/theme1.xml"));
    assert!(theme.contains("<a:accent1><a:srgbClr val=\"6B2D7B\"/></a:accent1>"));
    assert!(theme.contains("<a:latin typeface=\"DejaVu Serif\"/>"));
    // Its master and five layouts, each as it was.
    assert_eq!(
        parts["ppt/slideMasters/slideMaster1.xml"],
        tpl["ppt/slideMasters/slideMaster1.xml"]
    );
    for i in 1..=5 {
        let name = format!("ppt/slideLayouts/slideLayout{i}.xml");
        assert_eq!(parts[&name], tpl[&name], "{name}");
    }
    // Layouts found by type, wherever the template puts them: the cover on its title-slide
    // layout (second), every other slide on its title-only layout (third).
    let layout_of = |slide: &str| {
        rels(&parts, slide)
            .into_iter()
            .find(|r| r.1 == "slideLayout")
            .unwrap()
            .2
    };
    assert_eq!(layout_of(&slides[0]), "ppt/slideLayouts/slideLayout2.xml");
    for s in &slides[1..] {
        assert_eq!(layout_of(s), "ppt/slideLayouts/slideLayout3.xml", "{s}");
    }
    // Titles take the template's style: no size or colour of their own.
    let title_run = texts_in(&text(&parts, &slides[1]), "sp", "t")[0].clone();
    assert_eq!(title_run, "Executive summary");
    assert!(text(&parts, &slides[1])
        .contains("<a:r><a:rPr lang=\"en\" dirty=\"0\"/><a:t>Executive summary</a:t>"));
    // Its slide size.
    let size = &elements(&text(&parts, "ppt/presentation.xml"), "sldSz")[0];
    let tsize = &elements(&text(&tpl, "ppt/presentation.xml"), "sldSz")[0];
    assert_eq!(size, tsize);
    // The charts and tables wear the template's colours, not the pack's.
    let themed = unzip(&render_pptx(&small_doc(), Some(TEMPLATE)).unwrap());
    let chart = text(&themed, "ppt/charts/chart1.xml");
    let series: Vec<&str> = chart.split("<c:ser>").skip(1).collect();
    assert_eq!(
        series.len(),
        4,
        "Voice, its average, the target, the markers"
    );
    // Voice in the theme's first accent, its average in a lighter tint of the same accent.
    assert!(series[0]
        .contains("<a:solidFill><a:schemeClr val=\"accent1\"></a:schemeClr></a:solidFill>"));
    assert!(series[1].contains("<a:schemeClr val=\"accent1\"><a:lumMod val=\"60000\"/><a:lumOff val=\"40000\"/></a:schemeClr>"));
    assert!(
        !chart.contains("0072B2"),
        "no pack blue left in a themed chart"
    );
    // The target keeps its fixed dark grey: it means the same in every deck.
    assert!(series[2].contains("<a:srgbClr val=\"333333\"/>"));
    // The table's header on the theme's light background under its first accent.
    let slide = text(&themed, "ppt/slides/slide1.xml");
    assert!(slide.contains("<a:lnB w=\"12700\"><a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill></a:lnB><a:solidFill><a:schemeClr val=\"bg2\"/></a:solidFill>"));
    assert!(!slide.contains("F3F5F8"));
    // Without a template the same deck keeps the pack's own colours.
    let own = unzip(&render_pptx(&small_doc(), None).unwrap());
    assert!(!text(&own, "ppt/charts/chart1.xml").contains("schemeClr val=\"accent"));
    assert!(text(&own, "ppt/slides/slide1.xml").contains("F3F5F8"));
    // Not a template: refused with the reason.
    let err = render_pptx(&doc, Some(b"not a zip"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a PowerPoint file"), "{err}");
}
