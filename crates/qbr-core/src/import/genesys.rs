//! Genesys Cloud analytics conversation details (docs/vendor-formats-research.md, 5a and 5b):
//! a conversation is a tree of participants (customer, ivr, acd, agent…), their sessions, and
//! each session's segments and metrics. This module turns one conversation into the flat row
//! of one contact that the `genesys_cloud_conversations` preset maps, so nested records import
//! like any export.
//!
//! Readings, each from the vendor's model (`t*` metrics are milliseconds):
//! - the contact is the conversation (`conversationId`), started at `conversationStart`;
//! - the queue wait is the `acd` participant's `tAcd`, or, where a record carries no metrics
//!   (the 2016 API returned none), the length of its `acd` segments (they are the same span);
//! - talk, hold and wrap are the agents' `tTalk`, `tHeld`, `tAcw`, else the length of their
//!   `interact`, `hold` and `wrapup` segments; handle time is `tHandle` where given;
//! - handled when an agent has an `interact` segment (or a `tTalk`/`tAnswered`), else abandoned
//!   when the conversation reached a queue (an `acd` participant), else neither;
//! - transferred when an agent segment ended in a transfer or `nTransferred` is above 0;
//! - the queue is the `acd` participant's name, else the first `queueId`; the agent is the last
//!   agent who interacted, by name, else by user id.
//!
//! Segment times with a one-digit day (`2021-04-2T15:30:51Z`, seen in real records) read as the
//! same instant padded.

use serde_json::Value;

use super::value::{parse_timestamp, TimeContext};

/// The conversations of a JSON value: the API's query response and the bulk job's results
/// (`{"conversations": [...], "cursor": …}`), or one conversation object. `None` when the value
/// holds none.
pub(crate) fn conversations(value: Value) -> Result<Vec<Value>, Value> {
    match value {
        Value::Object(mut map) => match map.remove("conversations") {
            Some(Value::Array(items)) if items.iter().all(is_conversation) => Ok(items),
            Some(other) => {
                map.insert("conversations".into(), other);
                Err(Value::Object(map))
            }
            None => {
                let v = Value::Object(map);
                match is_conversation(&v) {
                    true => Ok(vec![v]),
                    false => Err(v),
                }
            }
        },
        other => Err(other),
    }
}

/// A conversation record: a `conversationId` and a `participants` array.
pub(crate) fn is_conversation(v: &Value) -> bool {
    v.get("conversationId").is_some_and(Value::is_string)
        && v.get("participants").is_some_and(Value::is_array)
}

