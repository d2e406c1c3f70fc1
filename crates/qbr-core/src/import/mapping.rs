//! Kinds of data, their generic fields, and the column mapping from a file's headers to those
//! fields, with a confidence per column so the UI can ask only about the doubtful ones. Vendor
//! presets are recognised from their headers and map their columns without asking.
//!
//! Headers are compared case-insensitively with spaces, underscores and punctuation removed,
//! after splitting off a stated unit (`wait_ms`, `Talk (sec)`), so `Queue Wait (sec)` finds `wait`.

use std::fmt;
use std::str::FromStr;

use super::value::{split_unit, DurationUnit};

/// What one row of a file is (formats.md, "Kinds of data").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Interactions,
    Intervals,
    Surveys,
    Quality,
    Workforce,
    Finance,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Interactions,
        Kind::Intervals,
        Kind::Surveys,
        Kind::Quality,
        Kind::Workforce,
        Kind::Finance,
    ];

    /// The name stored in `import_batch.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Interactions => "interactions",
            Kind::Intervals => "intervals",
            Kind::Surveys => "surveys",
            Kind::Quality => "quality",
            Kind::Workforce => "workforce",
            Kind::Finance => "finance",
        }
    }

    /// The generic fields of this kind.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Kind::Interactions => INTERACTION_FIELDS,
            Kind::Intervals => INTERVAL_FIELDS,
            Kind::Surveys => SURVEY_FIELDS,
            Kind::Quality => QUALITY_FIELDS,
            Kind::Workforce => WORKFORCE_FIELDS,
            Kind::Finance => FINANCE_FIELDS,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// Groups of fields of which at least one each must be mapped for a row to mean anything.
    pub fn required(self) -> &'static [&'static [&'static str]] {
        match self {
            Kind::Interactions => &[&["contact_id"], &["started_at"]],
            Kind::Intervals => &[&["interval_start"], &["offered", "handled", "abandoned"]],
            Kind::Surveys => &[&["responded_at"], &["csat", "nps", "ces", "resolved"]],
            Kind::Quality => &[&["evaluated_at"], &["score"]],
            Kind::Workforce => &[
                &["date", "month"],
                &[
                    "paid",
                    "scheduled",
                    "adherent",
                    "logged_in",
                    "available",
                    "handling",
                    "headcount",
                    "fte",
                    "leavers",
                ],
            ],
            Kind::Finance => &[&["month"], &["revenue", "cost", "investment"]],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown kind {s:?}; expected interactions, intervals, surveys, quality, workforce or finance")
            })
    }
}

/// How a field's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Timestamp,
    /// A time of day whose date is in another column.
    Time,
    Month,
    Duration,
    Count,
    Number,
    Bool,
}

/// One generic field of a kind.
#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    /// Normalised header spellings that mean this field (besides its own name).
    pub synonyms: &'static [&'static str],
}

