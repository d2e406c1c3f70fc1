//! Zendesk Support tickets (docs/vendor-formats-research.md, 3a–3d): the ticket list and the
//! incremental ticket export (`GET /api/v2/incremental/tickets.json`, time- or cursor-based),
//! with or without ticket metrics side-loaded (`include=metric_sets`). This module unwraps the
//! response into its tickets and gives each ticket its metric set, so the
//! `zendesk_support_tickets` preset maps one row per ticket.
//!
//! Readings, each from the vendor's model:
//! - the contact is the ticket (`id`), started at `created_at` (UTC); a ticket exported again
//!   (the incremental export returns it each time it changes) takes its latest `updated_at`;
//! - the channel is email, whatever web form, API or mobile SDK created it (`via.channel`),
//!   except tickets that came in by voice, chat or messaging;
//! - handled means `status` solved or closed; new, open, pending and hold tickets are offered
//!   but not handled; deleted tickets (the incremental export returns them) count in nothing;
//!   a ticket cannot be abandoned, so abandonment has no value;
//! - the wait is the first reply time, `metric_set.reply_time_in_minutes`, in calendar minutes
//!   (the business-hours figure is in the file too, for a user who maps it instead);
//! - CSAT is `satisfaction_rating.score`: good is satisfied, bad is not; offered and unoffered
//!   are no response.

use serde_json::{Map, Value};

/// The tickets of a JSON value: a list or incremental export response (`{"tickets": [...]}`,
/// with `metric_sets` side-loaded or not), a single ticket response (`{"ticket": {...}}`), or
/// one ticket object. Side-loaded metric sets are joined to their tickets by `ticket_id`.
pub(crate) fn tickets(value: Value) -> Result<Vec<Value>, Value> {
    let Value::Object(mut map) = value else {
        return Err(value);
    };
    if let Some(Value::Object(_)) = map.get("ticket") {
        if let Some(Value::Object(t)) = map.remove("ticket") {
            let t = Value::Object(t);
            if is_ticket(&t) {
                return Ok(vec![t]);
            }
            map.insert("ticket".into(), t);
        }
        return Err(Value::Object(map));
    }
    match map.get("tickets") {
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(is_ticket) => {}
        _ => {
            let v = Value::Object(map);
            return match is_ticket(&v) {
                true => Ok(vec![v]),
                false => Err(v),
            };
        }
    }
    let Some(Value::Array(mut items)) = map.remove("tickets") else {
        unreachable!("checked above")
    };
    if let Some(Value::Array(sets)) = map.remove("metric_sets") {
        let by_ticket: std::collections::HashMap<String, Value> = sets
            .into_iter()
            .filter_map(|s| Some((s.get("ticket_id")?.to_string(), s)))
            .collect();
        for t in &mut items {
            let Some(obj) = t.as_object_mut() else {
                continue;
            };
            let id = obj.get("id").map(Value::to_string).unwrap_or_default();
            if !obj.contains_key("metric_set") {
                if let Some(set) = by_ticket.get(&id) {
                    obj.insert("metric_set".into(), set.clone());
                }
            }
        }
    }
    Ok(items)
}

/// A Zendesk Support ticket: an `id`, a `via` object, a `status` and a `created_at`.
pub(crate) fn is_ticket(v: &Value) -> bool {
    v.get("id").is_some_and(Value::is_number)
        && v.get("via").is_some_and(Value::is_object)
        && v.get("status").is_some_and(Value::is_string)
        && v.get("created_at").is_some_and(Value::is_string)
}

/// The channel of a ticket from `via.channel`: email unless it came in by voice, chat or
/// messaging (a web form, the API, a mobile SDK or a rule writes like an email).
fn channel(via: &str) -> &'static str {
    match via {
        "voice" | "phone_call_inbound" | "phone_call_outbound" | "voicemail" => "voice",
        "chat" | "chat_transcript" => "chat",
        "native_messaging"
        | "sunshine_conversations_api"
        | "whatsapp"
        | "sms"
        | "twitter"
        | "twitter_dm"
        | "twitter_favorite"
        | "facebook"
        | "facebook_post"
        | "facebook_message"
        | "instagram_dm"
        | "line"
        | "wechat"
        | "any_channel" => "messaging",
        _ => "email",
    }
}

/// The flat row of one ticket: every field flattened to dotted keys, plus `zendesk.channel`.
pub(crate) fn flatten(ticket: &Value, out: &mut Vec<(String, String)>) {
    if let Value::Object(map) = ticket {
        flatten_object("", map, out);
    }
    let via = ticket
        .get("via")
        .and_then(|v| v.get("channel"))
        .and_then(Value::as_str)
        .unwrap_or("");
    out.push(("zendesk.channel".into(), channel(via).into()));
}

fn flatten_object(prefix: &str, map: &Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (k, v) in map {
        let key = match prefix.is_empty() {
            true => k.clone(),
            false => format!("{prefix}.{k}"),
        };
        match v {
            Value::Object(inner) => flatten_object(&key, inner, out),
            Value::Null => out.push((key, String::new())),
            Value::String(s) => out.push((key, s.clone())),
            Value::Bool(b) => out.push((key, b.to_string())),
            Value::Number(n) => out.push((key, n.to_string())),
            Value::Array(_) => out.push((key, v.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ticket(id: u64) -> Value {
        json!({"id": id, "via": {"channel": "web"}, "status": "open",
               "created_at": "2019-02-20T06:51:50Z"})
    }

    #[test]
    fn side_loaded_metric_sets_join_their_tickets_by_id() {
        let v = json!({
            "tickets": [ticket(2), ticket(3)],
            "metric_sets": [
                {"ticket_id": 3, "reply_time_in_minutes": {"calendar": 7, "business": 1}},
                {"ticket_id": 2, "reply_time_in_minutes": {"calendar": 5, "business": 0}}
            ]
        });
        let list = tickets(v).unwrap();
        let reply = |t: &Value| t["metric_set"]["reply_time_in_minutes"]["calendar"].clone();
        assert_eq!((reply(&list[0]), reply(&list[1])), (json!(5), json!(7)));
    }

    #[test]
    fn a_single_ticket_and_a_bare_ticket_are_tickets_and_other_objects_are_not() {
        assert_eq!(tickets(json!({"ticket": ticket(9)})).unwrap().len(), 1);
        assert_eq!(tickets(ticket(9)).unwrap().len(), 1);
        assert!(tickets(json!({"tickets": [{"id": 1}]})).is_err());
        assert!(tickets(json!({"conversations": []})).is_err());
    }

    #[test]
    fn the_channel_is_email_unless_the_ticket_came_by_voice_chat_or_messaging() {
        for (via, want) in [
            ("web", "email"),
            ("api", "email"),
            ("email", "email"),
            ("sample_ticket", "email"),
            ("voice", "voice"),
            ("chat", "chat"),
            ("native_messaging", "messaging"),
        ] {
            assert_eq!(channel(via), want, "{via}");
        }
    }
}
