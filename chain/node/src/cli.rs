//! Command-line interface: `run` (the default, flattened `sc_cli::RunCmd`) and the
//! chain-maintenance subcommands.

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
    /// A maintenance subcommand; without one the node runs.
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    /// Options of the running node (`--chain`, `--validator`, `--base-path`, ...).
    #[clap(flatten)]
    pub run: sc_cli::RunCmd,
}

/// The maintenance subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key utilities: insert a session key into a keystore, generate or inspect a node key.
    #[command(subcommand)]
    Key(sc_cli::KeySubcommand),

    /// Build a chain specification (`--raw` for the storage form).
    BuildSpec(sc_cli::BuildSpecCmd),

    /// Validate a block.
    CheckBlock(sc_cli::CheckBlockCmd),

    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),

    /// Export the state of a given block into a chain specification.
    ExportState(sc_cli::ExportStateCmd),

    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),

    /// Information about the database's meta columns.
    ChainInfo(sc_cli::ChainInfoCmd),
}