const fn f(name: &'static str, ty: FieldType, synonyms: &'static [&'static str]) -> FieldSpec {
    FieldSpec { name, ty, synonyms }
}

use FieldType::*;

static INTERACTION_FIELDS: &[FieldSpec] = &[
    f(
        "contact_id",
        Text,
        &[
            "contactid",
            "id",
            "callid",
            "conversationid",
            "interactionid",
            "sessionid",
            "ticketid",
            "caseid",
            "recordid",
            "contactkey",
            "idllamada",
            "iddellamada",
            "idchamada",
            "idligacao",
        ],
    ),
    f(
        "started_at",
        Timestamp,
        &[
            "start",
            "started",
            "starttime",
            "startdate",
            "timestamp",
            "datetime",
            "date",
            "initiationtimestamp",
            "createdat",
            "calldate",
            "contactstart",
            "arrivaltime",
            "begintime",
            "fecha",
            "fechahora",
            "fechayhora",
            "data",
            "datahora",
            "dataehora",
            "受付年月日",
            "年月日",
            "日付",
        ],
    ),
    f(
        "channel",
        Text,
        &["mediatype", "media", "channeltype", "contacttype"],
    ),
    f(
        "direction",
        Text,
        &["calltype", "initiationmethod", "inboundoutbound"],
    ),
    f(
        "program",
        Text,
        &[
            "campaign",
            "lob",
            "lineofbusiness",
            "client",
            "account",
            "programme",
        ],
    ),
    f(
        "queue",
        Text,
        &[
            "queuename",
            "skill",
            "skillname",
            "split",
            "workgroup",
            "cola",
            "fila",
        ],
    ),
    f("site", Text, &["location", "centre", "center", "sitename"]),
    f("team", Text, &["teamname", "supervisor", "group"]),
    f(
        "agent",
        Text,
        &[
            "agentname",
            "user",
            "username",
            "usersinteracted",
            "employee",
            "rep",
            "advisor",
            "handledby",
            "agentid",
            "agente",
            "atendente",
            "operador",
            "asesor",
        ],
    ),
    f(
        "customer_id",
        Text,
        &[
            "customer",
            "customerkey",
            "ani",
            "callerid",
            "fromnumber",
            "customerphone",
            "phonenumber",
        ],
    ),
    f(
        "outcome",
        Text,
        &["result", "status", "callresult", "contactoutcome"],
    ),
    f(
        "wait",
        Duration,
        &[
            "waittime",
            "queuewait",
            "queuewaittime",
            "queuetime",
            "totalqueue",
            "queueduration",
            "timeinqueue",
            "answerwait",
            "speedofanswer",
            "tiempodeespera",
            "tempodeespera",
            "tiempoderespuesta",
        ],
    ),
    f(
        "talk",
        Duration,
        &[
            "talktime",
            "totaltalk",
            "agentinteractionduration",
            "conversationtime",
            "talkduration",
            "avgtalkduration",
            "tiempodeconversacion",
            "duraciondelallamada",
            "tempodeconversa",
            "tempodefalado",
        ],
    ),
    f(
        "hold",
        Duration,
        &["holdtime", "totalhold", "customerholdduration"],
    ),
    f(
        "wrap",
        Duration,
        &[
            "wraptime",
            "acw",
            "totalacw",
            "aftercallwork",
            "aftercallworktime",
            "aftercontactwork",
            "aftercontactworkduration",
        ],
    ),
    f(
        "handle",
        Duration,
        &[
            "handletime",
            "totalhandle",
            "handleduration",
            "totalhandletime",
        ],
    ),
    f(
        "transferred",
        Bool,
        &["transfer", "transfers", "wastransferred"],
    ),
    f(
        "resolved",
        Bool,
        &[
            "fcr",
            "firstcontactresolution",
            "issueresolved",
            "resolution",
            "resuelto",
            "resuelta",
            "resolvido",
            "resolvida",
        ],
    ),
    f(
        "csat",
        Number,
        &[
            "satisfaction",
            "csatscore",
            "customersatisfaction",
            "satisfactionrating",
            "satisfaccion",
            "satisfacao",
        ],
    ),
    f(
        "nps",
        Number,
        &["npsscore", "likelihoodtorecommend", "recommend"],
    ),
    f("ces", Number, &["effort", "customereffort", "cesscore"]),
    // Fields vendor exports need to derive the outcome or keep the latest record.
    f(
        "answered_at",
        Timestamp,
        &[
            "answeredat",
            "connectedtoagenttimestamp",
            "answertime",
            "connectedat",
        ],
    ),
    f(
        "abandoned_flag",
        Bool,
        &[
            "abandoned",
            "isabandoned",
            "abandon",
            "abandonada",
            "abandonado",
        ],
    ),
    // A yes/no column saying the contact was answered: Y means handled, N abandoned.
    f(
        "answered_flag",
        Bool,
        &[
            "answeredyn",
            "answered",
            "isanswered",
            "wasanswered",
            "callanswered",
            "atendida",
            "atendido",
            "contestada",
            "respondida",
        ],
    ),
    // The time of day, when the date is in a column of its own (`Date` and `Time`).
    f(
        "started_time",
        Time,
        &[
            "time",
            "calltime",
            "hora",
            "horario",
            "horadellamada",
            "horadeinicio",
            "timeofday",
        ],
    ),
    // A transfer's time (Amazon Connect's TransferCompletedTimestamp): present means transferred.
    f("transferred_at", Timestamp, &["transfercompletedtimestamp"]),
    f("non_acd", Bool, &["nonacd"]),
    f(
        "updated_at",
        Timestamp,
        &["lastupdatetimestamp", "updatedat", "lastupdated"],
    ),
];

static INTERVAL_FIELDS: &[FieldSpec] = &[
    f(
        "interval_start",
        Timestamp,
        &[
            "intervalstart",
            "interval",
            "date",
            "startinterval",
            "period",
            "datetime",
            "starttime",
            "day",
            "intervaldate",
            "fecha",
            "data",
            "dia",
            "受付年月日",
            "年月日",
            "日付",
        ],
    ),
    f(
        "program",
        Text,
        &["campaign", "lob", "lineofbusiness", "client"],
    ),
    f("queue", Text, &["queuename", "skill", "skillname", "split"]),
    f("channel", Text, &["mediatype", "media"]),
    f("site", Text, &["location", "centre", "center"]),
    f(
        "offered",
        Count,
        &[
            "contactsoffered",
            "callsoffered",
            "contactsqueued",
            "queued",
            "calls",
            "offeredcontacts",
            "incomingcalls",
            "incoming",
            "callsreceived",
            "receivedcalls",
            "inboundcalls",
            "llamadasentrantes",
            "llamadasrecibidas",
            "chamadasrecebidas",
            "chamadasentrantes",
            "入電数",
        ],
    ),
    f(
        "handled",
        Count,
        &[
            "contactshandled",
            "callshandled",
            "answered",
            "callsanswered",
            "handledcontacts",
            "answeredcalls",
            "llamadasatendidas",
            "llamadascontestadas",
            "chamadasatendidas",
            "応答数",
            // "Consultations" (相談件数): calls an agent took, in Japanese public call-centre data.
            "相談件数",
        ],
    ),
    f(
        "abandoned",
        Count,
        &[
            "contactsabandoned",
            "callsabandoned",
            "aban",
            "abandons",
            "abandonedcalls",
            "llamadasabandonadas",
            "chamadasabandonadas",
            "放棄呼数",
        ],
    ),
    f(
        "short_abandoned",
        Count,
        &["shortabandons", "shortabandon", "shortabandonedcontacts"],
    ),
    f(
        "answered_in_threshold",
        Count,
        &[
            "answeredwithinsl",
            "withinsl",
            "slanswered",
            "answeredwithinthreshold",
            "inthreshold",
        ],
    ),
    f(
        "abandoned_in_threshold",
        Count,
        &["abandonedwithinsl", "abandonedwithinthreshold"],
    ),
    f(
        "answer_wait",
        Duration,
        &[
            "totalanswerwait",
            "totalqueuetime",
            "totalwait",
            "queueanswertime",
            "answerwaittime",
        ],
    ),
    f(
        "asa",
        Duration,
        &[
            "averagespeedofanswer",
            "averagequeueanswertime",
            "avganswerwait",
            "avgwait",
            "avgspeedofanswer",
            "averagewait",
            "answerspeedavg",
            "averageanswerspeed",
            "avganswerspeed",
            "velocidadmediaderespuesta",
            "tiempomediodeespera",
            "tempomediodeespera",
        ],
    ),
    f(
        "handle",
        Duration,
        &["handletime", "totalhandletime", "totalhandle"],
    ),
    f(
        "aht",
        Duration,
        &[
            "averagehandletime",
            "avghandletime",
            "avghandle",
            "averagehandle",
            "tma",
            "tempomediodeatendimento",
            "tiempomediodeatencion",
        ],
    ),
    f(
        "talk",
        Duration,
        &["talktime", "totaltalk", "totaltalktime"],
    ),
    f(
        "hold",
        Duration,
        &["holdtime", "totalhold", "totalholdtime"],
    ),
    f(
        "wrap",
        Duration,
        &["wraptime", "acw", "totalacw", "totalwrap", "aftercallwork"],
    ),
    f(
        "avg_talk",
        Duration,
        &[
            "averagetalktime",
            "avgtalk",
            "avgtalktime",
            "averageagentinteractiontime",
            "averagetalk",
            "talkdurationavg",
            "averagetalkduration",
            "avgtalkduration",
            "tiempomediodeconversacion",
            "duracionmediadeconversacion",
            "tempomediodeconversa",
        ],
    ),
    f(
        "avg_hold",
        Duration,
        &[
            "averageholdtime",
            "avghold",
            "avgholdtime",
            "averagecustomerholdtime",
            "averagehold",
        ],
    ),
    f(
        "avg_wrap",
        Duration,
        &[
            "averagewraptime",
            "avgwrap",
            "avgacw",
            "averageaftercontactworktime",
            "averageacw",
            "averagewrap",
        ],
    ),
    // A service level the source reports as a percentage (or fraction), where it gives no
    // counts: kept as "reported by the source", weighted by the offered (else handled) count.
    f(
        "service_level_pct",
        Number,
        &[
            "servicelevel",
            "servicelevelpct",
            "slpercent",
            "niveldeservicio",
            "niveldeservico",
        ],
    ),
];

static SURVEY_FIELDS: &[FieldSpec] = &[
    f(
        "responded_at",
        Timestamp,
        &[
            "recordeddate",
            "enddate",
            "responsedate",
            "surveydate",
            "date",
            "submittedat",
            "completedat",
            "respondedon",
            "timestamp",
        ],
    ),
    f(
        "contact_id",
        Text,
        &[
            "contactid",
            "callid",
            "conversationid",
            "interactionid",
            "externalreference",
            "ticketid",
        ],
    ),
    f("program", Text, &["campaign", "lob", "client"]),
    f("queue", Text, &["queuename", "skill"]),
    f("agent", Text, &["agentname", "user", "employee", "advisor"]),
    f(
        "csat",
        Number,
        &["satisfaction", "csatscore", "customersatisfaction"],
    ),
    f(
        "nps",
        Number,
        &["npsscore", "likelihoodtorecommend", "recommend"],
    ),
    f("ces", Number, &["effort", "customereffort", "cesscore"]),
    f("resolved", Bool, &["fcr", "issueresolved", "resolution"]),
];

static QUALITY_FIELDS: &[FieldSpec] = &[
    f(
        "evaluated_at",
        Timestamp,
        &[
            "evaluationdate",
            "date",
            "reviewdate",
            "scoredat",
            "evaluated",
            "evaluationtime",
        ],
    ),
    f("program", Text, &["campaign", "lob", "client"]),
    f("agent", Text, &["agentname", "employee", "advisor", "user"]),
    f(
        "score",
        Number,
        &[
            "qascore",
            "qualityscore",
            "totalscore",
            "evaluationscore",
            "percentscore",
        ],
    ),
    f(
        "critical_error",
        Bool,
        &[
            "critical",
            "criticalfail",
            "autofail",
            "fatal",
            "fatalerror",
        ],
    ),
];

static WORKFORCE_FIELDS: &[FieldSpec] = &[
    f("date", Timestamp, &["day", "workdate", "shiftdate"]),
    f("month", Month, &["period"]),
    f("program", Text, &["campaign", "lob", "client"]),
    f("site", Text, &["location", "centre", "center"]),
    f("team", Text, &["teamname", "supervisor"]),
    f("agent", Text, &["agentname", "employee", "advisor", "user"]),
    f("paid", Duration, &["paidtime"]),
    f("scheduled", Duration, &["scheduledtime", "schedule"]),
    f(
        "adherent",
        Duration,
        &["adherenttime", "inadherence", "timeinadherence"],
    ),
    f(
        "logged_in",
        Duration,
        &["loggedintime", "logintime", "staffedtime", "login"],
    ),
    f(
        "available",
        Duration,
        &["availabletime", "idle", "idletime", "ready", "readytime"],
    ),
    f(
        "handling",
        Duration,
        &[
            "handlingtime",
            "handletime",
            "agenthandle",
            "busy",
            "busytime",
        ],
    ),
    f("headcount", Number, &["hc", "agents"]),
    f("fte", Number, &["ftes"]),
    f("leavers", Count, &["attrition", "terminations", "exits"]),
];

static FINANCE_FIELDS: &[FieldSpec] = &[
    f("month", Month, &["period", "date"]),
    f("program", Text, &["campaign", "lob", "client"]),
    f(
        "revenue",
        Number,
        &["income", "billing", "invoiced", "sales"],
    ),
    f("cost", Number, &["costs", "expense", "expenses", "spend"]),
    f("investment", Number, &["capex", "invest", "investments"]),
];

/// A vendor export recognised on sight (formats.md, "Vendor exports to recognise").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    AmazonConnectContacts,
    AmazonConnectHistorical,
    GenesysInteractions,
    GenesysConversations,
    Five9CallLog,
    TalkdeskCalls,
    NiceCxoneCallDetail,
    FreshdeskTickets,
    ZendeskTickets,
    Qualtrics,
}

