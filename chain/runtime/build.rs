//! Builds the runtime's WebAssembly blob (`WASM_BINARY`, see `src/lib.rs`).
//!
//! Same builder settings as contracts-node-runtime 0.42.0's build script
//! (`with_current_project`, `export_heap_base`, `import_memory`), which is also what
//! `WasmBuilder::build_using_defaults()` does in substrate-wasm-builder 24.0.1.

/// Native build (`std`): compile the Wasm runtime and write `$OUT_DIR/wasm_binary.rs`.
#[cfg(feature = "std")]
fn main() {
    substrate_wasm_builder::WasmBuilder::new()
        .with_current_project()
        .export_heap_base()
        .import_memory()
        .build();
}

/// The Wasm build of this crate itself (no `std`): nothing to do.
#[cfg(not(feature = "std"))]
fn main() {}
