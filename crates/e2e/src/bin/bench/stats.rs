//! The figures: the median, min and max of repeated runs, and the table they are printed in
//! (a line per figure as it is measured, then Markdown for BENCHMARKS.md).

use std::fmt::Write as _;

use anyhow::Result;

/// Median, min and max of repeated runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stat {
    pub(crate) median: f64,
    min: f64,
    max: f64,
    n: usize,
}

pub(crate) fn stat(v: &[f64]) -> Stat {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        return Stat {
            median: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
            n,
        };
    }
    let median = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    Stat {
        median,
        min: s[0],
        max: s[n - 1],
        n,
    }
}

/// One line of the table.
struct Row {
    figure: String,
    unit: &'static str,
    stat: Option<Stat>,
    budget: String,
    /// None: nothing to judge (a figure to report).
    ok: Option<bool>,
    note: String,
}

#[derive(Default)]
pub(crate) struct Table {
    rows: Vec<Row>,
}

impl Table {
    pub(crate) fn add(
        &mut self,
        figure: impl Into<String>,
        unit: &'static str,
        s: Stat,
        budget: &str,
        ok: Option<bool>,
    ) {
        let row = Row {
            figure: figure.into(),
            unit,
            stat: Some(s),
            budget: budget.into(),
            ok,
            note: String::new(),
        };
        println!("{}", line(&row));
        self.rows.push(row);
    }

    /// Records a section that could not be measured, with its error.
    pub(crate) fn failed(&mut self, section: &str, r: Result<()>) {
        if let Err(e) = r {
            eprintln!("{section}: {e:?}");
            let first = format!("{e:#}");
            let first = first.lines().next().unwrap_or_default();
            self.missing(section, "", first.chars().take(160).collect::<String>());
        }
    }

    pub(crate) fn missing(
        &mut self,
        figure: impl Into<String>,
        budget: &str,
        why: impl Into<String>,
    ) {
        let row = Row {
            figure: figure.into(),
            unit: "",
            stat: None,
            budget: budget.into(),
            ok: None,
            note: why.into(),
        };
        println!("{}", line(&row));
        self.rows.push(row);
    }

    pub(crate) fn markdown(&self) -> String {
        let mut s = String::from(
            "| figure | median | min | max | runs | budget | |\n| --- | ---: | ---: | ---: | ---: | --- | --- |\n",
        );
        for r in &self.rows {
            let verdict = match r.ok {
                Some(true) => "within",
                Some(false) => "**missed**",
                None => "",
            };
            match r.stat {
                Some(st) => {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} | {} | {} | {} |",
                        r.figure,
                        fmt(st.median, r.unit),
                        fmt(st.min, r.unit),
                        fmt(st.max, r.unit),
                        st.n,
                        r.budget,
                        verdict
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "| {} | not measured: {} | | | | {} | |",
                        r.figure, r.note, r.budget
                    );
                }
            }
        }
        s
    }
}

fn fmt(v: f64, unit: &str) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    match unit {
        "ms" if v < 10.0 => format!("{v:.2} ms"),
        "ms" => format!("{v:.0} ms"),
        "s" => format!("{v:.2} s"),
        "KB" => format!("{:.1} KB", v / 1000.0),
        "MB" => format!("{:.1} MB", v / 1e6),
        "x" => format!("{v:.1}×"),
        "" => format!("{v:.0}"),
        u => format!("{v:.1} {u}"),
    }
}

fn line(r: &Row) -> String {
    match r.stat {
        Some(s) => format!(
            "{:<62} {:>12} (min {:>10}, max {:>10}, n={})  budget {}{}",
            r.figure,
            fmt(s.median, r.unit),
            fmt(s.min, r.unit),
            fmt(s.max, r.unit),
            s.n,
            r.budget,
            match r.ok {
                Some(true) => "  ok",
                Some(false) => "  MISSED",
                None => "",
            }
        ),
        None => format!("{:<62} not measured: {}", r.figure, r.note),
    }
}

pub(crate) fn constant(v: f64) -> Stat {
    Stat {
        median: v,
        min: v,
        max: v,
        n: 1,
    }
}