impl Preset {
    pub const ALL: [Preset; 10] = [
        Preset::AmazonConnectContacts,
        Preset::AmazonConnectHistorical,
        Preset::GenesysInteractions,
        Preset::GenesysConversations,
        Preset::Five9CallLog,
        Preset::TalkdeskCalls,
        Preset::NiceCxoneCallDetail,
        Preset::FreshdeskTickets,
        Preset::ZendeskTickets,
        Preset::Qualtrics,
    ];

    /// The name stored in `import_batch.preset`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::AmazonConnectContacts => "amazon_connect_contacts",
            Preset::AmazonConnectHistorical => "amazon_connect_historical",
            Preset::GenesysInteractions => "genesys_cloud_interactions",
            Preset::GenesysConversations => "genesys_cloud_conversations",
            Preset::Five9CallLog => "five9_call_log",
            Preset::TalkdeskCalls => "talkdesk_calls",
            Preset::NiceCxoneCallDetail => "nice_cxone_call_detail",
            Preset::FreshdeskTickets => "freshdesk_tickets",
            Preset::ZendeskTickets => "zendesk_support_tickets",
            Preset::Qualtrics => "qualtrics_survey",
        }
    }

    /// The vendor's own name for the report or export, as the README lists it.
    pub fn report_name(self) -> &'static str {
        match self {
            Preset::AmazonConnectContacts => "Amazon Connect contact records (CTR)",
            Preset::AmazonConnectHistorical => "Amazon Connect historical metrics report",
            Preset::GenesysInteractions => "Genesys Cloud Interactions view export",
            Preset::GenesysConversations => {
                "Genesys Cloud analytics conversation details (API query or bulk job)"
            }
            Preset::Five9CallLog => "Five9 Call Log report",
            Preset::TalkdeskCalls => "Talkdesk Calls report",
            Preset::NiceCxoneCallDetail => "NICE CXone Call Detail data download",
            Preset::FreshdeskTickets => "Freshdesk ticket export",
            Preset::ZendeskTickets => {
                "Zendesk Support tickets (API ticket list or incremental export, JSON)"
            }
            Preset::Qualtrics => "Qualtrics survey responses export",
        }
    }

    /// Columns the preset leaves unread on purpose, which the generic synonyms would take.
    pub fn left_out(self) -> &'static [&'static str] {
        match self {
            Preset::TalkdeskCalls => &["Contact ID", "contact_id", "Abandon Time", "abandon_time"],
            // A ticket's status is where it stands today, not whether it was handled.
            Preset::FreshdeskTickets => &["Status", "Resolution status"],
            // Hold is inside Agent_Time (the total is PreQueue + InQueue + Agent_Time +
            // PostQueue + ACW_Time): read as hold too it would count twice in handle time.
            Preset::NiceCxoneCallDetail => &["Hold_Time", "Abandon_Time"],
            // The business-hours first reply is the user's choice, never taken beside the
            // calendar one.
            Preset::ZendeskTickets => &["metric_set.reply_time_in_minutes.business", "via.channel"],
            _ => &[],
        }
    }

    /// The date order a vendor documents for its slashed dates.
    pub fn date_order(self) -> Option<super::value::DateOrder> {
        match self {
            Preset::NiceCxoneCallDetail => Some(super::value::DateOrder::MonthFirst),
            _ => None,
        }
    }

    /// Ticket exports: email unless a row says otherwise; a ticket is never abandoned (with no
    /// status column every ticket counts as offered and solved, abandonment having no value).
    pub fn every_contact_handled(self) -> bool {
        matches!(self, Preset::FreshdeskTickets)
    }

    /// What the vendor's words in a column mean (outcome, channel), for columns that need it.
    pub fn values(self, field: &str) -> &'static [(&'static str, &'static str)] {
        match (self, field) {
            // Talkdesk's call `type` (docs.talkdesk.com, Calls report): missed is a caller who
            // hung up while an agent's phone rang; voicemail and outbound did not queue.
            (Preset::TalkdeskCalls, "outcome") => &[
                ("inbound", "handled"),
                ("abandoned", "abandoned"),
                ("short_abandoned", "abandoned"),
                ("missed", "abandoned"),
                ("voicemail", "other"),
                ("outbound", "other"),
                ("outbound_missed", "other"),
            ],
            (Preset::NiceCxoneCallDetail, "channel") => &[
                ("phone call", "voice"),
                ("call", "voice"),
                ("voice mail", "voice"),
                ("chat", "chat"),
                ("email", "email"),
                ("work item", "email"),
                ("sms", "messaging"),
            ],
            // Ticket status (support.zendesk.com/hc/en-us/articles/4959212269210); the
            // incremental export also returns deleted tickets, which count in nothing.
            (Preset::ZendeskTickets, "outcome") => &[
                ("solved", "ticket_solved"),
                ("closed", "ticket_solved"),
                ("new", "ticket_open"),
                ("open", "ticket_open"),
                ("pending", "ticket_open"),
                ("hold", "ticket_open"),
                ("deleted", "other"),
            ],
            // Legacy CSAT `score`: good is satisfied (top box), bad is not; offered and
            // unoffered are no response.
            (Preset::ZendeskTickets, "csat") => &[
                ("good", "5"),
                ("bad", "1"),
                ("offered", ""),
                ("unoffered", ""),
            ],
            // Freshdesk's statuses (support.freshdesk.com, "Understanding ticket fields"):
            // Resolved and Closed end a ticket; Open, Pending and every custom status
            // (Waiting on Customer, Waiting on Third Party, an account's own) leave it unsolved.
            (Preset::FreshdeskTickets, "outcome") => &[
                ("resolved", "ticket_solved"),
                ("closed", "ticket_solved"),
                ("*", "ticket_open"),
            ],
            (Preset::FreshdeskTickets, "channel") => &[
                ("email", "email"),
                ("portal", "email"),
                ("feedback widget", "email"),
                ("outbound email", "email"),
                ("phone", "voice"),
                ("chat", "chat"),
                ("mobihelp", "messaging"),
            ],
            _ => &[],
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Preset::AmazonConnectContacts
            | Preset::GenesysInteractions
            | Preset::GenesysConversations
            | Preset::Five9CallLog
            | Preset::TalkdeskCalls
            | Preset::NiceCxoneCallDetail
            | Preset::FreshdeskTickets
            | Preset::ZendeskTickets => Kind::Interactions,
            Preset::AmazonConnectHistorical => Kind::Intervals,
            Preset::Qualtrics => Kind::Surveys,
        }
    }

    /// Contact keys are unique per source: the same id from two platforms is two contacts.
    pub fn source(self) -> &'static str {
        match self {
            Preset::AmazonConnectContacts | Preset::AmazonConnectHistorical => "amazon_connect",
            Preset::GenesysInteractions | Preset::GenesysConversations => "genesys_cloud",
            Preset::Five9CallLog => "five9",
            Preset::TalkdeskCalls => "talkdesk",
            Preset::NiceCxoneCallDetail => "nice_cxone",
            Preset::FreshdeskTickets => "freshdesk",
            Preset::ZendeskTickets => "zendesk",
            Preset::Qualtrics => "qualtrics",
        }
    }

    /// Headers (normalised) that all appear in this vendor's export.
    fn signature(self) -> &'static [&'static str] {
        match self {
            Preset::AmazonConnectContacts => &["contactid", "initiationtimestamp"],
            Preset::AmazonConnectHistorical => &["contactsqueued", "contactshandled"],
            Preset::GenesysInteractions => &["conversationid", "mediatype", "totalqueue"],
            Preset::GenesysConversations => &["conversationid", "genesysoutcome"],
            Preset::Five9CallLog => &["callid", "queuewaittime", "aftercallworktime"],
            Preset::TalkdeskCalls => &["talkdeskphonenumber"],
            Preset::NiceCxoneCallDetail => &["contactid", "mastercontactid", "skillname"],
            Preset::FreshdeskTickets => &["ticketid", "createdtime"],
            // `zendesk.channel` is written by the ticket reader (`zendesk.rs`) only.
            Preset::ZendeskTickets => &["zendeskchannel", "requesterid"],
            Preset::Qualtrics => &["responseid", "recordeddate"],
        }
    }

    /// Exact header → field (and unit) pairs the vendor documents; anything else falls back to
    /// the generic synonyms.
    fn columns(self) -> &'static [(&'static str, &'static str, Option<DurationUnit>)] {
        const MS: Option<DurationUnit> = Some(DurationUnit::Millis);
        const S: Option<DurationUnit> = Some(DurationUnit::Seconds);
        match self {
            Preset::AmazonConnectContacts => &[
                ("ContactId", "contact_id", None),
                ("InitiationTimestamp", "started_at", None),
                ("Channel", "channel", None),
                ("InitiationMethod", "direction", None),
                ("Queue.Name", "queue", None),
                ("Queue.Duration", "wait", S),
                ("Agent.Username", "agent", None),
                ("Agent.ConnectedToAgentTimestamp", "answered_at", None),
                ("Agent.AgentInteractionDuration", "talk", S),
                ("Agent.CustomerHoldDuration", "hold", S),
                ("Agent.AfterContactWorkDuration", "wrap", S),
                ("CustomerEndpoint.Address", "customer_id", None),
                ("LastUpdateTimestamp", "updated_at", None),
                ("TransferCompletedTimestamp", "transferred_at", None),
                // Hierarchy levels are the client's own; the first names the site, the deepest
                // named level below it the team (see `record::hierarchy`).
                ("Agent.HierarchyGroups.Level1.GroupName", "site", None),
                ("Agent.HierarchyGroups.Level2.GroupName", "team", None),
            ],
            Preset::GenesysConversations => &[
                ("conversationId", "contact_id", None),
                ("conversationStart", "started_at", None),
                ("genesys.mediaType", "channel", None),
                ("originatingDirection", "direction", None),
                ("genesys.queue", "queue", None),
                ("genesys.agent", "agent", None),
                ("genesys.customer", "customer_id", None),
                ("genesys.outcome", "outcome", None),
                ("genesys.wait", "wait", MS),
                ("genesys.talk", "talk", MS),
                ("genesys.hold", "hold", MS),
                ("genesys.acw", "wrap", MS),
                ("genesys.handle", "handle", MS),
                ("genesys.transferred", "transferred", None),
            ],
            // Calls report (API fields and their title-cased forms) and the Explore UI's CSV.
            // `Contact ID` is a leg of the call in Talkdesk, never the key; `Abandon Time` is a
            // duration, not whether the call was abandoned (`Type` says that).
            Preset::TalkdeskCalls => &[
                ("call_id", "contact_id", None),
                ("Call ID", "contact_id", None),
                ("Interaction ID", "contact_id", None),
                ("start_at", "started_at", None),
                ("Start Time", "started_at", None),
                ("Start At", "started_at", None),
                ("type", "outcome", None),
                ("Type", "outcome", None),
                ("Call Type", "outcome", None),
                ("handling_user_name", "agent", None),
                ("Handling User Name", "agent", None),
                ("user_name", "agent", None),
                ("User Name", "agent", None),
                ("Agent Name", "agent", None),
                ("team_name", "team", None),
                ("Team Name", "team", None),
                ("Team", "team", None),
                ("ring_groups", "queue", None),
                ("Ring Groups", "queue", None),
                ("contact_phone_number", "customer_id", None),
                ("Contact Phone Number", "customer_id", None),
                ("Customer Phone Number", "customer_id", None),
                ("wait_time", "wait", S),
                ("Wait Time", "wait", S),
                ("talk_time", "talk", S),
                ("Talk Time", "talk", S),
                ("hold_time", "hold", S),
                ("Hold Time", "hold", S),
                ("is_transfer", "transferred", None),
                ("Is Transfer", "transferred", None),
                ("Transfer?", "transferred", None),
                ("csat_score", "csat", None),
                ("CSAT Score", "csat", None),
            ],
            // NICE CXone's Call Detail data download (docs/vendor-formats-research.md, 2a): times
            // in the exporting user's zone without DST, dates month-first, durations seconds.
            Preset::NiceCxoneCallDetail => &[
                ("Contact_ID", "contact_id", None),
                ("Start_Date", "started_at", None),
                ("start_time", "started_time", None),
                ("Media_Name", "channel", None),
                ("Skill_Name", "queue", None),
                ("Campaign_Name", "program", None),
                ("Agent_Name", "agent", None),
                ("Team_Name", "team", None),
                ("ANI_Dialnum", "customer_id", None),
                ("Abandon", "abandoned_flag", None),
                ("InQueue", "wait", S),
                ("Agent_Time", "talk", S),
                ("ACW_Time", "wrap", S),
            ],
            // Freshdesk's ticket export labels (Tickets::Export); `Contact ID` is the customer.
            Preset::FreshdeskTickets => &[
                ("Ticket ID", "contact_id", None),
                ("Status", "outcome", None),
                ("Created time", "started_at", None),
                ("Agent", "agent", None),
                ("Group", "queue", None),
                ("Source", "channel", None),
                ("Contact ID", "customer_id", None),
            ],
            // Zendesk Support tickets as `zendesk.rs` reads them (research 3a–3d): the first
            // reply time is minutes, calendar by default.
            Preset::ZendeskTickets => &[
                ("id", "contact_id", None),
                ("created_at", "started_at", None),
                ("zendesk.channel", "channel", None),
                ("status", "outcome", None),
                ("group_id", "queue", None),
                ("assignee_id", "agent", None),
                ("requester_id", "customer_id", None),
                (
                    "metric_set.reply_time_in_minutes.calendar",
                    "wait",
                    Some(DurationUnit::Minutes),
                ),
                ("satisfaction_rating.score", "csat", None),
                // A ticket comes again in later exports as it changes (open, then solved): the
                // latest update wins, within a file and across imports.
                ("updated_at", "updated_at", None),
            ],
            Preset::GenesysInteractions => &[
                ("Conversation ID", "contact_id", None),
                ("Date", "started_at", None),
                ("Direction", "direction", None),
                ("Media Type", "channel", None),
                ("Queue", "queue", None),
                ("Users - Interacted", "agent", None),
                ("Abandoned", "abandoned_flag", None),
                ("Transferred", "transferred", None),
                ("Non-ACD", "non_acd", None),
                ("Total Queue", "wait", MS),
                ("Total Talk", "talk", MS),
                ("Total Hold", "hold", MS),
                ("Total ACW", "wrap", MS),
                ("Total Handle", "handle", MS),
                ("ANI", "customer_id", None),
            ],
            Preset::Five9CallLog => &[
                ("CALL ID", "contact_id", None),
                ("TIMESTAMP", "started_at", None),
                ("CAMPAIGN", "program", None),
                ("SKILL", "queue", None),
                ("CALL TYPE", "direction", None),
                ("AGENT NAME", "agent", None),
                ("ANI", "customer_id", None),
                ("QUEUE WAIT TIME", "wait", None),
                ("TALK TIME", "talk", None),
                ("HOLD TIME", "hold", None),
                ("AFTER CALL WORK TIME", "wrap", None),
                ("TRANSFERS", "transferred", None),
                ("ABANDONED", "abandoned_flag", None),
            ],
            Preset::AmazonConnectHistorical => &[
                ("Contacts queued", "offered", None),
                ("Contacts handled", "handled", None),
                ("Contacts abandoned", "abandoned", None),
                ("Average queue answer time", "asa", S),
                ("Average handle time", "aht", S),
                ("Average customer hold time", "avg_hold", S),
                ("Average after contact work time", "avg_wrap", S),
                ("Average agent interaction time", "avg_talk", S),
            ],
            Preset::Qualtrics => &[
                ("RecordedDate", "responded_at", None),
                ("ExternalReference", "contact_id", None),
            ],
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown preset {s:?}"))
    }
}

