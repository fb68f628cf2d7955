//! A point-in-time index of records that are in force over a span of time.
//!
//! Credentials (per subject and kind), consents (per patient and grantee) and care
//! relationships (per patient and provider) must answer "was one of them in force at `t`?"
//! for any past or present moment, exactly, at a cost that does not grow with the number
//! of records a key has accumulated over the years. This module indexes each record's
//! span `[start, end)` so that a query reads only the buckets that can cover `t`.
//!
//! ## Layout
//! Time is cut into buckets at [`LEVELS`] levels: level `k` has buckets of
//! `DAY × 4^k` (1, 4, 16, 64, 256, 1 024, 4 096 and 16 384 days). A record is placed at
//! the lowest level whose bucket length is at least its span, so it overlaps at most two
//! buckets of that level, and is written into both. Records without an end (or longer
//! than the top bucket, about 45 years) go to the key's *header*, which also remembers
//! which levels hold anything. A query at `t` reads the header and, for each level in
//! use, the one bucket holding `t`: at most `1 + LEVELS` reads whatever the history, and
//! in practice two (the header and one bucket).
//!
//! ## Bounds (never a lock-out)
//! A bucket holds at most [`MAX_PER_BUCKET`] entries and the header at most [`MAX_OPEN`]
//! open-ended ones. When the buckets of a record's own level are full, the record is
//! placed one level up (a bucket four times longer), and so on; only when every level
//! is full around the record's span is it refused with [`Full`]. Buckets cover limited
//! time, so a refusal is local to that time: records of later periods land in other
//! buckets. Ending an open record ([`close`]) never fails: if no bucket has room it
//! stays in the header with its end, where queries still see it exactly.
//!
//! Entries carry the span the record was registered with. A record whose validity later
//! shrinks (a revocation) keeps its entries: the index is a superset and callers check
//! each candidate record exactly.
//!
//! The algorithm is written against the [`Read`] / [`Write`] traits so that it is tested
//! on plain maps (including a property test against a naive list); [`Index`] binds it to
//! two `ink::storage::Mapping`s of a contract.

use crate::{Timestamp, DAY};
use core::cell::RefCell;
use ink::prelude::vec::Vec;

/// Id of an indexed record (credential, consent or relationship id).
pub type RecordId = u64;

/// Number of bucket levels.
pub const LEVELS: u8 = 8;
/// Growth of the bucket length from one level to the next.
pub const RATIO: u64 = 4;
/// Most entries one bucket holds.
pub const MAX_PER_BUCKET: usize = 32;
/// Most open-ended (or longer than the top bucket) entries a key's header holds.
pub const MAX_OPEN: usize = 8;
/// The end of an entry that has none.
pub const OPEN_END: Timestamp = Timestamp::MAX;

/// The storage key of a bucket: (index key, level, bucket index).
pub type BucketKey<K> = (K, u8, u64);
/// The entries of one bucket.
pub type Bucket = Vec<Entry>;

/// A record's registered span: in force (as far as the index knows) at `t` when
/// `start <= t < end`; `end == OPEN_END` for a record without an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Entry {
    /// The record.
    pub id: RecordId,
    /// First moment covered.
    pub start: Timestamp,
    /// First moment no longer covered.
    pub end: Timestamp,
}

impl Entry {
    /// An entry for `id` over `[start, end)`, `end == None` meaning open-ended.
    pub fn new(id: RecordId, start: Timestamp, end: Option<Timestamp>) -> Self {
        Self {
            id,
            start,
            end: end.unwrap_or(OPEN_END),
        }
    }

    /// True if the entry covers `at`.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    /// True if the span is empty (nothing to index).
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// What the index keeps per key besides its buckets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Header {
    /// Bit `k` set: level `k` has (or had) entries.
    pub levels: u8,
    /// Entries without an end, or longer than the top bucket.
    pub open: Vec<Entry>,
}

/// The index has no room for the entry at any level around its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// Length of a bucket at `level`.
pub const fn bucket_len(level: u8) -> Timestamp {
    let mut len = DAY;
    let mut k = 0;
    while k < level {
        len = len.saturating_mul(RATIO);
        k = k.saturating_add(1);
    }
    len
}

