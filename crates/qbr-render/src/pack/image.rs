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

pub(crate) fn dimensions(img: &Image) -> Result<(u32, u32), RenderError> {
    let p = decode(img)?;
    Ok((p.width as u32, p.height as u32))
}

pub(crate) fn decode(img: &Image) -> Result<Pixels, RenderError> {
    match img.format {
        ImageFormat::Png => {
            let mut decoder = png::Decoder::new(std::io::Cursor::new(&img.bytes));
            decoder
                .set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
            let mut reader = decoder.read_info().map_err(bad)?;
            let mut buf = vec![
                0;
                reader
                    .output_buffer_size()
                    .ok_or_else(|| bad("too large"))?
            ];
            let info = reader.next_frame(&mut buf).map_err(bad)?;
            let (w, h) = (info.width as usize, info.height as usize);
            let channels = info.color_type.samples();
            let mut rgb = Vec::with_capacity(w * h * 3);
            for px in buf[..info.buffer_size()].chunks(channels) {
                let (r, g, b, a) = match channels {
                    1 => (px[0], px[0], px[0], 255),
                    2 => (px[0], px[0], px[0], px[1]),
                    3 => (px[0], px[1], px[2], 255),
                    _ => (px[0], px[1], px[2], px[3]),
                };
                let over = |v: u8| ((v as u32 * a as u32 + 255 * (255 - a as u32)) / 255) as u8;
                rgb.extend_from_slice(&[over(r), over(g), over(b)]);
            }
            Ok(Pixels {
                width: w,
                height: h,
                rgb,
            })
        }
        ImageFormat::Jpeg => {
            let options = zune_jpeg::zune_core::options::DecoderOptions::default()
                .jpeg_set_out_colorspace(zune_jpeg::zune_core::colorspace::ColorSpace::RGB);
            let mut decoder = zune_jpeg::JpegDecoder::new_with_options(&img.bytes, options);
            let rgb = decoder.decode().map_err(bad)?;
            let (w, h) = decoder.dimensions().ok_or_else(|| bad("no size"))?;
            Ok(Pixels {
                width: w,
                height: h,
                rgb,
            })
        }
    }
}

/// `data:image/...;base64,...` for the SVG preview.
pub(crate) fn data_uri(img: &Image) -> String {
    let mime = match img.format {
        ImageFormat::Png => "image/png",
        ImageFormat::Jpeg => "image/jpeg",
    };
    format!("data:{mime};base64,{}", base64(&img.bytes))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}
