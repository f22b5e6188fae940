//! Any bytes as a layer file, read the three ways the widget reads one
//! (whole, through the index, streamed by ranges): errors are expected,
//! a panic, a hang or an allocation out of proportion is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fgb_corpus/read.rs"]
mod read;

fuzz_target!(|data: &[u8]| {
    let _ = read::whole(data);
    let _ = read::indexed(data);
    let _ = read::streamed(data, |_, body| body);
});