/// The lowest level whose buckets are at least as long as the entry's span, or `None`
/// for an open-ended entry or one longer than the top bucket.
pub fn natural_level(entry: &Entry) -> Option<u8> {
    if entry.end == OPEN_END {
        return None;
    }
    let span = entry.end.saturating_sub(entry.start);
    (0..LEVELS).find(|level| bucket_len(*level) >= span)
}

/// The first and last bucket of `level` the entry overlaps (at most one apart when the
/// entry is no longer than the level's buckets).
pub fn bucket_range(level: u8, entry: &Entry) -> (u64, u64) {
    let len = bucket_len(level);
    let first = entry.start.checked_div(len).unwrap_or(0);
    let last = entry.end.saturating_sub(1).checked_div(len).unwrap_or(0);
    (first, last.max(first))
}

/// Reading side of a key's index.
pub trait Read {
    /// The key's header.
    fn header(&self) -> Header;
    /// The entries of bucket `index` at `level`.
    fn bucket(&self, level: u8, index: u64) -> Vec<Entry>;
}

impl<R: Read + ?Sized> Read for &R {
    fn header(&self) -> Header {
        (**self).header()
    }
    fn bucket(&self, level: u8, index: u64) -> Vec<Entry> {
        (**self).bucket(level, index)
    }
}

/// Writing side of a key's index.
pub trait Write: Read {
    /// Stores the key's header.
    fn set_header(&mut self, header: &Header);
    /// Stores the entries of bucket `index` at `level` (an empty slice may be removed).
    fn set_bucket(&mut self, level: u8, index: u64, entries: &[Entry]);
}

/// The ids of the entries covering `at`, each once.
pub fn query(store: &impl Read, at: Timestamp) -> Vec<RecordId> {
    let header = store.header();
    let mut ids: Vec<RecordId> = header
        .open
        .iter()
        .filter(|e| e.covers(at))
        .map(|e| e.id)
        .collect();
    for level in (0..LEVELS).filter(|level| header.levels & (1 << level) != 0) {
        let index = at.checked_div(bucket_len(level)).unwrap_or(0);
        for entry in store.bucket(level, index) {
            if entry.covers(at) && !ids.contains(&entry.id) {
                ids.push(entry.id);
            }
        }
    }
    ids
}

/// The index reads of one message that asks many queries (a batch): each key's header
/// and each bucket is read from storage once, however many queries need it. Reads only:
/// nothing written during the message may be read through it afterwards.
pub struct Memo<K> {
    headers: RefCell<Vec<(K, Header)>>,
    buckets: RefCell<Vec<(BucketKey<K>, Bucket)>>,
}

impl<K> Default for Memo<K> {
    fn default() -> Self {
        Self {
            headers: RefCell::new(Vec::new()),
            buckets: RefCell::new(Vec::new()),
        }
    }
}

impl<K: Copy + PartialEq> Memo<K> {
    /// `inner`, the index of `key`, read through this memo.
    pub fn view<R: Read>(&self, key: K, inner: R) -> Memoised<'_, K, R> {
        Memoised {
            memo: self,
            key,
            inner,
        }
    }
}

/// One key's index read through a [`Memo`].
pub struct Memoised<'m, K, R> {
    memo: &'m Memo<K>,
    key: K,
    inner: R,
}

impl<K: Copy + PartialEq, R: Read> Read for Memoised<'_, K, R> {
    fn header(&self) -> Header {
        if let Some((_, header)) = self
            .memo
            .headers
            .borrow()
            .iter()
            .find(|(k, _)| *k == self.key)
        {
            return header.clone();
        }
        let header = self.inner.header();
        self.memo
            .headers
            .borrow_mut()
            .push((self.key, header.clone()));
        header
    }

    fn bucket(&self, level: u8, index: u64) -> Vec<Entry> {
        let at = (self.key, level, index);
        if let Some((_, bucket)) = self.memo.buckets.borrow().iter().find(|(k, _)| *k == at) {
            return bucket.clone();
        }
        let bucket = self.inner.bucket(level, index);
        self.memo.buckets.borrow_mut().push((at, bucket.clone()));
        bucket
    }
}

