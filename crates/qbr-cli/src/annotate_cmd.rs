//! The annotation commands — `cause` and `action` — as thin adapters over `qbr_api::annotate`:
//! each turns its arguments into one call and prints text or `--json`. Values are passed on as
//! typed; the API parses and refuses them, so the app and the CLI accept the same input.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use qbr_api::annotate as api;
use qbr_api::{
    ActionDetailView, ActionInput, ActionPatchInput, ActionQuery, ActionView, CauseDetailView,
    CauseFieldsView, CauseInput, CausePatchInput, CauseQuery, CauseView, EffectView,
    EffectWindowView, ErrorView,
};

use crate::format::{self, Align};
use crate::{print_json, print_text};

/// `qbr cause WORKSPACE …`: root causes.
#[derive(Args)]
pub struct CauseArgs {
    /// The workspace file.
    workspace: PathBuf,
    #[command(subcommand)]
    action: CauseAction,
}

#[derive(Args)]
struct CauseFields {
    /// A metric the cause explains, e.g. service_level (repeatable).
    #[arg(long = "metric", value_name = "ID")]
    metrics: Vec<String>,
    /// Where it applies, e.g. program=Tech Support; `account` for the whole account.
    #[arg(long, value_name = "DIM=VALUE")]
    scope: Option<String>,
    /// First day of the period it explains, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day of the period, inclusive.
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// people, process, technology, demand, customer, external or other.
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    evidence: Option<String>,
    #[arg(long)]
    author: Option<String>,
    /// internal (the default) or client.
    #[arg(long)]
    visibility: Option<String>,
}