/// One mapped column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnMapping {
    pub field: String,
    /// The header as the file spells it.
    pub header: String,
    /// The unit of bare numbers in a duration column.
    pub unit: Option<DurationUnit>,
    /// 1.0 for an exact name or a preset's documented column; lower for synonyms and guesses.
    pub confidence: f32,
    /// What the file's words mean, as (value in the file, meaning): an outcome column's
    /// `Completed` → `handled`, a channel's `Portal` → `email`, a yes/no column's `Ja` → `yes`.
    /// Compared ignoring case and surrounding spaces; values not listed are read as usual.
    pub values: Vec<(String, String)>,
}

impl ColumnMapping {
    /// What `raw` means under this column's value translation, if it names it (any case,
    /// surrounding spaces ignored).
    pub fn translate<'a>(&'a self, raw: &str) -> Option<&'a str> {
        translate(&self.values, raw)
    }
}

/// Which header feeds which field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    pub columns: Vec<ColumnMapping>,
}

impl Mapping {
    pub fn get(&self, field: &str) -> Option<&ColumnMapping> {
        self.columns.iter().find(|c| c.field == field)
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// A stable one-line text of the mapping, stored with the batch for provenance.
    pub fn describe(&self) -> String {
        self.columns
            .iter()
            .map(|c| {
                let mut text = match c.unit {
                    Some(u) => format!("{}={} [{}]", c.field, c.header, u.as_str()),
                    None => format!("{}={}", c.field, c.header),
                };
                if !c.values.is_empty() {
                    let values: Vec<String> =
                        c.values.iter().map(|(a, b)| format!("{a}→{b}")).collect();
                    text.push_str(&format!(" {{{}}}", values.join(", ")));
                }
                text
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The mapping as JSON, as a saved template stores it.
    pub fn to_json(&self) -> String {
        let columns: Vec<serde_json::Value> = self
            .columns
            .iter()
            .map(|c| {
                let mut col = serde_json::json!({
                    "field": c.field,
                    "header": c.header,
                    "unit": c.unit.map(DurationUnit::as_str),
                });
                if !c.values.is_empty() {
                    col["values"] = c
                        .values
                        .iter()
                        .map(|(from, to)| serde_json::json!({"value": from, "means": to}))
                        .collect();
                }
                col
            })
            .collect();
        serde_json::json!({ "columns": columns }).to_string()
    }

    /// Reads [`Mapping::to_json`] back; a saved mapping is the user's choice, so confidence 1.
    pub fn from_json(text: &str) -> Result<Mapping, String> {
        // The text is not echoed: a mapping file's path can come from the web view, and its
        // content must not travel back in a message.
        let bad = || {
            r#"this is not a column mapping (expected JSON such as {"columns": [{"field": "wait", "header": "Wait (s)", "unit": "s"}]})"#.to_string()
        };
        let v: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        let columns = v
            .get("columns")
            .and_then(|c| c.as_array())
            .ok_or_else(bad)?;
        let mut mapping = Mapping::default();
        for c in columns {
            let get = |k: &str| c.get(k).and_then(|x| x.as_str());
            let (Some(field), Some(header)) = (get("field"), get("header")) else {
                return Err(bad());
            };
            let mut values = Vec::new();
            if let Some(list) = c.get("values") {
                for v in list.as_array().ok_or_else(bad)? {
                    let get = |k: &str| v.get(k).and_then(|x| x.as_str());
                    let (Some(from), Some(to)) = (get("value"), get("means")) else {
                        return Err(bad());
                    };
                    values.push((from.to_string(), to.to_string()));
                }
            }
            mapping.columns.push(ColumnMapping {
                field: field.into(),
                header: header.into(),
                unit: get("unit").and_then(DurationUnit::parse),
                confidence: 1.0,
                values,
            });
        }
        Ok(mapping)
    }

    /// True when every column this mapping names is among `headers` (ignoring case and
    /// punctuation): next quarter's file from the same tool.
    pub fn fits(&self, headers: &[String]) -> bool {
        !self.columns.is_empty()
            && self
                .columns
                .iter()
                .all(|c| headers.iter().any(|h| normalise(h) == normalise(&c.header)))
    }

    /// The first required group with no mapped field, if any.
    pub fn missing_required(&self, kind: Kind) -> Option<&'static [&'static str]> {
        kind.required()
            .iter()
            .copied()
            .find(|group| !group.iter().any(|f| self.has(f)))
    }
}

/// What `raw` means under a value translation, compared in any case, trimmed; a `*` entry is
/// what every value not listed means (a vendor's custom ticket statuses).
pub(crate) fn translate<'a>(values: &'a [(String, String)], raw: &str) -> Option<&'a str> {
    let raw = raw.trim();
    values
        .iter()
        .find(|(from, _)| {
            let from = from.trim();
            from != "*"
                && (from.eq_ignore_ascii_case(raw) || from.to_lowercase() == raw.to_lowercase())
        })
        .or_else(|| {
            values
                .iter()
                .find(|(from, _)| from.trim() == "*" && !raw.is_empty())
        })
        .map(|(_, to)| to.as_str())
}

/// Lower-case letters and digits only, accents dropped: `Users - Interacted` →
/// `usersinteracted`, `Duración` → `duracion`, `Nível de serviço` → `niveldeservico`.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .map(fold_accent)
        .collect()
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// Words that make a header a time or a duration: such a column is never a yes/no flag
/// (Talkdesk's `Abandon Time` is how long the caller waited, not whether they abandoned).
fn names_a_time(base: &str) -> bool {
    [
        "time", "duration", "seconds", "secs", "tiempo", "tempo", "duracion", "duracao",
    ]
    .iter()
    .any(|w| base.contains(w))
}

/// A header as [`score`] compares it, worked out once per header rather than once per field.
struct HeaderForms {
    /// Normalised, its unit split off.
    base: String,
    unit: Option<DurationUnit>,
    /// Normalised whole.
    whole: String,
}

impl HeaderForms {
    fn new(header: &str) -> HeaderForms {
        let (base, unit) = split_unit(header);
        HeaderForms {
            base: normalise(&base),
            unit,
            whole: normalise(header),
        }
    }
}

/// How well a header names `field` (whose normalised name is `name`): 1.0 exact, 0.9 a known
/// synonym, 0.6 a looser match.
fn score(field: &FieldSpec, name: &str, header: &HeaderForms) -> (f32, Option<DurationUnit>) {
    let HeaderForms { base, unit, whole } = header;
    let unit = *unit;
    if base.is_empty() || (field.ty == FieldType::Bool && names_a_time(whole)) {
        return (0.0, None);
    }
    if base == name {
        return (1.0, unit);
    }
    if whole == name {
        return (1.0, None);
    }
    if field.synonyms.contains(&base.as_str()) {
        return (0.9, unit);
    }
    if field.synonyms.contains(&whole.as_str()) {
        return (0.9, None);
    }
    // "Contacts answered in 20 seconds" and its kin carry the threshold in the name.
    let in_threshold_prefix = match field.name {
        "answered_in_threshold" => Some("contactsansweredin"),
        "abandoned_in_threshold" => Some("contactsabandonedin"),
        _ => None,
    };
    if let Some(prefix) = in_threshold_prefix {
        if whole.starts_with(prefix) {
            return (0.8, None);
        }
    }
    // "Service Level (20 Seconds)" and "Service level 80/20" carry their threshold too.
    if field.name == "service_level_pct"
        && ["servicelevel", "niveldeservicio", "niveldeservico"]
            .iter()
            .any(|p| whole.starts_with(p))
    {
        return (0.8, None);
    }
    // Loose: the header starts or ends with the name or a long synonym ("agent_full_name").
    let loose = std::iter::once(name)
        .chain(field.synonyms.iter().copied())
        .filter(|s| s.len() >= 4)
        .any(|s| base.starts_with(s) || base.ends_with(s));
    if loose {
        return (0.6, unit);
    }
    (0.0, None)
}

/// Maps `headers` to the fields of `kind`: each field takes its best-scoring header, best pairs
/// first, and a header feeds one field at most.
pub fn match_columns(kind: Kind, headers: &[String]) -> Mapping {
    let mut pairs: Vec<(f32, usize, usize, Option<DurationUnit>)> = Vec::new();
    let forms: Vec<HeaderForms> = headers.iter().map(|h| HeaderForms::new(h)).collect();
    for (fi, field) in kind.fields().iter().enumerate() {
        let name = normalise(field.name);
        for (hi, header) in forms.iter().enumerate() {
            let (s, unit) = score(field, &name, header);
            if s > 0.0 {
                pairs.push((s, fi, hi, unit));
            }
        }
    }
    // A call, ticket, interaction or conversation id is the contact key over a `Contact ID`,
    // which in CRM and help-desk exports names the customer (Freshdesk) or a leg of the call
    // (Talkdesk).
    let key_field = kind.fields().iter().position(|f| f.name == "contact_id");
    if let Some(kf) = key_field {
        let strong_key = |hi: usize| {
            [
                "callid",
                "ticketid",
                "interactionid",
                "conversationid",
                "sessionid",
                "caseid",
            ]
            .contains(&forms[hi].base.as_str())
        };
        if pairs.iter().any(|p| p.1 == kf && strong_key(p.2)) {
            pairs.retain(|p| !(p.1 == kf && forms[p.2].base == "contactid"));
        }
    }
    // Best score first; ties go to the earlier field, then the earlier column.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut field_taken = vec![false; kind.fields().len()];
    let mut header_taken = vec![false; headers.len()];
    let mut columns = Vec::new();
    for (s, fi, hi, unit) in pairs {
        if field_taken[fi] || header_taken[hi] {
            continue;
        }
        field_taken[fi] = true;
        header_taken[hi] = true;
        columns.push((
            fi,
            ColumnMapping {
                field: kind.fields()[fi].name.to_string(),
                header: headers[hi].clone(),
                unit,
                confidence: s,
                values: Vec::new(),
            },
        ));
    }
    columns.sort_by_key(|(fi, _)| *fi);
    Mapping {
        columns: columns.into_iter().map(|(_, c)| c).collect(),
    }
}

/// The vendor export these headers come from, if any.
pub fn detect_preset(headers: &[String]) -> Option<Preset> {
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    Preset::ALL
        .into_iter()
        .find(|p| p.signature().iter().all(|s| norm.iter().any(|h| h == s)))
}

/// The headers a preset documents, as the vendor spells them.
pub fn preset_headers(preset: Preset) -> impl Iterator<Item = &'static &'static str> {
    preset.columns().iter().map(|(h, _, _)| h)
}

/// The mapping a preset implies: its documented columns first, generic synonyms for the rest.
pub fn preset_mapping(preset: Preset, headers: &[String]) -> Mapping {
    let mut mapping = Mapping::default();
    for &(header, field, unit) in preset.columns() {
        if mapping.has(field) {
            continue;
        }
        if let Some(h) = headers.iter().find(|h| normalise(h) == normalise(header)) {
            mapping.columns.push(ColumnMapping {
                field: field.into(),
                header: h.clone(),
                unit,
                confidence: 1.0,
                values: preset
                    .values(field)
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            });
        }
    }
    let generic = match_columns(preset.kind(), headers);
    for c in generic.columns {
        let header_used = mapping.columns.iter().any(|m| m.header == c.header);
        let left_out = preset
            .left_out()
            .iter()
            .any(|h| normalise(h) == normalise(&c.header));
        if !mapping.has(&c.field) && !header_used && !left_out && c.confidence >= 0.8 {
            mapping.columns.push(c);
        }
    }
    mapping
}

/// The kind these headers most likely hold: the one whose required fields are all present and
/// whose mapping is strongest.
pub fn detect_kind(headers: &[String]) -> Option<(Kind, Mapping)> {
    Kind::ALL
        .into_iter()
        .map(|k| (k, match_columns(k, headers)))
        .filter(|(k, m)| m.missing_required(*k).is_none())
        .map(|(k, m)| {
            let strength: f32 = m.columns.iter().map(|c| c.confidence).sum();
            (strength, k, m)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k, m)| (k, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn generic_headers_map_ignoring_case_spacing_and_units() {
        let h = headers(&[
            "Contact ID",
            "Started At",
            "CHANNEL",
            "Queue Name",
            "Agent",
            "Wait_ms",
            "Talk (sec)",
            "hold_s",
            "ACW",
            "Outcome",
        ]);
        let m = match_columns(Kind::Interactions, &h);
        let get = |f: &str| {
            m.get(f)
                .unwrap_or_else(|| panic!("{f} should be mapped in {m:?}"))
        };
        assert_eq!(get("contact_id").header, "Contact ID");
        assert_eq!(get("contact_id").confidence, 1.0, "exact name");
        assert_eq!(get("queue").confidence, 0.9, "a synonym is less sure");
        assert_eq!(get("wait").unit, Some(DurationUnit::Millis));
        assert_eq!(get("talk").unit, Some(DurationUnit::Seconds));
        assert_eq!(get("wrap").header, "ACW");
        assert_eq!(get("outcome").header, "Outcome");
    }

    #[test]
    fn a_saved_mapping_keeps_units_and_value_translations() {
        let m = Mapping {
            columns: vec![
                ColumnMapping {
                    field: "answered_flag".into(),
                    header: "Atendida".into(),
                    values: vec![("Sí".into(), "yes".into()), ("No".into(), "no".into())],
                    ..ColumnMapping::default()
                },
                ColumnMapping {
                    field: "outcome".into(),
                    header: "Result".into(),
                    values: vec![("Completed".into(), "handled".into())],
                    ..ColumnMapping::default()
                },
                ColumnMapping {
                    field: "started_time".into(),
                    header: "Hora".into(),
                    ..ColumnMapping::default()
                },
                ColumnMapping {
                    field: "wait".into(),
                    header: "Espera".into(),
                    unit: Some(DurationUnit::Millis),
                    ..ColumnMapping::default()
                },
            ],
        };
        let back = Mapping::from_json(&m.to_json()).unwrap();
        let want = Mapping {
            columns: m
                .columns
                .iter()
                .map(|c| ColumnMapping {
                    confidence: 1.0,
                    ..c.clone()
                })
                .collect(),
        };
        assert_eq!(back, want, "every part survives the JSON round trip");
        assert_eq!(
            back.columns[0].translate(" SÍ "),
            Some("yes"),
            "any case, trimmed"
        );
        assert_eq!(
            back.columns[0].translate("Si"),
            None,
            "an accent is part of the word"
        );
        assert_eq!(back.columns[1].translate("completed"), Some("handled"));
        assert!(Mapping::from_json(
            r#"{"columns":[{"field":"x","header":"y","values":[{"value":1}]}]}"#
        )
        .is_err());
    }

    #[test]
    fn spanish_and_portuguese_headings_map_with_or_without_accents() {
        let h = headers(&[
            "Fecha",
            "Llamadas entrantes",
            "Llamadas atendidas",
            "Llamadas abandonadas",
            "Nível de serviço",
        ]);
        let m = match_columns(Kind::Intervals, &h);
        assert_eq!(m.get("interval_start").unwrap().header, "Fecha");
        assert_eq!(m.get("offered").unwrap().header, "Llamadas entrantes");
        assert_eq!(m.get("handled").unwrap().header, "Llamadas atendidas");
        assert_eq!(m.get("abandoned").unwrap().header, "Llamadas abandonadas");
        assert_eq!(
            m.get("service_level_pct").unwrap().header,
            "Nível de serviço"
        );
        let pt = headers(&[
            "Data",
            "Chamadas recebidas",
            "Chamadas atendidas",
            "Chamadas abandonadas",
            "TMA",
        ]);
        let m = match_columns(Kind::Intervals, &pt);
        assert_eq!(m.get("offered").unwrap().header, "Chamadas recebidas");
        assert_eq!(m.get("aht").unwrap().header, "TMA");
    }

    #[test]
    fn kinds_are_told_apart_by_their_headers() {
        let cases: &[(&[&str], Kind)] = &[
            (
                &["contact_id", "started_at", "outcome", "wait_s"],
                Kind::Interactions,
            ),
            (
                &["interval_start", "queue", "offered", "handled", "aht"],
                Kind::Intervals,
            ),
            (&["responded_at", "csat", "nps"], Kind::Surveys),
            (
                &["evaluated_at", "agent", "score", "critical_error"],
                Kind::Quality,
            ),
            (&["date", "agent", "paid_h", "scheduled_h"], Kind::Workforce),
            (&["month", "program", "revenue", "cost"], Kind::Finance),
        ];
        for (h, want) in cases {
            let (kind, _) = detect_kind(&headers(h)).unwrap_or_else(|| panic!("{h:?} has a kind"));
            assert_eq!(kind, *want, "{h:?}");
        }
        assert!(detect_kind(&headers(&["foo", "bar"])).is_none());
    }

    #[test]
    fn presets_are_recognised_from_headers() {
        let genesys = headers(&[
            "Conversation ID",
            "Date",
            "Direction",
            "Media Type",
            "Queue",
            "Users - Interacted",
            "Abandoned",
            "Transferred",
            "Non-ACD",
            "Wrap-up",
            "Total Queue",
            "Total Alert",
            "Total Handle",
            "Total Talk",
            "Total Hold",
            "Total ACW",
        ]);
        assert_eq!(detect_preset(&genesys), Some(Preset::GenesysInteractions));
        let m = preset_mapping(Preset::GenesysInteractions, &genesys);
        assert_eq!(
            m.get("wait").unwrap().header,
            "Total Queue",
            "alert time is not queue wait"
        );
        assert_eq!(m.get("wait").unwrap().unit, Some(DurationUnit::Millis));
        assert!(
            !m.columns.iter().any(|c| c.header == "Wrap-up"),
            "the wrap-up code is not a duration: {m:?}"
        );
        let five9 = headers(&[
            "CALL ID",
            "TIMESTAMP",
            "CAMPAIGN",
            "CALL TYPE",
            "AGENT",
            "AGENT NAME",
            "DISPOSITION",
            "QUEUE WAIT TIME",
            "TALK TIME",
            "HOLD TIME",
            "AFTER CALL WORK TIME",
            "TRANSFERS",
            "ABANDONED",
        ]);
        assert_eq!(detect_preset(&five9), Some(Preset::Five9CallLog));
        assert_eq!(detect_preset(&headers(&["a", "b"])), None);
    }
}
