//! Paging for list getters: every list is read as `(offset, limit)` with `limit` capped,
//! so that no query reads more than [`MAX_PAGE_SIZE`] records whatever the list's length.

/// The most entries one page returns.
pub const MAX_PAGE_SIZE: u32 = 50;

/// The index range of the page `(offset, limit)` of a list of `total` entries: starts at
/// `offset`, holds at most `min(limit, MAX_PAGE_SIZE)` entries and never passes `total`.
/// An offset past the end gives an empty range.
pub fn page_range(offset: u32, limit: u32, total: u32) -> core::ops::Range<u32> {
    let start = offset.min(total);
    let end = start.saturating_add(limit.min(MAX_PAGE_SIZE)).min(total);
    start..end
}

/// Appends `value` to the per-account list stored as `items[(account, i)]` with its
/// length in `count[account]`; returns the new entry's index, or `None` (nothing
/// written) when the length would overflow. O(1): one read and two writes.
pub fn append_indexed<V, KI, KC>(
    items: &mut ink::storage::Mapping<(crate::AccountId, u32), V, KI>,
    count: &mut ink::storage::Mapping<crate::AccountId, u32, KC>,
    account: crate::AccountId,
    value: &V,
) -> Option<u32>
where
    V: ink::storage::traits::Packed + parity_scale_codec::EncodeLike,
    KI: ink::storage::traits::StorageKey,
    KC: ink::storage::traits::StorageKey,
{
    let index = count.get(account).unwrap_or(0);
    let next = index.checked_add(1)?;
    count.insert(account, &next);
    items.insert((account, index), value);
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_range_is_clamped() {
        assert_eq!(page_range(0, 10, 3), 0..3);
        assert_eq!(page_range(2, 10, 3), 2..3);
        assert_eq!(page_range(5, 10, 3), 3..3);
        assert_eq!(page_range(0, 1_000, 1_000), 0..MAX_PAGE_SIZE);
        assert_eq!(page_range(u32::MAX, u32::MAX, u32::MAX), u32::MAX..u32::MAX);
        assert_eq!(page_range(1, 0, 3), 1..1);
    }

    #[ink::test]
    fn appending_indexes_each_account_from_zero_and_refuses_an_overflow() {
        let mut items = ink::storage::Mapping::<(crate::AccountId, u32), u64>::default();
        let mut count = ink::storage::Mapping::<crate::AccountId, u32>::default();
        let (a, b) = (
            crate::AccountId::from([1; 32]),
            crate::AccountId::from([2; 32]),
        );
        assert_eq!(append_indexed(&mut items, &mut count, a, &10), Some(0));
        assert_eq!(append_indexed(&mut items, &mut count, a, &11), Some(1));
        assert_eq!(append_indexed(&mut items, &mut count, b, &20), Some(0));
        assert_eq!((count.get(a), count.get(b)), (Some(2), Some(1)));
        assert_eq!(
            (items.get((a, 0)), items.get((a, 1)), items.get((b, 0))),
            (Some(10), Some(11), Some(20))
        );
        count.insert(a, &u32::MAX);
        assert_eq!(append_indexed(&mut items, &mut count, a, &12), None);
        assert_eq!(
            (count.get(a), items.get((a, u32::MAX))),
            (Some(u32::MAX), None)
        );
    }
}