#[derive(Subcommand)]
enum CauseAction {
    /// Add a root cause.
    Add {
        #[command(flatten)]
        fields: CauseFields,
        #[arg(long)]
        json: bool,
    },
    /// List root causes.
    List {
        /// Only causes of this metric.
        #[arg(long, value_name = "ID")]
        metric: Option<String>,
        /// Only causes whose period overlaps this one (2026-Q3, 2026-08, FROM..TO, …).
        #[arg(long)]
        period: Option<String>,
        /// Only causes of this scope (DIM=VALUE, or `account`).
        #[arg(long, value_name = "DIM=VALUE")]
        scope: Option<String>,
        /// Only causes the client may see.
        #[arg(long)]
        client: bool,
        /// Include deleted causes.
        #[arg(long)]
        deleted: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show a cause, its edit history and the actions answering it.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Edit a cause; the previous state is kept in its history.
    Edit {
        id: i64,
        #[command(flatten)]
        fields: CauseFields,
        #[arg(long)]
        json: bool,
    },
    /// Delete a cause (it can be restored).
    Rm {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Restore a deleted cause.
    Restore {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

/// `qbr action WORKSPACE …`: improvement actions and their effect.
#[derive(Args)]
pub struct ActionArgs {
    /// The workspace file.
    workspace: PathBuf,
    #[command(subcommand)]
    action: ActionAction,
}

#[derive(Args)]
struct ActionFields {
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    /// YYYY-MM-DD; an empty value clears it.
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    /// YYYY-MM-DD; an empty value clears it.
    #[arg(long, value_name = "DATE")]
    due: Option<String>,
    /// planned, in_progress, done or cancelled.
    #[arg(long)]
    status: Option<String>,
    /// When it was done (today when --status done is given without it).
    #[arg(long, value_name = "DATE")]
    completed_on: Option<String>,
    /// A root cause it answers (repeatable; replaces the list on update).
    #[arg(long = "cause", value_name = "ID")]
    causes: Vec<i64>,
    /// The metric it should move.
    #[arg(long, value_name = "ID")]
    metric: Option<String>,
    /// Where, e.g. program=Tech Support; `account` for the whole account.
    #[arg(long, value_name = "DIM=VALUE")]
    scope: Option<String>,
    /// Expected effect: reach this value (ratios as fractions, 0.82).
    #[arg(
        long,
        value_name = "V",
        allow_negative_numbers = true,
        conflicts_with = "expect_change"
    )]
    expect_target: Option<f64>,
    /// Expected effect: move by this much (e.g. -30 for AHT seconds).
    #[arg(long, value_name = "V", allow_negative_numbers = true)]
    expect_change: Option<f64>,
    /// What it costs, in the workspace currency.
    #[arg(long)]
    cost: Option<f64>,
}

impl ActionFields {
    fn expected(&self) -> (Option<String>, Option<f64>) {
        match (self.expect_target, self.expect_change) {
            (Some(v), _) => (Some("target".into()), Some(v)),
            (None, Some(v)) => (Some("change".into()), Some(v)),
            _ => (None, None),
        }
    }
}

#[derive(Subcommand)]
enum ActionAction {
    /// Add an action.
    Add {
        #[command(flatten)]
        fields: ActionFields,
        #[arg(long)]
        json: bool,
    },
    /// List actions.
    List {
        #[arg(long)]
        owner: Option<String>,
        /// planned, in_progress, done or cancelled.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, value_name = "ID")]
        metric: Option<String>,
        /// Only overdue actions.
        #[arg(long)]
        overdue: bool,
        /// Include deleted actions.
        #[arg(long)]
        deleted: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show an action, its notes and the causes it answers.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Change an action.
    Update {
        id: i64,
        #[command(flatten)]
        fields: ActionFields,
        #[arg(long)]
        json: bool,
    },
    /// Add a dated progress note.
    Note {
        id: i64,
        text: String,
        /// The note's date, YYYY-MM-DD; today when left out.
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete an action (it can be restored).
    Rm {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Restore a deleted action.
    Restore {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Did it work? The metric before the start and after the finish, the test and the verdict.
    Effect {
        id: i64,
        /// Length of each window in weeks (default 4).
        #[arg(long, value_name = "N")]
        weeks: Option<u32>,
        #[arg(long)]
        json: bool,
    },
}

pub fn cause(a: CauseArgs) -> Result<(), ErrorView> {
    let ws = &a.workspace;
    let now = crate::now();
    let today = now.date_naive();
    match a.action {
        CauseAction::Add { fields: f, json } => {
            let input = CauseInput {
                metrics: f.metrics,
                scope: f.scope,
                period_from: f.from.unwrap_or_default(),
                period_to: f.to.unwrap_or_default(),
                category: f.category.unwrap_or_else(|| "other".into()),
                title: f.title.unwrap_or_default(),
                description: f.description.unwrap_or_default(),
                evidence: f.evidence.unwrap_or_default(),
                author: f.author.unwrap_or_default(),
                visibility: f.visibility.unwrap_or_default(),
            };
            let c = api::add_cause(ws, &input, now)?;
            done(
                json,
                &c,
                format!("Added root cause {}: {}\n", c.id, c.fields.title),
            )
        }
        CauseAction::List {
            metric,
            period,
            scope,
            client,
            deleted,
            json,
        } => {
            let q = CauseQuery {
                metric,
                period,
                scope,
                client_visible_only: client,
                include_deleted: deleted,
            };
            let list = api::list_causes(ws, &q)?;
            if json {
                return print_json(&list);
            }
            print_text(&causes_table(&list))
        }
        CauseAction::Show { id, json } => {
            let d = api::cause_detail(ws, id, today)?;
            if json {
                return print_json(&d);
            }
            print_text(&cause_text(&d))
        }
        CauseAction::Edit {
            id,
            fields: f,
            json,
        } => {
            let patch = CausePatchInput {
                metrics: (!f.metrics.is_empty()).then_some(f.metrics),
                scope: f.scope,
                period_from: f.from,
                period_to: f.to,
                category: f.category,
                title: f.title,
                description: f.description,
                evidence: f.evidence,
                author: f.author,
                visibility: f.visibility,
            };
            let c = api::edit_cause(ws, id, &patch, now)?;
            done(
                json,
                &c,
                format!("Edited root cause {}: {}\n", c.id, c.fields.title),
            )
        }
        CauseAction::Rm { id, json } => {
            let c = api::remove_cause(ws, id, now)?;
            done(
                json,
                &c,
                format!(
                    "Deleted root cause {id}: {}; `qbr cause WORKSPACE restore {id}` brings it back\n",
                    c.fields.title
                ),
            )
        }
        CauseAction::Restore { id, json } => {
            let c = api::restore_cause(ws, id)?;
            done(
                json,
                &c,
                format!("Restored root cause {id}: {}\n", c.fields.title),
            )
        }
    }
}

pub fn action(a: ActionArgs) -> Result<(), ErrorView> {
    let ws = &a.workspace;
    let now = crate::now();
    let today = now.date_naive();
    match a.action {
        ActionAction::Add { fields: f, json } => {
            let (expected_kind, expected_value) = f.expected();
            let input = ActionInput {
                title: f.title.unwrap_or_default(),
                description: f.description.unwrap_or_default(),
                owner: f.owner.unwrap_or_default(),
                start_date: f.start,
                due_date: f.due,
                status: f.status.unwrap_or_default(),
                completed_on: f.completed_on,
                causes: f.causes,
                metric_id: f.metric,
                scope: f.scope,
                expected_kind,
                expected_value,
                cost: f.cost,
            };
            let v = api::add_action(ws, &input, today, now)?;
            done(json, &v, format!("Added action {}: {}\n", v.id, v.title))
        }
        ActionAction::List {
            owner,
            status,
            metric,
            overdue,
            deleted,
            json,
        } => {
            let q = ActionQuery {
                owner,
                status,
                metric,
                overdue,
                cause: None,
                include_deleted: deleted,
            };
            let list = api::list_actions(ws, &q, today)?;
            if json {
                return print_json(&list);
            }
            print_text(&actions_table(&list))
        }
        ActionAction::Show { id, json } => {
            let d = api::action_detail(ws, id, today)?;
            if json {
                return print_json(&d);
            }
            print_text(&action_text(&d))
        }
        ActionAction::Update {
            id,
            fields: f,
            json,
        } => {
            let (expected_kind, expected_value) = f.expected();
            let patch = ActionPatchInput {
                title: f.title,
                description: f.description,
                owner: f.owner,
                start_date: f.start,
                due_date: f.due,
                status: f.status,
                completed_on: f.completed_on,
                causes: (!f.causes.is_empty()).then_some(f.causes),
                metric_id: f.metric,
                scope: f.scope,
                expected_kind,
                expected_value,
                cost: f.cost,
            };
            let v = api::update_action(ws, id, &patch, today, now)?;
            done(
                json,
                &v,
                format!(
                    "Updated action {}: {} ({})\n",
                    v.id, v.title, v.board_status
                ),
            )
        }
        ActionAction::Note { id, text, on, json } => {
            let v = api::add_action_note(ws, id, on.as_deref(), &text, today, now)?;
            done(json, &v, format!("Noted on action {id}: {text}\n"))
        }
        ActionAction::Rm { id, json } => {
            let v = api::remove_action(ws, id, today, now)?;
            done(
                json,
                &v,
                format!(
                    "Deleted action {id}: {}; `qbr action WORKSPACE restore {id}` brings it back\n",
                    v.title
                ),
            )
        }
        ActionAction::Restore { id, json } => {
            let v = api::restore_action(ws, id, today)?;
            done(json, &v, format!("Restored action {id}: {}\n", v.title))
        }
        ActionAction::Effect { id, weeks, json } => {
            let e = api::action_effect(ws, id, weeks, today)?;
            if json {
                return print_json(&e);
            }
            let currency = qbr_api::workspace_info(ws)?.settings.currency;
            print_text(&effect_text(&e, &currency))
        }
    }
}

fn done<T: serde::Serialize>(json: bool, value: &T, text: String) -> Result<(), ErrorView> {
    if json {
        print_json(value)
    } else {
        print_text(&text)
    }
}

fn scope_label(s: &Option<qbr_api::ScopeView>) -> String {
    s.as_ref()
        .map_or("account".into(), |s| format!("{}={}", s.dimension, s.value))
}

fn causes_table(list: &[CauseView]) -> String {
    if list.is_empty() {
        return "No root causes.\n".into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            let f = &c.fields;
            vec![
                c.id.to_string(),
                format!("{}..{}", f.period_from, f.period_to),
                f.metrics.join(", "),
                scope_label(&f.scope),
                f.category.clone(),
                f.visibility.clone(),
                format!(
                    "{}{}",
                    f.title,
                    if c.deleted_at.is_some() {
                        " (deleted)"
                    } else {
                        ""
                    }
                ),
            ]
        })
        .collect();
    format::table(
        &[
            "id",
            "period",
            "metrics",
            "scope",
            "category",
            "visibility",
            "title",
        ],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
        &rows,
    )
}

fn fields_text(f: &CauseFieldsView, indent: &str) -> String {
    let mut out = format!(
        "{indent}Title        {}\n{indent}Metrics      {}\n{indent}Scope        {}\n{indent}Period       {} to {}\n{indent}Category     {}\n{indent}Visibility   {}\n",
        f.title,
        f.metrics.join(", "),
        scope_label(&f.scope),
        f.period_from,
        f.period_to,
        f.category,
        f.visibility
    );
    for (label, text) in [
        ("Author", &f.author),
        ("Description", &f.description),
        ("Evidence", &f.evidence),
    ] {
        if !text.is_empty() {
            out.push_str(&format!("{indent}{label:<12} {text}\n"));
        }
    }
    out
}

fn cause_text(d: &CauseDetailView) -> String {
    let c = &d.cause;
    let mut out = format!(
        "Root cause {}{}\n",
        c.id,
        c.deleted_at
            .as_ref()
            .map_or(String::new(), |at| format!(" (deleted {at})"))
    );
    out.push_str(&fields_text(&c.fields, ""));
    out.push_str(&format!(
        "Created      {}\nUpdated      {}\n",
        c.created_at, c.updated_at
    ));
    if d.history.is_empty() {
        out.push_str("History      no edits\n");
    } else {
        out.push_str(&format!(
            "History      {} edit(s); earlier states:\n",
            d.history.len()
        ));
        for r in &d.history {
            out.push_str(&format!(
                "  as of {} (replaced {}):\n",
                r.previous_updated_at, r.edited_at
            ));
            out.push_str(&fields_text(&r.previous, "    "));
        }
    }
    if !d.actions.is_empty() {
        out.push_str("Actions\n");
        for a in &d.actions {
            out.push_str(&format!("  #{} {} ({})\n", a.id, a.title, a.board_status));
        }
    }
    out
}

fn actions_table(list: &[ActionView]) -> String {
    if list.is_empty() {
        return "No actions.\n".into();
    }
    let dash = || "–".to_string();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                if a.overdue {
                    format!("OVERDUE ({})", a.status)
                } else {
                    a.status.clone()
                },
                a.owner.clone(),
                a.start_date.clone().unwrap_or_else(dash),
                a.due_date.clone().unwrap_or_else(dash),
                a.completed_on.clone().unwrap_or_else(dash),
                a.metric_id.clone().unwrap_or_else(dash),
                scope_label(&a.scope),
                format!(
                    "{}{}",
                    a.title,
                    if a.deleted_at.is_some() {
                        " (deleted)"
                    } else {
                        ""
                    }
                ),
            ]
        })
        .collect();
    format::table(
        &[
            "id", "status", "owner", "start", "due", "done", "metric", "scope", "title",
        ],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
        &rows,
    )
}

fn action_text(d: &ActionDetailView) -> String {
    let a = &d.action;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    let mut out = format!(
        "Action {}{}\nTitle        {}\nStatus       {}{}\nOwner        {}\nStart        {}\nDue          {}\nCompleted    {}\nMetric       {} ({})\n",
        a.id,
        a.deleted_at
            .as_ref()
            .map_or(String::new(), |at| format!(" (deleted {at})")),
        a.title,
        a.status,
        if a.overdue { ", OVERDUE" } else { "" },
        a.owner,
        opt(&a.start_date),
        opt(&a.due_date),
        opt(&a.completed_on),
        opt(&a.metric_id),
        scope_label(&a.scope),
    );
    if let Some(e) = &a.expected {
        out.push_str(&format!("Expected     {} {}\n", e.kind, e.value));
    }
    if let Some(c) = a.cost {
        out.push_str(&format!("Cost         {}\n", format::grouped(c, 2)));
    }
    if !a.description.is_empty() {
        out.push_str(&format!("Description  {}\n", a.description));
    }
    for c in &d.causes {
        out.push_str(&format!(
            "Answers      cause #{} {}\n",
            c.id, c.fields.title
        ));
    }
    if !a.notes.is_empty() {
        out.push_str("Notes\n");
        for n in &a.notes {
            out.push_str(&format!("  {}  {}\n", n.noted_on, n.text));
        }
    }
    out
}

fn window_line(name: &str, w: &EffectWindowView, unit: &str, currency: &str) -> String {
    let value = w.value.map_or_else(
        || format!("– ({})", w.reason.clone().unwrap_or_default()),
        |v| format::value(unit, v, currency),
    );
    let weeks: Vec<String> = w
        .weekly
        .iter()
        .map(|x| {
            x.value
                .map_or("–".into(), |v| format::value(unit, v, currency))
        })
        .collect();
    format!(
        "{name:<8} {} to {}  {value}   weekly: {}\n",
        w.period.start,
        w.period.end,
        weeks.join(", ")
    )
}

fn effect_text(e: &EffectView, currency: &str) -> String {
    let unit = e.definition.unit.as_str();
    let mut out = format!(
        "Action {}: {} for {}, {} weeks each side\n",
        e.action_id,
        e.definition.name,
        scope_label(&e.scope),
        e.weeks
    );
    out.push_str(&window_line("Before", &e.before, unit, currency));
    match &e.after {
        Some(w) => out.push_str(&window_line("After", w, unit, currency)),
        None => out.push_str("After    not yet\n"),
    }
    if let Some(c) = &e.change {
        out.push_str(&format!("Change   {}\n", format::change(unit, c, currency)));
    }
    if let Some(t) = &e.test {
        out.push_str(&format!(
            "Test     {}: statistic {:.3}{}, p = {:.4}, {:.0}% confidence (two-sided)\n",
            t.description,
            t.statistic,
            t.df.map_or(String::new(), |df| format!(", df {df:.1}")),
            t.p_value,
            t.confidence * 100.0
        ));
    }
    out.push_str(&format!(
        "Verdict  {}: {}\n",
        e.verdict.replace('_', " "),
        e.reason
    ));
    if let Some(s) = &e.savings {
        out.push_str(&format!("Savings  {}\n", s.explanation));
    }
    out
}