/// Values by key read once per message (the companion of [`Memo`] for the records its
/// queries return; `K` is a record id by default, any key that compares will do).
pub struct Recall<T, K = RecordId> {
    records: RefCell<Vec<(K, Option<T>)>>,
}

impl<T, K> Default for Recall<T, K> {
    fn default() -> Self {
        Self {
            records: RefCell::new(Vec::new()),
        }
    }
}

impl<T: Clone, K: Copy + PartialEq> Recall<T, K> {
    /// The value at `key`, loaded with `load` the first time.
    pub fn get(&self, key: K, load: impl FnOnce(K) -> Option<T>) -> Option<T> {
        if let Some((_, record)) = self.records.borrow().iter().find(|(k, _)| *k == key) {
            return record.clone();
        }
        let record = load(key);
        self.records.borrow_mut().push((key, record.clone()));
        record
    }
}

/// Indexes `entry`. An empty span indexes nothing. Fails with [`Full`] (nothing written)
/// only when every level from the entry's own one up is full around its span.
pub fn insert(store: &mut impl Write, entry: Entry) -> Result<(), Full> {
    if entry.is_empty() {
        return Ok(());
    }
    let mut header = store.header();
    let Some(natural) = natural_level(&entry) else {
        if header.open.len() >= MAX_OPEN {
            return Err(Full);
        }
        header.open.push(entry);
        store.set_header(&header);
        return Ok(());
    };
    for level in natural..LEVELS {
        if place(store, level, entry) {
            if header.levels & (1 << level) == 0 {
                header.levels |= 1 << level;
                store.set_header(&header);
            }
            return Ok(());
        }
    }
    Err(Full)
}

/// Writes `entry` into its buckets at `level` if each has room; true if it did.
fn place(store: &mut impl Write, level: u8, entry: Entry) -> bool {
    let (first, last) = bucket_range(level, &entry);
    let mut buckets = Vec::new();
    for index in first..=last {
        let entries = store.bucket(level, index);
        if entries.len() >= MAX_PER_BUCKET {
            return false;
        }
        buckets.push((index, entries));
    }
    for (index, mut entries) in buckets {
        entries.push(entry);
        store.set_bucket(level, index, &entries);
    }
    true
}

/// Removes the entries of record `entry.id` registered with the span of `entry`, wherever
/// they were placed (its own level, a level above it, or the header). True if found.
pub fn remove(store: &mut impl Write, entry: Entry) -> bool {
    let mut header = store.header();
    if let Some(position) = header.open.iter().position(|e| e.id == entry.id) {
        header.open.remove(position);
        store.set_header(&header);
        return true;
    }
    let Some(natural) = natural_level(&entry) else {
        return false;
    };
    for level in (natural..LEVELS).filter(|level| header.levels & (1 << level) != 0) {
        let (first, last) = bucket_range(level, &entry);
        let mut found = false;
        for index in first..=last {
            let mut entries = store.bucket(level, index);
            let before = entries.len();
            entries.retain(|e| e.id != entry.id);
            if entries.len() != before {
                store.set_bucket(level, index, &entries);
                found = true;
            }
        }
        if found {
            return true;
        }
    }
    false
}

/// Gives the open entry of record `id` (started at `start`) the end `end`: it moves from
/// the header to the buckets of its now known span, or stays in the header with its end
/// when no bucket has room. Never fails; does nothing when the record has no open entry.
pub fn close(store: &mut impl Write, id: RecordId, end: Timestamp) {
    let mut header = store.header();
    let Some(position) = header.open.iter().position(|e| e.id == id) else {
        return;
    };
    let mut entry = header.open.remove(position);
    entry.end = end.max(entry.start);
    store.set_header(&header);
    if entry.is_empty() || natural_level(&entry).is_none() || insert(store, entry).is_err() {
        // No room (or still longer than the top bucket): keep it in the header, ended.
        let mut header = store.header();
        if !entry.is_empty() {
            header.open.push(entry);
        }
        store.set_header(&header);
    }
}

