//! The recent-workspaces list, kept in the app's config folder. It is the app's memory of which
//! files the user chose; commands that open a recent file accept only paths on this list, so the
//! web view can never name an arbitrary file for Rust to open.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentList {
    pub entries: Vec<RecentEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentEntry {
    pub path: PathBuf,
    pub client_name: String,
    pub opened_at: String,
    /// The period last looked at in this workspace ("2026-Q3"); absent in lists from older versions.
    #[serde(default)]
    pub period: Option<String>,
    /// The workspace's locale when it was last opened, so the start page writes this entry's
    /// dates as the workspace does; absent in lists from older versions (then en-GB).
    #[serde(default)]
    pub locale: Option<String>,
}

impl RecentList {
    /// Reads the list; a missing or unreadable file is an empty list, never an error to the user.
    pub fn load(file: &Path) -> RecentList {
        std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the list atomically (`qbr_api::atomic`).
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        qbr_api::atomic::write(file, &serde_json::to_vec_pretty(self)?)
    }

    /// Moves `path` to the top, adding it if new, and keeps the list short.
    /// Keeps the period remembered for that file; records its locale.
    pub fn touch(&mut self, path: &Path, client_name: &str, locale: &str, opened_at: &str) {
        let period = self.period_of(path);
        self.entries.retain(|e| e.path != path);
        self.entries.insert(
            0,
            RecentEntry {
                path: path.to_path_buf(),
                client_name: client_name.to_string(),
                opened_at: opened_at.to_string(),
                period,
                locale: Some(locale.to_string()),
            },
        );
        self.entries.truncate(MAX_RECENT);
    }

    pub fn period_of(&self, path: &Path) -> Option<String> {
        self.entries
            .iter()
            .find(|e| e.path == path)
            .and_then(|e| e.period.clone())
    }

    /// Remembers the period looked at in `path`; false when the file is not on the list.
    pub fn set_period(&mut self, path: &Path, period: &str) -> bool {
        match self.entries.iter_mut().find(|e| e.path == path) {
            Some(entry) => {
                entry.period = Some(period.to_string());
                true
            }
            None => false,
        }
    }

    /// Records `path`'s locale after a change in Settings; false when the file is not on the list.
    pub fn set_locale(&mut self, path: &Path, locale: &str) -> bool {
        match self.entries.iter_mut().find(|e| e.path == path) {
            Some(entry) => {
                entry.locale = Some(locale.to_string());
                true
            }
            None => false,
        }
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.entries.iter().any(|e| e.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touch_orders_by_recency_without_duplicates_and_caps_the_list() {
        let mut list = RecentList::default();
        for i in 0..12 {
            list.touch(Path::new(&format!("/w/{i}.qbr")), "C", "en-GB", "t");
        }
        list.touch(Path::new("/w/5.qbr"), "Five", "en-US", "later");
        assert_eq!(list.entries.len(), MAX_RECENT, "capped");
        assert_eq!(
            list.entries[0].path,
            Path::new("/w/5.qbr"),
            "most recent first"
        );
        assert_eq!(list.entries[0].client_name, "Five", "details refreshed");
        assert_eq!(
            list.entries[0].locale.as_deref(),
            Some("en-US"),
            "the workspace's locale as of this opening"
        );
        // Changed in Settings: the list follows; a file not on it is not added.
        assert!(list.set_locale(Path::new("/w/5.qbr"), "de-DE"));
        assert_eq!(list.entries[0].locale.as_deref(), Some("de-DE"));
        assert!(!list.set_locale(Path::new("/w/0.qbr"), "de-DE"));
        assert!(!list.contains(Path::new("/w/0.qbr")));
        assert_eq!(
            list.entries
                .iter()
                .filter(|e| e.path == Path::new("/w/5.qbr"))
                .count(),
            1,
            "no duplicates"
        );
        assert!(!list.contains(Path::new("/w/0.qbr")), "oldest dropped");
    }

    #[test]
    fn the_period_is_remembered_per_file_and_survives_reopening() {
        let mut list = RecentList::default();
        list.touch(Path::new("/w/a.qbr"), "A", "en-GB", "t1");
        list.touch(Path::new("/w/b.qbr"), "B", "en-GB", "t2");
        assert!(list.set_period(Path::new("/w/a.qbr"), "2026-Q2"));
        assert!(
            !list.set_period(Path::new("/w/c.qbr"), "2026-Q2"),
            "not on the list"
        );
        list.touch(Path::new("/w/a.qbr"), "A", "en-GB", "t3");
        assert_eq!(
            list.period_of(Path::new("/w/a.qbr")).as_deref(),
            Some("2026-Q2")
        );
        assert_eq!(list.period_of(Path::new("/w/b.qbr")), None);
        // A list written before periods were remembered still reads.
        let old: RecentList = serde_json::from_str(
            r#"{"entries":[{"path":"/w/a.qbr","client_name":"A","opened_at":"t"}]}"#,
        )
        .unwrap();
        assert_eq!(old.entries[0].period, None);
        assert_eq!(
            old.entries[0].locale, None,
            "no locale: the start page uses en-GB"
        );
    }

    #[test]
    fn save_then_load_round_trips_and_garbage_reads_as_empty() {
        let dir = std::env::temp_dir().join(format!("qbr-recent-{}", std::process::id()));
        let file = dir.join("recent.json");
        let mut list = RecentList::default();
        list.touch(
            Path::new("/w/a.qbr"),
            "Acme",
            "en-GB",
            "2026-11-24T09:00:00Z",
        );
        list.save(&file).unwrap();
        assert_eq!(RecentList::load(&file), list);
        std::fs::write(&file, "{not json").unwrap();
        assert_eq!(RecentList::load(&file), RecentList::default());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
