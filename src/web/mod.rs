//! Browser glue (wasm32 only): converts and delegates to the core.
