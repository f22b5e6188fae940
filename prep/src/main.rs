//! `maillage-prep` command line: see `maillage-prep --help`.
fn main(){}
