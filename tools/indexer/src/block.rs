//! What the indexer reads from a chain: a finalized block's number, hash and time, and the
//! contract events it holds, raw (the emitting contract, the topics, the SCALE data
//! without its length prefix). A node gives them block by block; a replay file (one block
//! per line of JSON, bytes as `0x…` hex) gives the same without a node: tests, the kill
//! test and the benchmark feed the indexer from one.

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// A finalized block and its contract events, in the order the chain emitted them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockData {
    /// Its number.
    pub number: u64,
    /// Its hash.
    #[serde(with = "hex32")]
    pub hash: [u8; 32],
    /// Its parent's hash. When given, the block is stored only right after its parent (its
    /// number the last block stored + 1, the stored block's hash this one): a missing
    /// block or a block of another chain is refused instead of leaving a hole behind a
    /// cursor that claims completeness. A node gives it; replay files without it (sparse
    /// ones written by hand) are stored as before.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_hex32")]
    pub parent_hash: Option<[u8; 32]>,
    /// Its time (the timestamp pallet's `now`, milliseconds since the Unix epoch).
    pub timestamp_ms: u64,
    /// Its `Contracts::ContractEmitted` events (every contract's: the indexer keeps the
    /// suite's).
    pub events: Vec<RawEvent>,
}

/// One `ContractEmitted` event of a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawEvent {
    /// Its index among the block's events (all pallets'): with the block number, the
    /// event's key.
    pub index: u32,
    /// The extrinsic that emitted it, if any.
    pub extrinsic: Option<u32>,
    /// The emitting contract.
    #[serde(with = "hex32")]
    pub contract: [u8; 32],
    /// Its topics (the first is the event's signature).
    #[serde(with = "hex32_list")]
    pub topics: Vec<[u8; 32]>,
    /// Its SCALE-encoded data.
    #[serde(with = "hex_bytes")]
    pub data: Vec<u8>,
}

/// Reads a replay file: one [`BlockData`] per line, numbers strictly increasing.
pub fn read_replay(path: &Path) -> Result<Vec<BlockData>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut blocks: Vec<BlockData> = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let block: BlockData = serde_json::from_str(&line)
            .map_err(|e| format!("{} line {}: {e}", path.display(), n.saturating_add(1)))?;
        if block
            .events
            .windows(2)
            .any(|pair| pair[0].index >= pair[1].index)
        {
            return Err(format!(
                "{} line {}: block {}'s events are not in the order of their index",
                path.display(),
                n.saturating_add(1),
                block.number
            ));
        }
        if let Some(last) = blocks.last() {
            if block.number <= last.number {
                return Err(format!(
                    "{} line {}: block {} after block {} (numbers must increase)",
                    path.display(),
                    n.saturating_add(1),
                    block.number,
                    last.number
                ));
            }
        }
        blocks.push(block);
    }
    Ok(blocks)
}

/// Writes `blocks` as a replay file.
pub fn write_replay(path: &Path, blocks: &[BlockData]) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
    );
    for block in blocks {
        let line = serde_json::to_string(block).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| format!("{}: {e}", path.display()))?;
    }
    out.flush().map_err(|e| format!("{}: {e}", path.display()))
}

/// `0x`-prefixed lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    suite_client::hex(bytes)
}

/// Bytes from `0x`-prefixed hex (the prefix required).
pub(crate) fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| format!("{text:?} does not start with 0x"))?;
    if digits.len() % 2 != 0 {
        return Err(format!("{text:?} has an odd number of hex digits"));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i.saturating_add(2))
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("{text:?} is not hex"))
        })
        .collect()
}

fn array32(text: &str) -> Result<[u8; 32], String> {
    let bytes = unhex(text)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| format!("{text:?} is not 32 bytes"))
}

mod hex32 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        super::array32(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

mod opt_hex32 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_some(&super::hex(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| super::array32(&text).map_err(D::Error::custom))
            .transpose()
    }
}

mod hex32_list {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(list: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(|bytes| super::hex(bytes)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| super::array32(text).map_err(D::Error::custom))
            .collect()
    }
}

mod hex_bytes {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        super::unhex(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_survives_a_replay_file_round_trip() {
        let block = BlockData {
            number: 7,
            hash: [3; 32],
            parent_hash: Some([2; 32]),
            timestamp_ms: 1_700_000_000_000,
            events: vec![RawEvent {
                index: 2,
                extrinsic: Some(1),
                contract: [9; 32],
                topics: vec![[1; 32], [0; 32]],
                data: vec![0, 1, 255],
            }],
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("replay.jsonl");
        write_replay(&path, &[block.clone()]).expect("written");
        assert_eq!(read_replay(&path).expect("read"), vec![block]);
    }

    #[test]
    fn a_replay_file_whose_block_numbers_do_not_increase_is_refused() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("replay.jsonl");
        let block = |number| BlockData {
            number,
            hash: [0; 32],
            parent_hash: None,
            timestamp_ms: 0,
            events: vec![],
        };
        write_replay(&path, &[block(5), block(5)]).expect("written");
        let error = read_replay(&path).expect_err("refused");
        assert!(error.contains("line 2: block 5 after block 5"), "{error}");
    }

    #[test]
    fn a_replay_block_whose_events_are_out_of_order_is_refused() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("replay.jsonl");
        let event = |index| RawEvent {
            index,
            extrinsic: None,
            contract: [0; 32],
            topics: vec![],
            data: vec![],
        };
        let block = BlockData {
            number: 1,
            hash: [0; 32],
            parent_hash: None,
            timestamp_ms: 0,
            events: vec![event(3), event(2)],
        };
        write_replay(&path, &[block]).expect("written");
        let error = read_replay(&path).expect_err("refused");
        assert!(error.contains("not in the order of their index"), "{error}");
    }

    #[test]
    fn malformed_hex_is_refused_with_the_reason() {
        assert!(unhex("12").unwrap_err().contains("does not start with 0x"));
        assert!(unhex("0x123").unwrap_err().contains("odd number"));
        assert!(unhex("0xzz").unwrap_err().contains("is not hex"));
        assert!(array32("0x00").unwrap_err().contains("not 32 bytes"));
    }
}
