//! Stage timing and peak memory, printed by every build so that the cost of
//! each stage of the national build is always visible (`maillage-prep bench`
//! prints the same table for a build into a scratch folder).

use std::time::{Duration, Instant};

/// One finished stage.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Stage name.
    pub name: String,
    /// Wall time.
    pub elapsed: Duration,
    /// Peak resident memory during the stage, in MiB (Linux only; 0 elsewhere).
    pub peak_mib: f64,
}

/// Records stages one after the other.
#[derive(Debug, Default)]
pub struct Stages {
    /// Finished stages.
    pub done: Vec<Stage>,
}

impl Stages {
    /// Runs `f` as a stage named `name`.
    pub fn run<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        reset_peak();
        let start = Instant::now();
        let out = f();
        self.done.push(Stage {
            name: name.to_owned(),
            elapsed: start.elapsed(),
            peak_mib: peak_mib(),
        });
        out
    }

    /// The table printed at the end of a build.
    pub fn table(&self) -> String {
        let mut s = format!("{:<24} {:>10} {:>14}\n", "stage", "seconds", "peak RSS MiB");
        let mut total = Duration::ZERO;
        let mut peak: f64 = 0.0;
        for st in &self.done {
            s.push_str(&format!(
                "{:<24} {:>10.2} {:>14.0}\n",
                st.name,
                st.elapsed.as_secs_f64(),
                st.peak_mib
            ));
            total += st.elapsed;
            peak = peak.max(st.peak_mib);
        }
        s.push_str(&format!(
            "{:<24} {:>10.2} {:>14.0}\n",
            "total",
            total.as_secs_f64(),
            peak
        ));
        s
    }
}

/// Resets the kernel's peak-RSS counter of this process (Linux ≥ 4.0), so
/// each stage reports its own peak.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_stages_in_order() {
        let mut s = Stages::default();
        let v = s.run("one", || 41 + 1);
        s.run("two", || std::thread::sleep(Duration::from_millis(5)));
        assert_eq!(v, 42);
        assert_eq!(s.done.len(), 2);
        assert!(s.done[1].elapsed >= Duration::from_millis(5));
        if cfg!(target_os = "linux") {
            assert!(s.done[0].peak_mib > 0.0);
        }
        let t = s.table();
        assert!(t.contains("one") && t.contains("total"), "{t}");
    }
}
