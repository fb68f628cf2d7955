//! The suite's contracts as the indexer knows them: each address with its name and its
//! metadata's events. A block's events of these contracts are decoded here (those of
//! other contracts are not the suite's and are left out); an event the metadata does not
//! describe is kept raw with the reason, never dropped.

use crate::block::BlockData;
use ink::primitives::AccountId;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use suite_events::ContractEvents;

/// The suite's contracts by address.
pub struct Suite {
    contracts: HashMap<[u8; 32], ContractEvents>,
    names: BTreeMap<String, [u8; 32]>,
}

/// One event of a suite contract, decoded if its metadata describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteEvent {
    /// Its index among the block's events.
    pub index: u32,
    /// The extrinsic that emitted it.
    pub extrinsic: Option<u32>,
    /// The emitting contract's name.
    pub contract: String,
    /// Its address.
    pub address: [u8; 32],
    /// Its topics.
    pub topics: Vec<[u8; 32]>,
    /// Its SCALE data.
    pub raw: Vec<u8>,
    /// The event's label and fields (JSON: accounts in SS58, balances as decimal
    /// strings), or why the metadata does not describe it.
    pub decoded: Result<(String, Json), String>,
}

impl Suite {
    /// The contracts `(name, address, metadata file)`.
    pub fn new<P: AsRef<Path>>(contracts: &[(String, [u8; 32], P)]) -> Result<Self, String> {
        let mut by_address = HashMap::new();
        let mut names = BTreeMap::new();
        for (name, address, metadata) in contracts {
            if by_address
                .insert(*address, ContractEvents::load(name, metadata.as_ref())?)
                .is_some()
            {
                return Err(format!("two contracts at the address of {name}"));
            }
            if names.insert(name.clone(), *address).is_some() {
                return Err(format!("two contracts named {name}"));
            }
        }
        Ok(Self {
            contracts: by_address,
            names,
        })
    }

    /// The contracts a deployment file names, with the metadata it names.
    pub fn from_deployment(path: &Path) -> Result<Self, String> {
        let deployment = suite_client::Deployment::load(path).map_err(|e| e.to_string())?;
        let list: Vec<(String, [u8; 32], &Path)> = deployment
            .contracts
            .iter()
            .map(|(name, c)| (name.clone(), *c.address.as_ref(), c.metadata.as_path()))
            .collect();
        Self::new(&list)
    }

    /// What identifies this suite: its contracts' names and addresses (a database of
    /// another suite is not resumed).
    pub fn fingerprint(&self) -> String {
        self.names
            .iter()
            .map(|(name, address)| format!("{name}={}", crate::block::hex(address)))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The suite's events of `block`, decoded, in the block's order.
    pub fn events(&self, block: &BlockData) -> Vec<SuiteEvent> {
        block
            .events
            .iter()
            .filter_map(|event| {
                let contract = self.contracts.get(&event.contract)?;
                let decoded = contract
                    .decode(&event.topics, &event.data)
                    .map(|decoded| {
                        let fields =
                            suite_events::json(&decoded, contract.registry(), &|account| {
                                suite_client::ss58(&AccountId::from(*account))
                            });
                        (decoded.label, fields)
                    })
                    .map_err(|e| e.to_string());
                Some(SuiteEvent {
                    index: event.index,
                    extrinsic: event.extrinsic,
                    contract: contract.name().to_string(),
                    address: event.contract,
                    topics: event.topics.clone(),
                    raw: event.data.clone(),
                    decoded,
                })
            })
            .collect()
    }
}
