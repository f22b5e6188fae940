//! The build report: every row rejected, repaired or merged, with file, line
//! and reason, plus a summary per source. Nothing is dropped silently: every
//! reader records what it did with each row here.

use serde::Serialize;
use std::collections::BTreeMap;

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The row was not kept.
    Rejected,
    /// The row was kept after a correction (for example a code padded back to 5 digits).
    Repaired,
    /// The row describes a place already known from another row or source; its
    /// provenance was added to that place.
    Merged,
    /// Not a row: something about the whole file that affects every row, such
    /// as a column the reader uses that the header lacks (line 1). Counted in
    /// no column of the summary.
    Warning,
}

/// One reported row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Source identifier (as in `data/sources.toml`).
    pub source: String,
    /// File name the row was read from.
    pub file: String,
    /// 1-based line (CSV: physical line of the record; JSON: record number).
    pub line: u64,
    /// What was done.
    pub action: Action,
    /// Short machine-readable reason ("bad-coordinates", "outside-communes", ...).
    pub reason: String,
    /// Human explanation with the offending value.
    pub detail: String,
}

/// Per-source counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Rows read.
    pub read: u64,
    /// Rows kept as new features (repaired rows included).
    pub kept: u64,
    /// Rows merged into an existing feature.
    pub merged: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows kept after a repair.
    pub repaired: u64,
}

/// The whole report.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Counts per source id.
    pub summary: BTreeMap<String, Summary>,
    /// Every rejected, repaired or merged row, and warnings about whole files.
    pub entries: Vec<Entry>,
}

impl Report {
    /// Counts a row as read.
    pub fn read(&mut self, source: &str) {
        self.summary.entry(source.to_owned()).or_default().read += 1;
    }

    /// Counts a row as kept (call [`Report::note`] too if it was repaired).
    pub fn kept(&mut self, source: &str) {
        self.summary.entry(source.to_owned()).or_default().kept += 1;
    }

    /// Records a rejected, repaired or merged row and updates the counts.
    pub fn note(
        &mut self,
        source: &str,
        file: &str,
        line: u64,
        action: Action,
        reason: &str,
        detail: impl Into<String>,
    ) {
        let s = self.summary.entry(source.to_owned()).or_default();
        match action {
            Action::Rejected => s.rejected += 1,
            Action::Repaired => s.repaired += 1,
            Action::Merged => s.merged += 1,
            Action::Warning => {}
        }
        self.entries.push(Entry {
            source: source.to_owned(),
            file: file.to_owned(),
            line,
            action,
            reason: reason.to_owned(),
            detail: detail.into(),
        });
    }

    /// Records the repairs of one kept row, `(reason, detail)` each: one
    /// entry per repair, but the row counts once in the summary's
    /// `repaired`.
    pub fn repaired_row<'a>(
        &mut self,
        source: &str,
        file: &str,
        line: u64,
        repairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let before = self.entries.len();
        for (reason, detail) in repairs {
            self.entries.push(Entry {
                source: source.to_owned(),
                file: file.to_owned(),
                line,
                action: Action::Repaired,
                reason: reason.to_owned(),
                detail: detail.to_owned(),
            });
        }
        if self.entries.len() > before {
            self.summary.entry(source.to_owned()).or_default().repaired += 1;
        }
    }

    /// Moves a row that was counted as kept to merged (used by de-duplication,
    /// which runs after the rows were read).
    pub fn kept_to_merged(
        &mut self,
        source: &str,
        file: &str,
        line: u64,
        detail: impl Into<String>,
    ) {
        if let Some(s) = self.summary.get_mut(source) {
            s.kept = s.kept.saturating_sub(1);
        }
        self.note(
            source,
            file,
            line,
            Action::Merged,
            "duplicate-place",
            detail,
        );
    }

    /// Entries for one source, for tests and the printed summary.
    pub fn entries_for<'a>(&'a self, source: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.source == source)
    }

    /// How many rows of a source were read and rejected, and why: "3 rows
    /// read, 2 rejected: bad-record 1, unknown-commune 1".
    pub fn rejections(&self, source: &str) -> String {
        let s = self.summary.get(source).cloned().unwrap_or_default();
        let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
        for e in self.entries_for(source) {
            if e.action == Action::Rejected {
                *reasons.entry(e.reason.as_str()).or_default() += 1;
            }
        }
        let mut out = format!("{} rows read, {} rejected", s.read, s.rejected);
        if !reasons.is_empty() {
            let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
            out.push_str(&format!(": {}", list.join(", ")));
        }
        out
    }

    /// The summary as a table, one line per source, for the terminal.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<28} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
            "source", "read", "kept", "merged", "rejected", "repaired"
        );
        for (id, s) in &self.summary {
            out.push_str(&format!(
                "{:<28} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
                id, s.read, s.kept, s.merged, s.rejected, s.repaired
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_notes() {
        let mut r = Report::default();
        for _ in 0..3 {
            r.read("fs");
        }
        r.kept("fs");
        r.kept("fs");
        r.note(
            "fs",
            "fs.csv",
            4,
            Action::Rejected,
            "bad-coordinates",
            "latitude 'abc'",
        );
        r.kept_to_merged("fs", "fs.csv", 3, "same as fs.csv:2");
        r.repaired_row(
            "fs",
            "fs.csv",
            2,
            [("encoding", "nom"), ("code-padded", "cp")],
        );
        r.repaired_row("fs", "fs.csv", 2, []);
        let s = &r.summary["fs"];
        assert_eq!(
            (s.read, s.kept, s.merged, s.rejected, s.repaired),
            (3, 1, 1, 1, 1)
        );
        assert_eq!(r.entries_for("fs").count(), 4);
        assert_eq!(
            r.rejections("fs"),
            "3 rows read, 1 rejected: bad-coordinates 1"
        );
        assert_eq!(r.rejections("none"), "0 rows read, 0 rejected");
        assert!(r.table().contains("fs"));
    }
}
