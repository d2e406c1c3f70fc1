//! The deck's own slide master, layouts, theme and notes master, used when no template is given
//! (and the notes master always): Lato for titles and text, the workspace's accent as the theme's
//! first accent and the title colour, and the chart series colours as the other accents, so a
//! chart restyled in PowerPoint keeps the pack's palette.

use super::xml::{esc, hex, pml_ns, DECL, NS_A};
use crate::pack::Rgb;

/// Slide size: 13.333 × 7.5 in, PowerPoint's 16:9.
pub(crate) const SLIDE_CX: i64 = 12_192_000;
pub(crate) const SLIDE_CY: i64 = 6_858_000;

/// The built-in title placeholder: x, y, cx, cy in EMU (the logo sits at its right).
pub(crate) const TITLE_BOX: (i64, i64, i64, i64) = (457_200, 228_600, 10_149_840, 731_520);
/// Where the built-in master leaves room for the logo: x, y, cx, cy.
pub(crate) const LOGO_BOX: (i64, i64, i64, i64) = (10_789_920, 274_320, 944_880, 548_640);

fn scheme_colour(name: &str, rgb: &str) -> String {
    format!("<a:{name}><a:srgbClr val=\"{rgb}\"/></a:{name}>")
}

/// A theme with the accent first and the chart palette after it.
pub(crate) fn theme(name: &str, accent: Rgb) -> String {
    let mut s = format!(
        "{DECL}<a:theme xmlns:a=\"{NS_A}\" name=\"{}\"><a:themeElements>",
        esc(name)
    );
    s.push_str("<a:clrScheme name=\"QBR Desk\">");
    s.push_str(&scheme_colour("dk1", "222222"));
    s.push_str(&scheme_colour("lt1", "FFFFFF"));
    s.push_str(&scheme_colour("dk2", "44546A"));
    s.push_str(&scheme_colour("lt2", "F3F5F8"));
    s.push_str(&scheme_colour("accent1", &hex(accent)));
    for (i, c) in ["0072B2", "D55E00", "009E73", "CC79A7", "E69F00"]
        .iter()
        .enumerate()
    {
        s.push_str(&scheme_colour(&format!("accent{}", i + 2), c));
    }
    s.push_str(&scheme_colour("hlink", "0072B2"));
    s.push_str(&scheme_colour("folHlink", "CC79A7"));
    s.push_str("</a:clrScheme>");
    s.push_str(
        "<a:fontScheme name=\"QBR Desk\">\
<a:majorFont><a:latin typeface=\"Lato\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont>\
<a:minorFont><a:latin typeface=\"Lato\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:minorFont>\
</a:fontScheme>",
    );
    s.push_str("<a:fmtScheme name=\"QBR Desk\"><a:fillStyleLst>");
    for _ in 0..3 {
        s.push_str("<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>");
    }
    s.push_str("</a:fillStyleLst><a:lnStyleLst>");
    for w in [6350, 12700, 19050] {
        s.push_str(&format!(
            "<a:ln w=\"{w}\" cap=\"flat\" cmpd=\"sng\" algn=\"ctr\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:prstDash val=\"solid\"/><a:miter lim=\"800000\"/></a:ln>"
        ));
    }
    s.push_str("</a:lnStyleLst><a:effectStyleLst>");
    for _ in 0..3 {
        s.push_str("<a:effectStyle><a:effectLst/></a:effectStyle>");
    }
    s.push_str("</a:effectStyleLst><a:bgFillStyleLst>");
    for _ in 0..3 {
        s.push_str("<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>");
    }
    s.push_str("</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>");
    s
}

fn xfrm(b: (i64, i64, i64, i64)) -> String {
    format!(
        "<a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm>",
        b.0, b.1, b.2, b.3
    )
}

const GROUP: &str = "<p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>";

/// The group-shape header every shape tree starts with.
pub(crate) fn tree_start() -> &'static str {
    GROUP
}

/// A placeholder shape on a master or layout, with its box and optional body properties.
fn placeholder(id: u32, name: &str, ph: &str, b: (i64, i64, i64, i64), anchor: &str) -> String {
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr vert=\"horz\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"{anchor}\"><a:normAutofit/></a:bodyPr><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp>",
        xfrm(b)
    )
}

fn level_style(tag: &str, size: u32, bold: bool, colour: &str, bullet: bool, lvl: u32) -> String {
    let indent = if bullet {
        format!(" marL=\"{}\" indent=\"-228600\"", 228_600 * (lvl + 1))
    } else {
        " marL=\"0\" indent=\"0\"".to_string()
    };
    let bu = if bullet {
        "<a:buFont typeface=\"Arial\"/><a:buChar char=\"&#8226;\"/>"
    } else {
        "<a:buNone/>"
    };
    format!(
        "<a:{tag}{indent} algn=\"l\" rtl=\"0\"><a:spcBef><a:spcPts val=\"{}\"/></a:spcBef>{bu}<a:defRPr sz=\"{size}\" b=\"{}\" kern=\"1200\"><a:solidFill>{colour}</a:solidFill><a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:{tag}>",
        if bullet { 600 } else { 0 },
        if bold { 1 } else { 0 }
    )
}