/// The flat row of one conversation, as (column, text) pairs.
pub(crate) fn flatten(conversation: &Value, out: &mut Vec<(String, String)>) {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let mut push = |k: &str, v: String| out.push((k.to_string(), v));
    push("conversationId", text(conversation.get("conversationId")));
    push(
        "conversationStart",
        text(conversation.get("conversationStart")),
    );
    push(
        "originatingDirection",
        text(conversation.get("originatingDirection")),
    );
    let participants: Vec<&Value> = conversation
        .get("participants")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let purpose = |p: &Value| text(p.get("purpose"));
    let sessions = |p: &Value| -> Vec<Value> {
        p.get("sessions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let media = participants
        .iter()
        .filter(|p| purpose(p) == "customer")
        .chain(participants.iter())
        .flat_map(|p| sessions(p))
        .find_map(|s| s.get("mediaType").and_then(Value::as_str).map(String::from))
        .unwrap_or_default();
    push("genesys.mediaType", media);

    let acd: Vec<&&Value> = participants
        .iter()
        .filter(|p| purpose(p) == "acd")
        .collect();
    let agents: Vec<&&Value> = participants
        .iter()
        .filter(|p| purpose(p) == "agent")
        .collect();
    let queue = acd
        .iter()
        .find_map(|p| p.get("participantName").and_then(Value::as_str))
        .map(String::from)
        .or_else(|| {
            acd.iter()
                .flat_map(|p| sessions(p))
                .flat_map(|s| segments(&s))
                .find_map(|g| g.get("queueId").and_then(Value::as_str).map(String::from))
        })
        .unwrap_or_default();
    push("genesys.queue", queue);

    // The queue wait: tAcd, else the acd segments' length.
    let wait = acd
        .iter()
        .flat_map(|p| sessions(p))
        .map(|s| metric(&s, "tAcd").unwrap_or_else(|| span(&s, &[])))
        .fold(None, |acc, v| add(acc, Some(v)));
    push("genesys.wait", ms_text(wait));

    let interacted = |p: &Value| {
        sessions(p).iter().any(|s| {
            segments(s)
                .iter()
                .any(|g| g.get("segmentType").and_then(Value::as_str) == Some("interact"))
                || metric(s, "tTalk").is_some()
                || metric(s, "tAnswered").is_some()
        })
    };
    let handling: Vec<&&&Value> = agents.iter().filter(|p| interacted(p)).collect();
    let agent = handling
        .last()
        .map(|p| {
            let name = text(p.get("participantName"));
            match name.is_empty() {
                true => text(p.get("userId")),
                false => name,
            }
        })
        .unwrap_or_default();
    push("genesys.agent", agent);
    let sum = |metric_name: &str, segment: &str| {
        handling
            .iter()
            .flat_map(|p| sessions(p))
            .map(|s| match has_metrics(&s) {
                true => metric(&s, metric_name),
                false => Some(span(&s, &[segment])).filter(|v| *v > 0.0),
            })
            .fold(None, add)
    };
    push("genesys.talk", ms_text(sum("tTalk", "interact")));
    push("genesys.hold", ms_text(sum("tHeld", "hold")));
    push("genesys.acw", ms_text(sum("tAcw", "wrapup")));
    let handle = handling
        .iter()
        .flat_map(|p| sessions(p))
        .filter_map(|s| metric(&s, "tHandle"))
        .fold(None, |acc, v| add(acc, Some(v)));
    push("genesys.handle", ms_text(handle));

    let outcome = if !handling.is_empty() {
        "handled"
    } else if !acd.is_empty() {
        "abandoned"
    } else {
        "other"
    };
    push("genesys.outcome", outcome.into());
    let transferred = agents.iter().flat_map(|p| sessions(p)).any(|s| {
        metric(&s, "nTransferred").is_some_and(|n| n > 0.0)
            || segments(&s).iter().any(|g| {
                g.get("disconnectType")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.to_ascii_lowercase().contains("transfer"))
            })
    });
    push(
        "genesys.transferred",
        if transferred { "yes" } else { "no" }.into(),
    );
    let customer = participants
        .iter()
        .filter(|p| purpose(p) == "customer")
        .flat_map(|p| sessions(p))
        .find_map(|s| s.get("ani").and_then(Value::as_str).map(String::from))
        .unwrap_or_default();
    push("genesys.customer", customer);
}

fn segments(session: &Value) -> Vec<Value> {
    session
        .get("segments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn has_metrics(session: &Value) -> bool {
    session
        .get("metrics")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty())
}

/// The sum of a session's metrics of that name (milliseconds or a count).
fn metric(session: &Value, name: &str) -> Option<f64> {
    session
        .get("metrics")?
        .as_array()?
        .iter()
        .filter(|m| m.get("name").and_then(Value::as_str) == Some(name))
        .filter_map(|m| m.get("value").and_then(Value::as_f64))
        .fold(None, |acc, v| add(acc, Some(v)))
}

/// Milliseconds covered by a session's segments of the given types (all when empty); a segment
/// without an end (still open) or with times that do not read adds nothing.
fn span(session: &Value, types: &[&str]) -> f64 {
    let utc = TimeContext {
        zone: chrono_tz::Tz::UTC,
        order: None,
    };
    let at = |g: &Value, k: &str| {
        g.get(k)
            .and_then(Value::as_str)
            .and_then(|t| parse_timestamp(t, &utc).ok().flatten())
    };
    segments(session)
        .iter()
        .filter(|g| {
            types.is_empty()
                || g.get("segmentType")
                    .and_then(Value::as_str)
                    .is_some_and(|t| types.contains(&t))
        })
        .filter_map(|g| Some((at(g, "segmentEnd")? - at(g, "segmentStart")?).num_milliseconds()))
        .filter(|ms| *ms >= 0)
        .map(|ms| ms as f64)
        .sum()
}

fn add(acc: Option<f64>, v: Option<f64>) -> Option<f64> {
    match (acc, v) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

fn ms_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}
