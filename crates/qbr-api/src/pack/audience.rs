//! What a client pack may not show. Internal causes, evidence, authors and action notes are left
//! out where the content is built ([`super::content`]); agent names are replaced here, after the
//! document is built, in every string it holds (table cells, chart labels, cause and action
//! text), so no path that adds text can forget to.

use qbr_render::pack::Document;
use serde_json::Value;

use crate::wire::{ErrorCode, ErrorView};
use crate::ApiResult;

/// `doc` with each agent name of `names` (name, pseudonym) replaced by its pseudonym wherever it
/// appears. Longer names are replaced first, so "Ann Lee-Smith" is never half-replaced by "Ann Lee".
pub(crate) fn pseudonymise(doc: &Document, names: &[(String, String)]) -> ApiResult<Document> {
    let mut sorted: Vec<&(String, String)> =
        names.iter().filter(|(n, _)| !n.trim().is_empty()).collect();
    sorted.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    let err = |e: serde_json::Error| ErrorView {
        code: ErrorCode::Internal,
        message: format!("cannot pseudonymise the pack: {e}"),
    };
    let mut value = serde_json::to_value(doc).map_err(err)?;
    walk(&mut value, &sorted);
    serde_json::from_value(value).map_err(err)
}

fn walk(v: &mut Value, names: &[&(String, String)]) {
    match v {
        Value::String(s) if names.iter().any(|(n, _)| s.contains(n.as_str())) => {
            let mut out = s.clone();
            for (name, pseudonym) in names {
                out = out.replace(name.as_str(), pseudonym);
            }
            *s = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|i| walk(i, names)),
        Value::Object(map) => map.values_mut().for_each(|i| walk(i, names)),
        _ => {}
    }
}
