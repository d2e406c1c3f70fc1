//! The brand logo: its pixel size, its pixels for the PDF, and a data URI for the preview.

use super::model::{Image, ImageFormat};
use super::RenderError;

pub(crate) struct Pixels {
    pub width: usize,
    pub height: usize,
    /// RGB, 8 bits per channel (alpha composited over white).
    pub rgb: Vec<u8>,
}

fn bad(e: impl std::fmt::Display) -> RenderError {
    RenderError::Invalid(format!("the logo cannot be read: {e}"))
}

/// The most pixels a logo may have: 4 million (2000 × 2000, or 4000 × 1000). The cover prints a
/// logo at most 52 mm wide, for which 1,000 pixels are plenty; a decoded logo of this size takes
/// 16 MB. An image whose header claims far more (a "decompression bomb": a few kilobytes that
/// inflate to gigabytes) is refused from its header, before a pixel is decoded.
pub const MAX_LOGO_PIXELS: u64 = 4_000_000;
/// The most pixels a logo may have on one side.
pub const MAX_LOGO_SIDE: u32 = 8_000;

/// A logo's width and height in pixels, read from its header (PNG's IHDR chunk, JPEG's
/// start-of-frame segment) without decoding it, and checked against [`MAX_LOGO_PIXELS`] and
/// [`MAX_LOGO_SIDE`]. Every logo is checked here before it is decoded or laid out, wherever it
/// comes from (a file chosen now, a template or a snapshot stored in a workspace).
pub fn logo_size(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), RenderError> {
    let (w, h) = match format {
        ImageFormat::Png => png_size(bytes)?,
        ImageFormat::Jpeg => jpeg_size(bytes)?,
    };
    if w == 0 || h == 0 {
        return Err(bad(format!("its header gives a size of {w} × {h} pixels")));
    }
    if w > MAX_LOGO_SIDE || h > MAX_LOGO_SIDE || w as u64 * h as u64 > MAX_LOGO_PIXELS {
        return Err(RenderError::Invalid(format!(
            "the logo is {w} × {h} pixels, more than a logo may have (at most {MAX_LOGO_SIDE} on a side and {} million in all; the cover prints it at most 52 mm wide, for which 1000 pixels are plenty): scale it down and choose it again",
            MAX_LOGO_PIXELS / 1_000_000
        )));
    }
    Ok((w, h))
}

/// Width and height from a PNG's IHDR chunk, which the format requires to come first.
fn png_size(b: &[u8]) -> Result<(u32, u32), RenderError> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if b.len() < 24 || !b.starts_with(SIGNATURE) || &b[12..16] != b"IHDR" {
        return Err(bad("it is not a PNG image (no IHDR chunk at its start)"));
    }
    let be32 = |at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    Ok((be32(16), be32(20)))
}

/// Width and height from a JPEG's first start-of-frame segment (SOF0–SOF15 but DHT, JPG and
/// DAC), walking the segments from the start of the image.
fn jpeg_size(b: &[u8]) -> Result<(u32, u32), RenderError> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(bad("it is not a JPEG image"));
    }
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may pad before a marker.
        while b.get(at) == Some(&0xFF) && b.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(at), b.get(at + 1)) else {
            return Err(bad("its header ends before its size is given"));
        };
        at += 2;
        match marker {
            // Markers without a length: TEM, RST0–7.
            0x01 | 0xD0..=0xD7 => continue,
            // Start of scan or end of image before any frame header.
            0xDA | 0xD9 => return Err(bad("its header gives no size")),
            _ => {}
        }
        let len = match (b.get(at), b.get(at + 1)) {
            (Some(&hi), Some(&lo)) => u16::from_be_bytes([hi, lo]) as usize,
            _ => return Err(bad("its header ends before its size is given")),
        };
        if len < 2 {
            return Err(bad("its header is damaged"));
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            // Length (2), precision (1), height (2), width (2).
            let field = |i: usize| b.get(at + i).copied();
            return match (field(3), field(4), field(5), field(6)) {
                (Some(h1), Some(h0), Some(w1), Some(w0)) => Ok((
                    u16::from_be_bytes([w1, w0]) as u32,
                    u16::from_be_bytes([h1, h0]) as u32,
                )),
                _ => Err(bad("its header ends before its size is given")),
            };
        }
        at += len;
    }
}

pub(crate) fn dimensions(img: &Image) -> Result<(u32, u32), RenderError> {
    logo_size(&img.bytes, img.format)
}

pub(crate) fn decode(img: &Image) -> Result<Pixels, RenderError> {
    let (width, height) = logo_size(&img.bytes, img.format)?;
    // What decoding may allocate: the checked size at 4 bytes a pixel, and some room for the
    // decoder's own rows. A file whose data disagree with its header fails here, not later.
    let budget = width as usize * height as usize * 4 + (1 << 20);
    let rgb = match img.format {
        ImageFormat::Png => {
            let mut decoder = png::Decoder::new_with_limits(
                std::io::Cursor::new(&img.bytes),
                png::Limits { bytes: budget },
            );
            decoder
                .set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
            let mut reader = decoder.read_info().map_err(bad)?;
            let info = reader.info();
            if (info.width, info.height) != (width, height) {
                return Err(bad("its header is damaged"));
            }
            // The frame (interlaced or not) in the decoder's layout, then RGB over white.
            let size = reader
                .output_buffer_size()
                .filter(|&n| n <= budget)
                .ok_or_else(|| bad("its pixels do not fit its size"))?;
            let mut buf = vec![0; size];
            let frame = reader.next_frame(&mut buf).map_err(bad)?;
            let channels = frame.color_type.samples();
            let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
            for px in buf[..frame.buffer_size()].chunks_exact(channels) {
                let (r, g, b, a) = match channels {
                    1 => (px[0], px[0], px[0], 255),
                    2 => (px[0], px[0], px[0], px[1]),
                    3 => (px[0], px[1], px[2], 255),
                    _ => (px[0], px[1], px[2], px[3]),
                };
                let over = |v: u8| ((v as u32 * a as u32 + 255 * (255 - a as u32)) / 255) as u8;
                rgb.extend_from_slice(&[over(r), over(g), over(b)]);
            }
            rgb
        }
        ImageFormat::Jpeg => {
            let options = zune_jpeg::zune_core::options::DecoderOptions::default()
                .jpeg_set_out_colorspace(zune_jpeg::zune_core::colorspace::ColorSpace::RGB)
                .set_max_width(width as usize)
                .set_max_height(height as usize);
            let mut decoder = zune_jpeg::JpegDecoder::new_with_options(
                zune_jpeg::zune_core::bytestream::ZCursor::new(&img.bytes),
                options,
            );
            decoder.decode_headers().map_err(bad)?;
            if decoder.dimensions() != Some((width as usize, height as usize)) {
                return Err(bad("its header is damaged"));
            }
            decoder.decode().map_err(bad)?
        }
    };
    if rgb.len() != width as usize * height as usize * 3 {
        return Err(bad("its pixels do not match its size"));
    }
    Ok(Pixels {
        width: width as usize,
        height: height as usize,
        rgb,
    })
}

/// `data:image/...;base64,...` for the SVG preview.
pub(crate) fn data_uri(img: &Image) -> String {
    let mime = match img.format {
        ImageFormat::Png => "image/png",
        ImageFormat::Jpeg => "image/jpeg",
    };
    format!("data:{mime};base64,{}", base64(&img.bytes))
}

/// Standard base64 with padding (RFC 4648), as data URIs take it.
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