/// The slide master: title at the top left (the logo's box at its right), a body below.
pub(crate) fn master(layouts: usize) -> String {
    let mut s = format!("{DECL}<p:sldMaster {}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree>{GROUP}", pml_ns());
    s.push_str(&placeholder(
        2,
        "Title Placeholder 1",
        "<p:ph type=\"title\"/>",
        TITLE_BOX,
        "b",
    ));
    s.push_str(&placeholder(
        3,
        "Text Placeholder 2",
        "<p:ph type=\"body\" idx=\"1\"/>",
        (457_200, 1_280_160, 11_277_600, 5_120_640),
        "t",
    ));
    s.push_str("</p:spTree></p:cSld>");
    s.push_str("<p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/>");
    s.push_str("<p:sldLayoutIdLst>");
    for i in 0..layouts {
        s.push_str(&format!(
            "<p:sldLayoutId id=\"{}\" r:id=\"rId{}\"/>",
            2_147_483_649u64 + i as u64,
            i + 1
        ));
    }
    s.push_str("</p:sldLayoutIdLst><p:txStyles><p:titleStyle>");
    s.push_str(&level_style(
        "lvl1pPr",
        2000,
        true,
        "<a:schemeClr val=\"accent1\"/>",
        false,
        0,
    ));
    s.push_str("</p:titleStyle><p:bodyStyle>");
    s.push_str(&level_style(
        "lvl1pPr",
        1600,
        false,
        "<a:schemeClr val=\"tx1\"/>",
        true,
        0,
    ));
    s.push_str(&level_style(
        "lvl2pPr",
        1400,
        false,
        "<a:schemeClr val=\"tx1\"/>",
        true,
        1,
    ));
    s.push_str("</p:bodyStyle><p:otherStyle>");
    s.push_str(&level_style(
        "lvl1pPr",
        1200,
        false,
        "<a:schemeClr val=\"tx1\"/>",
        false,
        0,
    ));
    s.push_str("</p:otherStyle></p:txStyles></p:sldMaster>");
    s
}

/// The built-in layouts, by type: (type, name).
pub(crate) const LAYOUTS: [(&str, &str); 4] = [
    ("title", "Title Slide"),
    ("obj", "Title and Content"),
    ("titleOnly", "Title Only"),
    ("blank", "Blank"),
];

/// Layout `i` of [`LAYOUTS`].
pub(crate) fn layout(i: usize) -> String {
    let (kind, name) = LAYOUTS[i];
    let mut s = format!(
        "{DECL}<p:sldLayout {} type=\"{kind}\" preserve=\"1\"><p:cSld name=\"{name}\"><p:spTree>{GROUP}",
        pml_ns()
    );
    match kind {
        "title" => {
            s.push_str(&placeholder(
                2,
                "Title 1",
                "<p:ph type=\"ctrTitle\"/>",
                (914_400, 1_828_800, 10_363_200, 1_645_920),
                "b",
            ));
            s.push_str(&placeholder(
                3,
                "Subtitle 2",
                "<p:ph type=\"subTitle\" idx=\"1\"/>",
                (914_400, 3_657_600, 10_363_200, 1_737_360),
                "t",
            ));
        }
        "obj" => {
            s.push_str(&placeholder(
                2,
                "Title 1",
                "<p:ph type=\"title\"/>",
                TITLE_BOX,
                "b",
            ));
            s.push_str(&placeholder(
                3,
                "Content Placeholder 2",
                "<p:ph idx=\"1\"/>",
                (457_200, 1_280_160, 11_277_600, 5_120_640),
                "t",
            ));
        }
        "titleOnly" => {
            s.push_str(&placeholder(
                2,
                "Title 1",
                "<p:ph type=\"title\"/>",
                TITLE_BOX,
                "b",
            ));
        }
        _ => {}
    }
    s.push_str(
        "</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>",
    );
    s
}

/// The notes master: a slide image above the notes text, on a portrait page.
pub(crate) fn notes_master() -> String {
    let mut s = format!(
        "{DECL}<p:notesMaster {}><p:cSld><p:spTree>{GROUP}",
        pml_ns()
    );
    s.push_str("<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\" idx=\"2\"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"381000\" y=\"685800\"/><a:ext cx=\"6096000\" cy=\"3429000\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr></p:sp>");
    s.push_str(&placeholder(
        3,
        "Notes Placeholder 2",
        "<p:ph type=\"body\" sz=\"quarter\" idx=\"3\"/>",
        (685_800, 4_343_400, 5_486_400, 4_114_800),
        "t",
    ));
    s.push_str("</p:spTree></p:cSld>");
    s.push_str("<p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/>");
    s.push_str("<p:notesStyle>");
    s.push_str(&level_style(
        "lvl1pPr",
        1200,
        false,
        "<a:schemeClr val=\"tx1\"/>",
        false,
        0,
    ));
    s.push_str("</p:notesStyle></p:notesMaster>");
    s
}