/// A contract's index: two mappings, the headers per key and the buckets per
/// (key, level, bucket index). Contracts hold the two mappings as storage fields and
/// build an `Index` over them for one key at a time.
pub mod storage {
    use super::{Entry, Header, Read, Write};
    use ink::prelude::vec::Vec;
    use ink::storage::traits::StorageKey;
    use ink::storage::Mapping;
    use parity_scale_codec::{Encode, EncodeLike};

    /// Headers per key.
    pub type Headers<K, KH> = Mapping<K, Header, KH>;
    /// Buckets per (key, level, index).
    pub type Buckets<K, KB> = Mapping<super::BucketKey<K>, super::Bucket, KB>;

    /// Read access to one key's index.
    pub struct View<'a, K, KH: StorageKey, KB: StorageKey> {
        /// The headers.
        pub headers: &'a Headers<K, KH>,
        /// The buckets.
        pub buckets: &'a Buckets<K, KB>,
        /// The key.
        pub key: K,
    }

    /// Read and write access to one key's index.
    pub struct ViewMut<'a, K, KH: StorageKey, KB: StorageKey> {
        /// The headers.
        pub headers: &'a mut Headers<K, KH>,
        /// The buckets.
        pub buckets: &'a mut Buckets<K, KB>,
        /// The key.
        pub key: K,
    }

    impl<K, KH, KB> Read for View<'_, K, KH, KB>
    where
        K: Encode + EncodeLike + Copy,
        KH: StorageKey,
        KB: StorageKey,
    {
        fn header(&self) -> Header {
            self.headers.get(self.key).unwrap_or_default()
        }
        fn bucket(&self, level: u8, index: u64) -> Vec<Entry> {
            self.buckets
                .get((self.key, level, index))
                .unwrap_or_default()
        }
    }

    impl<K, KH, KB> Read for ViewMut<'_, K, KH, KB>
    where
        K: Encode + EncodeLike + Copy,
        KH: StorageKey,
        KB: StorageKey,
    {
        fn header(&self) -> Header {
            self.headers.get(self.key).unwrap_or_default()
        }
        fn bucket(&self, level: u8, index: u64) -> Vec<Entry> {
            self.buckets
                .get((self.key, level, index))
                .unwrap_or_default()
        }
    }

    impl<K, KH, KB> Write for ViewMut<'_, K, KH, KB>
    where
        K: Encode + EncodeLike + Copy,
        KH: StorageKey,
        KB: StorageKey,
    {
        fn set_header(&mut self, header: &Header) {
            if header.levels == 0 && header.open.is_empty() {
                self.headers.remove(self.key);
            } else {
                self.headers.insert(self.key, header);
            }
        }
        fn set_bucket(&mut self, level: u8, index: u64, entries: &[Entry]) {
            let key = (self.key, level, index);
            if entries.is_empty() {
                self.buckets.remove(key);
            } else {
                self.buckets.insert(key, &entries.to_vec());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct MapStore {
        header: Header,
        buckets: HashMap<(u8, u64), Vec<Entry>>,
        reads: std::cell::Cell<usize>,
    }

    impl Read for MapStore {
        fn header(&self) -> Header {
            self.reads.set(self.reads.get() + 1);
            self.header.clone()
        }
        fn bucket(&self, level: u8, index: u64) -> Vec<Entry> {
            self.reads.set(self.reads.get() + 1);
            self.buckets
                .get(&(level, index))
                .cloned()
                .unwrap_or_default()
        }
    }

    impl Write for MapStore {
        fn set_header(&mut self, header: &Header) {
            self.header = header.clone();
        }
        fn set_bucket(&mut self, level: u8, index: u64, entries: &[Entry]) {
            if entries.is_empty() {
                self.buckets.remove(&(level, index));
            } else {
                self.buckets.insert((level, index), entries.to_vec());
            }
        }
    }

    const YEAR: u64 = 365 * DAY;
    const T0: u64 = 1_700_000_000_000;

    #[test]
    fn an_entry_covers_its_start_up_to_but_not_its_end() {
        let entry = Entry::new(1, 100, Some(200));
        assert!(!entry.covers(99) && entry.covers(100) && entry.covers(199));
        assert!(!entry.covers(200));
        assert!(!entry.is_empty());
        assert!(Entry::new(1, 100, Some(100)).is_empty());
        assert!(Entry::new(1, 100, Some(50)).is_empty());
        assert!(!Entry::new(1, 100, None).is_empty());
    }

    #[test]
    fn levels_and_buckets() {
        assert_eq!(bucket_len(0), DAY);
        assert_eq!(bucket_len(1), 4 * DAY);
        assert_eq!(bucket_len(7), 16_384 * DAY);
        assert_eq!(natural_level(&Entry::new(1, 0, Some(DAY))), Some(0));
        assert_eq!(natural_level(&Entry::new(1, 0, Some(DAY + 1))), Some(1));
        assert_eq!(natural_level(&Entry::new(1, 0, Some(YEAR))), Some(5));
        assert_eq!(natural_level(&Entry::new(1, 0, None)), None);
        assert_eq!(natural_level(&Entry::new(1, 0, Some(50 * YEAR))), None);
        // An entry no longer than its level's buckets overlaps at most two of them.
        let e = Entry::new(1, DAY - 1, Some(2 * DAY - 1));
        assert_eq!(bucket_range(0, &e), (0, 1));
        let e = Entry::new(1, DAY, Some(2 * DAY));
        assert_eq!(bucket_range(0, &e), (1, 1));
    }

    #[ink::test]
    fn the_storage_views_keep_each_keys_index_in_its_own_mappings() {
        use super::storage::{Buckets, Headers, View, ViewMut};
        use ink::storage::traits::AutoKey;
        let mut headers = Headers::<u8, AutoKey>::default();
        let mut buckets = Buckets::<u8, AutoKey>::default();
        let sorted = |mut ids: Vec<RecordId>| {
            ids.sort_unstable();
            ids
        };
        {
            let mut index = ViewMut {
                headers: &mut headers,
                buckets: &mut buckets,
                key: 7,
            };
            insert(&mut index, Entry::new(1, T0, Some(T0 + DAY))).unwrap();
            insert(&mut index, Entry::new(2, T0, None)).unwrap();
            insert(&mut index, Entry::new(3, T0, None)).unwrap();
            assert_eq!(sorted(query(&index, T0 + 1)), vec![1, 2, 3]);
            // Closed: record 2 moves to the buckets of its span; record 3, closed at its
            // start, leaves the index.
            close(&mut index, 2, T0 + 2 * DAY);
            close(&mut index, 3, T0);
            assert_eq!(sorted(query(&index, T0 + DAY)), vec![2]);
            assert_eq!(query(&index, T0 + 2 * DAY), Vec::<RecordId>::new());
            // Nothing of the empty record is stored anywhere.
            for level in 0..LEVELS {
                let bucket = index.bucket(level, T0 / bucket_len(level));
                assert!(bucket.iter().all(|e| e.id != 3), "level {level}");
            }
            // Closed after longer than the top bucket: it stays in the header, ended.
            insert(&mut index, Entry::new(6, T0, None)).unwrap();
            close(&mut index, 6, T0 + 50 * YEAR);
            assert_eq!(query(&index, T0 + 40 * YEAR), vec![6]);
            assert_eq!(query(&index, T0 + 50 * YEAR), Vec::<RecordId>::new());
        }
        assert!(headers.get(7).is_some(), "the header is stored");
        let read = View {
            headers: &headers,
            buckets: &buckets,
            key: 7,
        };
        assert_eq!(sorted(query(&read, T0)), vec![1, 2, 6]);
        let other = View {
            headers: &headers,
            buckets: &buckets,
            key: 8,
        };
        assert!(query(&other, T0).is_empty());
        // Emptied, the key's header and buckets are removed.
        let mut index = ViewMut {
            headers: &mut headers,
            buckets: &mut buckets,
            key: 9,
        };
        insert(&mut index, Entry::new(4, T0, None)).unwrap();
        assert!(index.headers.get(9).is_some());
        assert!(remove(&mut index, Entry::new(4, T0, None)));
        assert!(index.headers.get(9).is_none());
        insert(&mut index, Entry::new(5, T0, Some(T0 + DAY))).unwrap();
        assert!(remove(&mut index, Entry::new(5, T0, Some(T0 + DAY))));
        assert_eq!(index.buckets.get((9, 0, T0 / DAY)), None);
    }

    #[test]
    fn a_memo_reads_each_header_and_bucket_once_and_answers_the_same() {
        let mut store = MapStore::default();
        for i in 0..10u64 {
            let start = T0 + i * YEAR;
            insert(&mut store, Entry::new(i, start, Some(start + 360 * DAY))).unwrap();
        }
        insert(&mut store, Entry::new(99, T0, None)).unwrap();
        let times: Vec<u64> = (0..30u64).map(|k| T0 + k * 100 * DAY).collect();
        let direct: Vec<Vec<RecordId>> = times.iter().map(|t| query(&store, *t)).collect();
        store.reads.set(0);
        let memo = Memo::default();
        let memoised: Vec<Vec<RecordId>> = times
            .iter()
            .map(|t| query(&memo.view(7u8, &store), *t))
            .collect();
        assert_eq!(memoised, direct);
        let first = store.reads.get();
        // The same queries again read nothing more.
        for t in &times {
            query(&memo.view(7u8, &store), *t);
        }
        assert_eq!(store.reads.get(), first);
        // Another key is read on its own.
        query(&memo.view(8u8, &store), T0);
        assert!(store.reads.get() > first);

        let recall: Recall<u64> = Recall::default();
        let loads = std::cell::Cell::new(0);
        let load = |id: RecordId| {
            loads.set(loads.get() + 1);
            (id % 2 == 0).then_some(id * 10)
        };
        for _ in 0..3 {
            assert_eq!(recall.get(4, load), Some(40));
            assert_eq!(recall.get(5, load), None);
        }
        assert_eq!(loads.get(), 2);
    }

    #[test]
    fn forty_successive_yearly_records_answer_exactly_with_few_reads() {
        let mut store = MapStore::default();
        // Valid for 360 days each year: a 5-day gap between two of them.
        for i in 0..40u64 {
            let start = T0 + i * YEAR;
            insert(&mut store, Entry::new(i, start, Some(start + 360 * DAY))).unwrap();
        }
        for i in 0..40u64 {
            let start = T0 + i * YEAR;
            assert_eq!(query(&store, start), vec![i]);
            assert_eq!(query(&store, start + 359 * DAY), vec![i]);
            assert!(query(&store, start + 362 * DAY).is_empty(), "gap {i}");
        }
        assert!(query(&store, T0 - 1).is_empty());
        assert!(query(&store, T0 + 40 * YEAR).is_empty());
        store.reads.set(0);
        query(&store, T0 + 20 * YEAR + DAY);
        assert!(store.reads.get() <= 3, "reads: {}", store.reads.get());
    }

    #[test]
    fn full_levels_move_entries_up_and_then_refuse() {
        let mut store = MapStore::default();
        // Half-minute records in the same day fill the day bucket, then the 4-day bucket...
        let day = T0 / DAY * DAY;
        let mut id = 0;
        let per_day = MAX_PER_BUCKET * usize::from(LEVELS);
        while id < per_day as u64 {
            let start = day + id * 60_000;
            insert(&mut store, Entry::new(id, start, Some(start + 30_000))).unwrap();
            id += 1;
        }
        let start = day + id * 60_000;
        assert_eq!(
            insert(&mut store, Entry::new(id, start, Some(start + 30_000))),
            Err(Full)
        );
        // ... while another period is not affected.
        let later = day + 20_000 * DAY;
        insert(&mut store, Entry::new(id, later, Some(later + 30_000))).unwrap();
        for i in 0..id {
            let start = day + i * 60_000;
            assert_eq!(query(&store, start + 1), vec![i]);
        }
    }

    #[test]
    fn open_entries_close_into_buckets_and_closing_never_fails() {
        let mut store = MapStore::default();
        for id in 0..MAX_OPEN as u64 {
            insert(&mut store, Entry::new(id, T0, None)).unwrap();
        }
        assert_eq!(insert(&mut store, Entry::new(99, T0, None)), Err(Full));
        close(&mut store, 0, T0 + DAY);
        assert_eq!(store.header.open.len(), MAX_OPEN - 1);
        insert(&mut store, Entry::new(99, T0, None)).unwrap();
        assert!(query(&store, T0 + 2 * DAY).contains(&99));
        assert!(!query(&store, T0 + 2 * DAY).contains(&0));
        assert!(query(&store, T0 + DAY - 1).contains(&0));
        // Closing before the start removes the entry.
        close(&mut store, 1, T0 - 5);
        assert!(!query(&store, T0).contains(&1));
        // Removing a closed entry finds it in its bucket.
        assert!(remove(&mut store, Entry::new(0, T0, Some(T0 + DAY))));
        assert!(!query(&store, T0).contains(&0));
        assert!(!remove(&mut store, Entry::new(0, T0, Some(T0 + DAY))));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert { start: u64, len: Option<u64> },
        Close { which: usize, after: u64 },
        Extend { which: usize, by: u64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        // Spans from a minute to 60 years, over a 120-year range.
        let start = 0..(120 * YEAR);
        let len = prop_oneof![
            1 => Just(None),
            4 => (60_000u64..(2 * DAY)).prop_map(Some),
            4 => ((2 * DAY)..(3 * YEAR)).prop_map(Some),
            1 => ((3 * YEAR)..(60 * YEAR)).prop_map(Some),
        ];
        prop_oneof![
            4 => (start, len).prop_map(|(start, len)| Op::Insert { start, len }),
            2 => (any::<usize>(), 0..(10 * YEAR)).prop_map(|(which, after)| Op::Close { which, after }),
            1 => (any::<usize>(), 1..(5 * YEAR)).prop_map(|(which, by)| Op::Extend { which, by }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The index answers like a naive list of every entry, at any moment, with at most
        /// `1 + LEVELS` reads.
        #[test]
        fn index_matches_a_naive_list(ops in prop::collection::vec(op(), 1..120), probes in prop::collection::vec(0..(130 * YEAR), 40)) {
            let mut store = MapStore::default();
            let mut model: Vec<Entry> = Vec::new();
            for op in ops {
                match op {
                    Op::Insert { start, len } => {
                        let entry = Entry::new(model.len() as u64, start, len.map(|l| start + l));
                        if insert(&mut store, entry).is_ok() {
                            model.push(entry);
                        } else {
                            // Refused: nothing of it is indexed; keep ids dense with an empty span.
                            model.push(Entry::new(model.len() as u64, start, Some(start)));
                        }
                    }
                    Op::Close { which, after } => {
                        if model.is_empty() { continue; }
                        let i = which % model.len();
                        if model[i].end == OPEN_END {
                            let end = model[i].start + after;
                            close(&mut store, model[i].id, end);
                            model[i].end = end;
                        }
                    }
                    Op::Extend { which, by } => {
                        if model.is_empty() { continue; }
                        let i = which % model.len();
                        let old = model[i];
                        if old.end == OPEN_END || old.is_empty() { continue; }
                        let new = Entry { end: old.end + by, ..old };
                        prop_assert!(remove(&mut store, old));
                        if insert(&mut store, new).is_ok() {
                            model[i] = new;
                        } else {
                            insert(&mut store, old).unwrap();
                        }
                    }
                }
            }
            for at in probes {
                store.reads.set(0);
                let mut got = query(&store, at);
                prop_assert!(store.reads.get() <= 1 + usize::from(LEVELS));
                got.sort_unstable();
                let mut want: Vec<u64> = model.iter().filter(|e| e.covers(at)).map(|e| e.id).collect();
                want.sort_unstable();
                prop_assert_eq!(got, want, "at {}", at);
            }
        }
    }
}
