//! A node as a source of blocks: its finalized chain read through subxt (the version
//! ink_e2e uses), block by block by number: each block's hash, time (the timestamp
//! pallet's `Now`) and `Contracts::ContractEmitted` events with their topics, index and
//! extrinsic. Only finalized blocks are read, so a stored block is never reverted.

use crate::block::{BlockData, RawEvent};
use ink_e2e::subxt::{
    self,
    backend::legacy::{rpc_methods::NumberOrHex, LegacyRpcMethods},
    backend::rpc::RpcClient,
    config::Header,
    events::Phase,
    OnlineClient, PolkadotConfig,
};

/// A connection to a node.
pub struct NodeSource {
    api: OnlineClient<PolkadotConfig>,
    rpc: LegacyRpcMethods<PolkadotConfig>,
}

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl NodeSource {
    /// Connects to the node at `url` (`ws://…`).
    pub async fn connect(url: &str) -> Result<Self, String> {
        let client = RpcClient::from_url(url)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let api = OnlineClient::<PolkadotConfig>::from_rpc_client(client.clone())
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        Ok(Self {
            api,
            rpc: LegacyRpcMethods::new(client),
        })
    }

    /// The chain's genesis hash.
    pub async fn genesis(&self) -> Result<[u8; 32], String> {
        Ok(self.rpc.genesis_hash().await.map_err(text)?.0)
    }

    /// The number of the last finalized block.
    pub async fn finalized(&self) -> Result<u64, String> {
        let hash = self.rpc.chain_get_finalized_head().await.map_err(text)?;
        let header = self
            .rpc
            .chain_get_header(Some(hash))
            .await
            .map_err(text)?
            .ok_or("the node has no header for its finalized head")?;
        Ok(header.number().into())
    }

    /// The hash of block `number` of the canonical chain, if the node has it.
    pub async fn hash(&self, number: u64) -> Result<Option<[u8; 32]>, String> {
        Ok(self
            .rpc
            .chain_get_block_hash(Some(NumberOrHex::Number(number)))
            .await
            .map_err(text)?
            .map(|hash| hash.0))
    }

    /// Block `number` (at or below the finalized head) with its contract events.
    pub async fn block(&self, number: u64) -> Result<BlockData, String> {
        let hash = self
            .rpc
            .chain_get_block_hash(Some(NumberOrHex::Number(number)))
            .await
            .map_err(text)?
            .ok_or_else(|| format!("the node has no block {number}"))?;
        let parent_hash = self
            .rpc
            .chain_get_header(Some(hash))
            .await
            .map_err(text)?
            .ok_or_else(|| format!("the node has no header of block {number}"))?
            .parent_hash
            .0;
        let now = self
            .api
            .storage()
            .at(hash)
            .fetch(&subxt::dynamic::storage(
                "Timestamp",
                "Now",
                Vec::<subxt::dynamic::Value>::new(),
            ))
            .await
            .map_err(text)?;
        let timestamp_ms = match now {
            Some(value) => value
                .to_value()
                .map_err(text)?
                .as_u128()
                .and_then(|ms| u64::try_from(ms).ok())
                .ok_or_else(|| format!("block {number}: the time is not a u64"))?,
            // Genesis has no time.
            None if number == 0 => 0,
            None => return Err(format!("block {number} has no time")),
        };
        let events = self.api.events().at(hash).await.map_err(text)?;
        let mut out = Vec::new();
        for event in events.iter() {
            let event = event.map_err(text)?;
            if event.pallet_name() != "Contracts" || event.variant_name() != "ContractEmitted" {
                continue;
            }
            let emitted = event
                .as_event::<ink_e2e::events::ContractEmitted<ink::env::DefaultEnvironment>>()
                .map_err(text)?
                .ok_or_else(|| format!("block {number}: an undecodable ContractEmitted"))?;
            out.push(RawEvent {
                index: event.index(),
                extrinsic: match event.phase() {
                    Phase::ApplyExtrinsic(i) => Some(i),
                    _ => None,
                },
                contract: *emitted.contract.as_ref(),
                topics: event.topics().iter().map(|topic| topic.0).collect(),
                data: emitted.data,
            });
        }
        Ok(BlockData {
            number,
            hash: hash.0,
            parent_hash: Some(parent_hash),
            timestamp_ms,
            events: out,
        })
    }
}
