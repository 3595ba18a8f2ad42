//! Writes the table into BENCHMARKS.md between its `bench:begin`/`bench:end` markers,
//! keeping the rest of the file.

use std::path::Path;

use anyhow::Result;

use crate::first_load::MIN_LOADS;
use crate::machine::machine;
use crate::stats::Table;

const BEGIN: &str = "<!-- bench:begin (written by `make bench`; edit outside these markers) -->";
const END: &str = "<!-- bench:end -->";

pub(crate) fn write_report(out: &Path, runs: usize, table: &Table) -> Result<()> {
    let block = format!(
        "{BEGIN}\n## Latest run\n\n{}\nEvery figure is the median of {runs} runs (the loads: at least {MIN_LOADS}; the `runs` column says how many), after one warm-up run, with min and max; \
         ratios are taken run by run in the same run. Sizes are the files nginx serves for the \
         first load (index.html and everything it loads), raw and as their pre-compressed \
         `.gz`/`.br`.\n\n{}{END}",
        machine(),
        table.markdown()
    );
    let text = match std::fs::read_to_string(out) {
        Ok(old) if old.contains(BEGIN) && old.contains(END) => {
            let (head, rest) = old.split_once(BEGIN).unwrap_or_default();
            let (_, tail) = rest.split_once(END).unwrap_or_default();
            format!("{head}{block}{tail}")
        }
        Ok(old) => format!("{}\n\n{block}\n", old.trim_end()),
        Err(_) => format!("# Benchmarks\n\n{block}\n"),
    };
    std::fs::write(out, text)?;
    println!("\nwritten: {}", out.display());
    Ok(())
}
