//! Writes a realistic sample QBR pack and its preview SVGs:
//! `cargo run -p qbr-render --example sample_pack -- /tmp/sample_pack.pdf [letter] [portrait]`
//! then look at it with `pdftoppm -png -r 60 /tmp/sample_pack.pdf /tmp/sample_pack`.

#[path = "../tests/fixtures/sample_pack.rs"]
mod sample_pack;

use qbr_render::pack::{render_pdf, render_preview_svgs, Orientation, Paper};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .cloned()
        .unwrap_or_else(|| "/tmp/sample_pack.pdf".into());
    let mut doc = sample_pack::document(5);
    if args.iter().any(|a| a == "letter") {
        doc.paper = Paper::Letter;
    }
    if args.iter().any(|a| a == "portrait") {
        doc.orientation = Orientation::Portrait;
    }
    if let Some(logo) = std::env::var_os("LOGO") {
        let bytes = std::fs::read(&logo).expect("read the logo");
        let format = if bytes.starts_with(b"\x89PNG") {
            qbr_render::pack::ImageFormat::Png
        } else {
            qbr_render::pack::ImageFormat::Jpeg
        };
        doc.brand.logo = Some(qbr_render::pack::Image { bytes, format });
    }
    let pdf = render_pdf(&doc).expect("render the pack");
    std::fs::write(&out, &pdf).expect("write the PDF");
    let svgs = render_preview_svgs(&doc).expect("render the preview");
    for (i, svg) in svgs.iter().enumerate() {
        std::fs::write(format!("{out}.page{}.svg", i + 1), svg).expect("write an SVG");
    }
    println!("{out}: {} bytes, {} pages", pdf.len(), svgs.len());
}
