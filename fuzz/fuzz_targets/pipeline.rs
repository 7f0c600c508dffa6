//! Fuzz target `pipeline`: bytes -> up to three documents (DaemonSet, nodes, pods, split at
//! `0xFF`) -> load -> defaults -> validate -> plan -> render_pod for each create -> explain.
//! See `tests/common/pipeline.rs`, shared with the test suite.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/pipeline.rs"]
mod pipeline;

fuzz_target!(|data: &[u8]| {
    let _ = pipeline::run(data);
});
