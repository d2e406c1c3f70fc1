//! Saved queue-to-program and campaign-to-program mappings (the `program_alias` table). They let
//! next quarter's export, which names only queues or campaigns, land in the right programs.

use rusqlite::params;

use super::Workspace;
use crate::error::{Error, Result};
use crate::import::ProgramAliases;

/// What an alias is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AliasSource {
    Queue,
    Campaign,
}

impl AliasSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AliasSource::Queue => "queue",
            AliasSource::Campaign => "campaign",
        }
    }

    pub fn parse(text: &str) -> Result<AliasSource> {
        match text.trim().to_ascii_lowercase().as_str() {
            "queue" => Ok(AliasSource::Queue),
            "campaign" => Ok(AliasSource::Campaign),
            other => Err(Error::InvalidSetting {
                field: "source".into(),
                message: format!("{other:?} is not an alias source; expected queue or campaign"),
            }),
        }
    }
}

/// One saved mapping: rows with this queue (or campaign) belong to `program`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramAlias {
    pub source: AliasSource,
    pub source_name: String,
    pub program: String,
}

impl Workspace {
    /// Every saved alias, by source then name.
    pub fn program_aliases(&self) -> Result<Vec<ProgramAlias>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.source_type, a.source_name, p.name
               FROM program_alias a JOIN program p ON p.id = a.program_id
              ORDER BY a.source_type, a.source_name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (source, source_name, program) = row?;
            Ok(ProgramAlias {
                source: AliasSource::parse(&source)?,
                source_name,
                program,
            })
        })
        .collect()
    }

    /// The saved aliases as an import applies them.
    pub fn import_aliases(&self) -> Result<ProgramAliases> {
        let mut out = ProgramAliases::default();
        for a in self.program_aliases()? {
            match a.source {
                AliasSource::Queue => out.add_queue(&a.source_name, &a.program),
                AliasSource::Campaign => out.add_campaign(&a.source_name, &a.program),
            }
        }
        Ok(out)
    }

    /// Saves (or replaces) the program of a queue or campaign name.
    pub fn set_program_alias(&mut self, alias: &ProgramAlias) -> Result<()> {
        let name = alias.source_name.trim();
        let program = alias.program.trim();
        if name.is_empty() || program.is_empty() {
            return Err(Error::InvalidSetting {
                field: "alias".into(),
                message: "both the queue or campaign name and the program are needed".into(),
            });
        }
        let mut tx = self.write()?;
        let program_id = tx.member_id(crate::Dimension::Program, program)?;
        // Imports match names ignoring case, so "Billing" and "billing" are one alias.
        tx.conn().execute(
            "DELETE FROM program_alias WHERE source_type = ?1 AND lower(source_name) = lower(?2)",
            params![alias.source.as_str(), name],
        )?;
        tx.conn().execute(
            "INSERT INTO program_alias (source_type, source_name, program_id) VALUES (?1, ?2, ?3)",
            params![alias.source.as_str(), name, program_id],
        )?;
        tx.commit()
    }

    /// Removes a saved alias; `false` when there was none.
    pub fn remove_program_alias(&mut self, source: AliasSource, source_name: &str) -> Result<bool> {
        let tx = self.write()?;
        let n = tx.conn().execute(
            "DELETE FROM program_alias WHERE source_type = ?1 AND lower(source_name) = lower(?2)",
            params![source.as_str(), source_name.trim()],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }
}
