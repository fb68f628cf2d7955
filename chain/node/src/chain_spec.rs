//! The consortium's chain specifications, chosen by `--chain`:
//!
//! * `consortium-local` (the default): four validators, payer, hospital, pharmacy and
//!   regulator, each with its Aura (sr25519) and GRANDPA (ed25519) key derived from its seed
//!   (`//Payer`, ...) and its libp2p node authorized in `pallet-node-authorization`;
//! * `consortium-dev`: Alice alone, for a quick single-node check.

use consortium_runtime::{AccountId, WASM_BINARY};
use sc_network::config::ed25519;
use sc_service::{ChainType, Properties};
use sp_consensus_aura::sr25519::{AuthorityId as AuraId, AuthorityPair as AuraPair};
use sp_consensus_grandpa::{AuthorityId as GrandpaId, AuthorityPair as GrandpaPair};
use sp_core::{sr25519, Pair};

/// The chain specification type: the generic one, without extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// `--chain` name of the four-validator network (also chosen when `--chain` is absent).
pub const LOCAL_CHAIN: &str = "consortium-local";
/// `--chain` name of the single-validator development chain (also `--dev`).
pub const DEV_CHAIN: &str = "consortium-dev";

/// What every endowed account holds at genesis (as contracts-node: 1 << 60).
const ENDOWMENT: u64 = 1 << 60;

// TEST KEYS ONLY. The four libp2p node keys are ed25519 secrets (32 bytes, hex) of a
// network that runs on loopback for development and tests, read from
// chain/network/NAME.node-key (the files scripts/network.sh passes with
// `--node-key-file`): they are public and must never identify a node on a real network,
// where each member generates its own key and the consortium authorizes its peer id.

/// libp2p node key (ed25519 secret, hex) of the payer's validator.
pub const PAYER_NODE_KEY: &str = include_str!("../../network/payer.node-key");
/// libp2p node key (ed25519 secret, hex) of the hospital's validator.
pub const HOSPITAL_NODE_KEY: &str = include_str!("../../network/hospital.node-key");
/// libp2p node key (ed25519 secret, hex) of the pharmacy's validator.
pub const PHARMACY_NODE_KEY: &str = include_str!("../../network/pharmacy.node-key");
/// libp2p node key (ed25519 secret, hex) of the regulator's validator.
pub const REGULATOR_NODE_KEY: &str = include_str!("../../network/regulator.node-key");

/// A validator of `consortium-local`.
pub struct Validator {
    /// Its name (`--name`); documentation for scripts, not read by the node.
    #[allow(dead_code)]
    pub name: &'static str,
    /// The secret URI its Aura (sr25519), GRANDPA (ed25519) keys and its account derive from.
    pub seed: &'static str,
    /// Its libp2p node key (ed25519 secret, hex).
    pub node_key: &'static str,
}

/// The four validators of `consortium-local`, in the order of their ports.
pub const VALIDATORS: [Validator; 4] = [
    Validator {
        name: "payer",
        seed: "//Payer",
        node_key: PAYER_NODE_KEY,
    },
    Validator {
        name: "hospital",
        seed: "//Hospital",
        node_key: HOSPITAL_NODE_KEY,
    },
    Validator {
        name: "pharmacy",
        seed: "//Pharmacy",
        node_key: PHARMACY_NODE_KEY,
    },
    Validator {
        name: "regulator",
        seed: "//Regulator",
        node_key: REGULATOR_NODE_KEY,
    },
];

/// The development accounts endowed on both chains (the suite's scripts sign with //Alice).
const DEV_ACCOUNTS: [&str; 6] = [
    "//Alice",
    "//Bob",
    "//Charlie",
    "//Dave",
    "//Eve",
    "//Ferdie",
];

/// The public key of `P` that the secret URI `suri` derives.
fn public_of<P: Pair>(suri: &str) -> P::Public {
    P::from_string(suri, None)
        .unwrap_or_else(|e| panic!("static secret URI {suri} is valid: {e:?}"))
        .public()
}

/// The (sr25519) account that `suri` derives.
pub fn account_of(suri: &str) -> AccountId {
    AccountId::from(public_of::<sr25519::Pair>(suri))
}

/// The Aura and GRANDPA authority keys that `suri` derives.
fn authority_keys_of(suri: &str) -> (AuraId, GrandpaId) {
    (public_of::<AuraPair>(suri), public_of::<GrandpaPair>(suri))
}

/// 32 bytes from 64 hex digits (an optional `0x` prefix allowed).
fn decode_hex32(hex: &str) -> Result<[u8; 32], String> {
    let digits = hex.trim();
    let digits = digits.strip_prefix("0x").unwrap_or(digits);
    if digits.len() != 64 || !digits.is_ascii() {
        return Err(format!("a node key must be 64 hex digits, got {:?}", hex));
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16)
            .map_err(|e| format!("node key {:?} is not hex: {}", hex, e))?;
    }
    Ok(bytes)
}

