//! Writes `CONTRACTS` (`$OUT_DIR/contracts.rs`) from `contracts/suite.json`, the one list
//! of the suite's contracts, so that the tools and the tests read the list the scripts
//! and the dApp read.

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let suite = manifest.join("../../contracts/suite.json");
    println!("cargo:rerun-if-changed={}", suite.display());
    let text = fs::read_to_string(&suite).unwrap_or_else(|e| panic!("{}: {e}", suite.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", suite.display()));
    let names: Vec<String> = json["contracts"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `contracts` list", suite.display()))
        .iter()
        .map(|c| {
            c["name"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: a contract without a name", suite.display()))
                .to_string()
        })
        .collect();
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("contracts.rs");
    fs::write(
        out,
        format!(
            "/// The suite's contracts, in deployment order (the governor first: every other names\n\
             /// it), from `contracts/suite.json`.\n\
             pub const CONTRACTS: [&str; {}] = {:?};\n",
            names.len(),
            names
        ),
    )
    .expect("writing contracts.rs");
}
