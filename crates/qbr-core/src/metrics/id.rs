//! The ids of the built-in metrics, which the catalog describes and custom metrics may not
//! take.

use std::fmt;

macro_rules! metric_ids {
    ($($variant:ident => $id:literal;)*) => {
        /// A built-in metric.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MetricId { $($variant),* }

        impl MetricId {
            /// In catalog order.
            pub const ALL: &'static [MetricId] = &[$(MetricId::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(MetricId::$variant => $id),* }
            }
        }
    };
}

metric_ids! {
    Offered => "offered";
    Handled => "handled";
    ServiceLevel => "service_level";
    Asa => "asa";
    AbandonRate => "abandon_rate";
    Aht => "aht";
    Fcr => "fcr";
    Csat => "csat";
    Nps => "nps";
    Ces => "ces";
    Occupancy => "occupancy";
    Utilization => "utilization";
    Adherence => "adherence";
    Shrinkage => "shrinkage";
    Attrition => "attrition";
    QualityScore => "quality_score";
    ErrorRate => "error_rate";
    CostPerContact => "cost_per_contact";
    RevenuePerEmployee => "revenue_per_employee";
    RevenuePerFte => "revenue_per_fte";
    ProfitMargin => "profit_margin";
    Roi => "roi";
}

impl MetricId {
    pub fn parse(id: &str) -> Option<MetricId> {
        MetricId::ALL.iter().copied().find(|m| m.as_str() == id)
    }
}

impl fmt::Display for MetricId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