/// The libp2p `PeerId` of the node whose ed25519 secret is `node_key_hex`, as the node itself
/// computes it from `--node-key` (identity multihash of the protobuf-encoded public key).
pub fn peer_id_of(node_key_hex: &str) -> Result<sc_network::PeerId, String> {
    let secret = ed25519::SecretKey::try_from_bytes(decode_hex32(node_key_hex)?)
        .map_err(|e| format!("invalid ed25519 node key: {:?}", e))?;
    Ok(ed25519::Keypair::from(secret).public().to_peer_id())
}

/// The bytes `pallet-node-authorization` stores for a node: `PeerId::to_bytes()`, the
/// multihash bytes (38 for an ed25519 key), not the base58 text. They are what the
/// offchain worker compares with the node's own id and hands to
/// `sp_io::offchain::set_authorized_nodes`, which parses them with `PeerId::from_bytes`.
fn peer_id_bytes(node_key_hex: &str) -> Result<Vec<u8>, String> {
    peer_id_of(node_key_hex).map(|peer_id| peer_id.to_bytes())
}

/// Token properties shown by wallets and explorers (as contracts-node's).
fn properties() -> Properties {
    let mut properties = Properties::new();
    properties.insert("tokenSymbol".into(), "UNIT".into());
    properties.insert("tokenDecimals".into(), 12.into());
    properties.insert("ss58Format".into(), 42.into());
    properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| "the runtime's WASM binary was not built".to_string())
}

/// Accounts endowed on both chains: the four validators' and the six development accounts.
fn endowed_accounts() -> Vec<AccountId> {
    VALIDATORS
        .iter()
        .map(|v| v.seed)
        .chain(DEV_ACCOUNTS)
        .map(account_of)
        .collect()
}

/// The four-validator network on loopback.
pub fn local_config() -> Result<ChainSpec, String> {
    let authorities = VALIDATORS
        .iter()
        .map(|v| authority_keys_of(v.seed))
        .collect::<Vec<_>>();
    let nodes = VALIDATORS
        .iter()
        .map(|v| -> Result<(Vec<u8>, AccountId), String> {
            Ok((peer_id_bytes(v.node_key)?, account_of(v.seed)))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(ChainSpec::builder(wasm_binary()?, None)
        .with_name("Healthcare Consortium (local)")
        .with_id("consortium_local")
        .with_chain_type(ChainType::Local)
        .with_protocol_id("consortium")
        .with_properties(properties())
        .with_genesis_config_patch(genesis(
            &authorities,
            nodes,
            endowed_accounts(),
            account_of("//Alice"),
        ))
        .build())
}

/// A single validator, Alice, for a quick check (`--dev`, or `--chain consortium-dev`).
/// No node is authorized: a lone node needs no peers.
pub fn dev_config() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm_binary()?, None)
        .with_name("Healthcare Consortium (development)")
        .with_id("consortium_dev")
        .with_chain_type(ChainType::Development)
        .with_protocol_id("consortium-dev")
        .with_properties(properties())
        .with_genesis_config_patch(genesis(
            &[authority_keys_of("//Alice")],
            Vec::new(),
            endowed_accounts(),
            account_of("//Alice"),
        ))
        .build())
}

/// The genesis patch (merged by the runtime's `GenesisBuilder` over its defaults).
///
/// Shapes: `balances.balances: [[account, amount]]`, `aura.authorities: [aura_id]`,
/// `grandpa.authorities: [[grandpa_id, weight]]`, `sudo.key: account`,
/// `nodeAuthorization.nodes: [[[peer id bytes], owner account]]`.
fn genesis(
    authorities: &[(AuraId, GrandpaId)],
    nodes: Vec<(Vec<u8>, AccountId)>,
    endowed: Vec<AccountId>,
    root: AccountId,
) -> serde_json::Value {
    serde_json::json!({
        "balances": {
            "balances": endowed.into_iter().map(|a| (a, ENDOWMENT)).collect::<Vec<_>>(),
        },
        "aura": {
            "authorities": authorities.iter().map(|(aura, _)| aura.clone()).collect::<Vec<_>>(),
        },
        "grandpa": {
            "authorities": authorities
                .iter()
                .map(|(_, grandpa)| (grandpa.clone(), 1u64))
                .collect::<Vec<_>>(),
        },
        "sudo": {
            "key": Some(root),
        },
        "nodeAuthorization": {
            "nodes": nodes,
        },
    })
}
