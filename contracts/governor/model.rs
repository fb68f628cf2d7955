//! The governor's data and rules in plain Rust (no storage, no environment): the
//! consortium ([`Council`]), operations and their calls, and every rule of the module
//! doc of `lib.rs` as a function of the state, the caller and the time.

use healthcare_traits::{AccountId, Action, ApplyError, Timestamp, DAY};
use ink::prelude::vec::Vec;

pub use call::{Call, CouncilChange};

/// Most members of the consortium.
pub const MAX_MEMBERS: usize = 16;
/// Most calls in one operation.
pub const MAX_CALLS: usize = 8;
/// Longest delay (a longer one could freeze the suite's upgrades for good).
pub const MAX_DELAY: Timestamp = 30 * DAY;
/// An operation that has not gathered its approvals this long after it was proposed
/// expires.
pub const APPROVAL_WINDOW: Timestamp = 14 * DAY;
/// A ready operation that nobody executed this long after it became ready expires.
pub const GRACE_PERIOD: Timestamp = 14 * DAY;
/// Most operations one member may have pending at once (so that one member cannot fill
/// the list for everyone).
pub const MAX_PENDING_PER_MEMBER: u32 = 4;
/// Most operations pending at once.
pub const MAX_PENDING: usize = 64;

pub use error::Error;

/// The result type of every message.
pub type Result<T> = core::result::Result<T, Error>;

/// `Error` in a module of its own: the `Encode` derive of an enum with fields writes its
/// variant index with a `usize as u8` cast (always in range), which the contract lint
/// run denies everywhere else.
mod error {
    #![allow(clippy::cast_possible_truncation)]
    use healthcare_traits::ApplyError;

    /// Why a message was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller is not a member of the consortium.
        NotMember,
        /// The caller is not the guardian.
        NotGuardian,
        /// Only the guardian or the operation's proposer (while a member) cancels it.
        NotProposerOrGuardian,
        /// The guardian cannot cancel the operation that replaces it.
        GuardianCannotCancel,
        /// The caller already approved this operation.
        AlreadyApproved,
        /// The caller has no approval on this operation to revoke.
        NoApproval,
        /// Fewer members than the threshold approve this operation now.
        NotEnoughApprovals,
        /// The operation is not ready: not queued yet, or its delay has not passed.
        NotReady,
        /// The operation expired (not approved within the approval window, or not executed
        /// within the grace period once ready).
        Expired,
        /// `expire` on an operation that has not expired.
        NotExpired,
        /// No operation has this id.
        UnknownOperation,
        /// An operation with this content and salt was proposed before (a replay: propose it
        /// again with another salt).
        AlreadyProposed,
        /// The operation was executed already.
        AlreadyExecuted,
        /// The operation was cancelled.
        Cancelled,
        /// An operation without calls.
        NoCalls,
        /// More than [`MAX_CALLS`](super::MAX_CALLS) calls.
        TooManyCalls,
        /// Replacing the guardian and lifting a pause are operations of their own.
        MustStandAlone,
        /// A call to the governor's own `apply` (its settings are `CouncilChange`s).
        TargetIsGovernor,
        /// A threshold of 0 or above the number of members.
        InvalidThreshold,
        /// A delay above [`MAX_DELAY`](super::MAX_DELAY).
        InvalidDelay,
        /// More than [`MAX_MEMBERS`](super::MAX_MEMBERS) members, or none.
        InvalidMemberCount,
        /// The account is a member already (also: a member listed twice).
        AlreadyMember,
        /// The account is not a member.
        UnknownMember,
        /// The guardian cannot be a member (it could then propose, approve and execute).
        GuardianIsMember,
        /// The proposer has [`MAX_PENDING_PER_MEMBER`](super::MAX_PENDING_PER_MEMBER) operations pending, or
        /// [`MAX_PENDING`](super::MAX_PENDING) are pending in all.
        TooManyPending,
        /// The call at this index was refused by its target, for this reason; nothing ran.
        TargetRefused(u32, ApplyError),
        /// The target of the call at this index trapped; nothing ran.
        TargetTrapped(u32),
        /// The target of the call at this index is no governed contract; nothing ran.
        TargetUnreachable(u32),
        /// A code change of the governor names a code hash the chain does not know.
        CodeNotFound,
        /// A counter would overflow.
        Overflow,
    }
}

/// `Call` and `CouncilChange` in a module of their own: the `Encode` derive of an enum
/// with fields writes its variant index with a `usize as u8` cast (always in range),
/// which the contract lint run denies everywhere else.
mod call {
    #![allow(clippy::cast_possible_truncation)]
    use healthcare_traits::{AccountId, Action, Hash, Timestamp};

    /// One call of an operation.
    ///
    /// The SCALE encoding is the variant index: append, never reorder.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Call {
        /// The suite contract at this address applies this action
        /// (`Governed::apply`).
        Apply(AccountId, Action),
        /// A change to the governor itself.
        Council(CouncilChange),
    }

    /// A change to the governor itself: always waits the delay.
    ///
    /// The SCALE encoding is the variant index: append, never reorder.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum CouncilChange {
        /// Admit this member.
        AddMember(AccountId),
        /// Remove this member (their approvals stop counting at once).
        RemoveMember(AccountId),
        /// Require this many approvals.
        Threshold(u32),
        /// Make this the delay (ms) of the operations queued from now on.
        Delay(Timestamp),
        /// Make this account the guardian (an operation of its own, which the guardian
        /// in office cannot cancel).
        Guardian(AccountId),
        /// Replace the governor's code by this uploaded code hash (storage kept).
        Code(Hash),
    }
}

/// A member and the term of its membership: every admission opens a new term, so that
/// the approvals of a removed member never count again, even if it is admitted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Member {
    /// The member's account.
    pub account: AccountId,
    /// Its term (from 0, one per admission, council-wide).
    pub term: u32,
}

/// The consortium: its members, how many must approve, the delay and the guardian.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Council {
    /// The members, in the order they were admitted.
    pub members: Vec<Member>,
    /// Approvals an operation needs (1 ..= members).
    pub threshold: u32,
    /// How long (ms) an operation that does not only narrow or stop waits once approved.
    pub delay: Timestamp,
    /// Cancels pending operations and pauses suite contracts; never proposes, approves or
    /// executes.
    pub guardian: AccountId,
    /// The term the next admitted member gets.
    pub next_term: u32,
}

/// No members (so nobody can propose, approve or execute) and the zero account as the
/// guardian: what an unset council reads as, the safe default (the constructor always
/// sets one).
impl Default for Council {
    fn default() -> Self {
        Self {
            members: Vec::new(),
            threshold: 1,
            delay: 0,
            guardian: AccountId::from([0; 32]),
            next_term: 0,
        }
    }
}

impl Council {
    /// A council of `members` (terms 0, 1, ...), if it obeys every rule of
    /// [`Council::check`].
    pub fn new(
        members: Vec<AccountId>,
        threshold: u32,
        delay: Timestamp,
        guardian: AccountId,
    ) -> Result<Self> {
        if members.len() > MAX_MEMBERS {
            return Err(Error::InvalidMemberCount);
        }
        let mut council = Self {
            members: Vec::new(),
            threshold,
            delay,
            guardian,
            next_term: 0,
        };
        for account in members {
            council.admit(account)?;
        }
        council.check()?;
        Ok(council)
    }

    /// Appends `account` as a member with a new term.
    fn admit(&mut self, account: AccountId) -> Result<()> {
        let term = self.next_term;
        self.next_term = term.checked_add(1).ok_or(Error::Overflow)?;
        self.members.push(Member { account, term });
        Ok(())
    }

    /// The member accounts, in the order they were admitted.
    pub fn accounts(&self) -> Vec<AccountId> {
        self.members.iter().map(|m| m.account).collect()
    }

    /// `Ok` when there are 1 to [`MAX_MEMBERS`] distinct members, the threshold is
    /// between 1 and their number, the delay at most [`MAX_DELAY`] and the guardian no
    /// member.
    pub fn check(&self) -> Result<()> {
        let count = self.members.len();
        if count == 0 || count > MAX_MEMBERS {
            return Err(Error::InvalidMemberCount);
        }
        for (i, member) in self.members.iter().enumerate() {
            let mut later = self.members.iter().skip(i.saturating_add(1));
            if later.any(|m| m.account == member.account) {
                return Err(Error::AlreadyMember);
            }
        }
        let within = u32::try_from(count).is_ok_and(|n| self.threshold <= n);
        if self.threshold == 0 || !within {
            return Err(Error::InvalidThreshold);
        }
        if self.delay > MAX_DELAY {
            return Err(Error::InvalidDelay);
        }
        if self.is_member(self.guardian) {
            return Err(Error::GuardianIsMember);
        }
        Ok(())
    }

    /// True if `account` is a member.
    pub fn is_member(&self, account: AccountId) -> bool {
        self.members.iter().any(|m| m.account == account)
    }

    /// True if `approval` was given by a member in its current term.
    pub fn counts(&self, approval: &Member) -> bool {
        self.members.contains(approval)
    }

    /// The current membership of `account`, if a member.
    pub fn member(&self, account: AccountId) -> Result<Member> {
        self.members
            .iter()
            .find(|m| m.account == account)
            .copied()
            .ok_or(Error::NotMember)
    }

    /// `Ok` if `account` is a member.
    pub fn ensure_member(&self, account: AccountId) -> Result<()> {
        if self.is_member(account) {
            Ok(())
        } else {
            Err(Error::NotMember)
        }
    }

    /// The council after `change` (a code change leaves it as it is), if it still obeys
    /// every rule.
    pub fn with(&self, change: CouncilChange) -> Result<Council> {
        let mut next = self.clone();
        match change {
            CouncilChange::AddMember(member) => {
                if self.is_member(member) {
                    return Err(Error::AlreadyMember);
                }
                next.admit(member)?;
            }
            CouncilChange::RemoveMember(member) => {
                if !self.is_member(member) {
                    return Err(Error::UnknownMember);
                }
                next.members.retain(|m| m.account != member);
            }
            CouncilChange::Threshold(threshold) => next.threshold = threshold,
            CouncilChange::Delay(delay) => next.delay = delay,
            CouncilChange::Guardian(guardian) => next.guardian = guardian,
            CouncilChange::Code(_) => {}
        }
        next.check()?;
        Ok(next)
    }
}

/// Where an operation stands. An operation past its expiry time is treated as expired
/// whatever this says; [`State::Expired`] is written when somebody clears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum State {
    /// Gathering approvals, queued or ready.
    Pending,
    /// Executed: it can never run again.
    Executed,
    /// Cancelled by the guardian or withdrawn by its proposer.
    Cancelled,
    /// Expired and cleared from the pending list.
    Expired,
}

/// An operation: its calls, who proposed it and when, who approved it, and from when it
/// may run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Operation {
    /// The member who proposed it.
    pub proposer: AccountId,
    /// Its calls, run in order and all or none.
    pub calls: Vec<Call>,
    /// Block time it was proposed.
    pub proposed_at: Timestamp,
    /// The members who approved it, each with the term it approved in (the proposer
    /// first); an approval counts while its member is in that same term.
    pub approvals: Vec<Member>,
    /// Set when the approvals first reach the threshold: the time from which it may run
    /// (then plus the delay in force, or at once if it only narrows or stops).
    pub ready_at: Option<Timestamp>,
    /// Where it stands.
    pub state: State,
}

/// `Ok` when `calls` holds 1 to [`MAX_CALLS`] calls, none to the governor's own `apply`,
/// and a guardian change or an unpause is the operation's only call (a pause lifted
/// together with a change would land the change on a contract whose users could not
/// react; a guardian change bundled with other calls would escape the guardian's veto
/// on them).
pub fn check_calls(calls: &[Call], governor: AccountId) -> Result<()> {
    if calls.is_empty() {
        return Err(Error::NoCalls);
    }
    if calls.len() > MAX_CALLS {
        return Err(Error::TooManyCalls);
    }
    for call in calls {
        match call {
            Call::Apply(target, _) if *target == governor => return Err(Error::TargetIsGovernor),
            Call::Apply(_, Action::Unpause) | Call::Council(CouncilChange::Guardian(_))
                if calls.len() > 1 =>
            {
                return Err(Error::MustStandAlone)
            }
            _ => {}
        }
    }
    Ok(())
}

/// True unless every call takes effect at once ([`Action::takes_effect_at_once`]); a
/// change to the governor itself always waits.
pub fn needs_delay(calls: &[Call]) -> bool {
    calls.iter().any(|call| match call {
        Call::Apply(_, action) => !action.takes_effect_at_once(),
        Call::Council(_) => true,
    })
}

/// `Ok` if one more pending operation of a proposer with `proposer_pending` pending, in a
/// list of `total` pending, stays within the bounds.
pub fn check_room(proposer_pending: u32, total: usize) -> Result<()> {
    if proposer_pending >= MAX_PENDING_PER_MEMBER || total >= MAX_PENDING {
        Err(Error::TooManyPending)
    } else {
        Ok(())
    }
}

impl Operation {
    /// A pending operation `proposer` proposed at `now`, approved by nobody yet.
    pub fn new(proposer: AccountId, calls: Vec<Call>, now: Timestamp) -> Self {
        Self {
            proposer,
            calls,
            proposed_at: now,
            approvals: Vec::new(),
            ready_at: None,
            state: State::Pending,
        }
    }

    /// How many of its approvals are by members of `council` in the term they approved
    /// in.
    pub fn approvals_by(&self, council: &Council) -> u32 {
        let count = self.approvals.iter().filter(|a| council.counts(a)).count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The time from which it is expired: [`GRACE_PERIOD`] after it became ready, or
    /// [`APPROVAL_WINDOW`] after it was proposed while it is not queued.
    pub fn expires_at(&self) -> Timestamp {
        match self.ready_at {
            Some(ready_at) => ready_at.saturating_add(GRACE_PERIOD),
            None => self.proposed_at.saturating_add(APPROVAL_WINDOW),
        }
    }

    /// `Ok` while it is pending and not expired at `now`.
    pub fn check_open(&self, now: Timestamp) -> Result<()> {
        match self.state {
            State::Executed => Err(Error::AlreadyExecuted),
            State::Cancelled => Err(Error::Cancelled),
            State::Expired => Err(Error::Expired),
            State::Pending if now >= self.expires_at() => Err(Error::Expired),
            State::Pending => Ok(()),
        }
    }

    /// `member` approves it at `now`. Returns the time it becomes ready if this approval
    /// queued it (the approvals of current members reached the threshold for the first
    /// time). A member who approved already may approve again only to queue an operation
    /// whose approvals reached the threshold without it (the threshold was lowered).
    pub fn approve(
        &mut self,
        council: &Council,
        member: AccountId,
        now: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let member = council.member(member)?;
        self.check_open(now)?;
        let queues_now =
            |op: &Operation| op.ready_at.is_none() && op.approvals_by(council) >= council.threshold;
        if self.approvals.contains(&member) {
            if !queues_now(self) {
                return Err(Error::AlreadyApproved);
            }
        } else {
            self.approvals.retain(|a| council.counts(a));
            self.approvals.push(member);
        }
        if !queues_now(self) {
            return Ok(None);
        }
        let delay = if needs_delay(&self.calls) {
            council.delay
        } else {
            0
        };
        let ready_at = now.checked_add(delay).ok_or(Error::Overflow)?;
        self.ready_at = Some(ready_at);
        Ok(Some(ready_at))
    }

    /// `member` takes back its approval at `now`; below the threshold the operation is
    /// no longer queued (a new approval restarts its delay).
    pub fn revoke(&mut self, council: &Council, member: AccountId, now: Timestamp) -> Result<()> {
        let member = council.member(member)?;
        self.check_open(now)?;
        let position = self
            .approvals
            .iter()
            .position(|a| *a == member)
            .ok_or(Error::NoApproval)?;
        self.approvals.remove(position);
        if self.approvals_by(council) < council.threshold {
            self.ready_at = None;
        }
        Ok(())
    }

    /// `Ok` if `caller` may execute it at `now`: a member, the operation open, approved by
    /// at least the threshold of current members, and ready.
    pub fn check_execute(
        &self,
        council: &Council,
        caller: AccountId,
        now: Timestamp,
    ) -> Result<()> {
        council.ensure_member(caller)?;
        self.check_open(now)?;
        if self.approvals_by(council) < council.threshold {
            return Err(Error::NotEnoughApprovals);
        }
        match self.ready_at {
            Some(ready_at) if now >= ready_at => Ok(()),
            _ => Err(Error::NotReady),
        }
    }

    /// `Ok` if `caller` may cancel it: the guardian (but not an operation that replaces
    /// the guardian), or its proposer while a member; an expired operation may be
    /// cancelled too (it frees its proposer's room at once).
    pub fn check_cancel(&self, council: &Council, caller: AccountId) -> Result<()> {
        match self.state {
            State::Executed => return Err(Error::AlreadyExecuted),
            State::Cancelled => return Err(Error::Cancelled),
            State::Expired => return Err(Error::Expired),
            State::Pending => {}
        }
        if caller == council.guardian {
            let replaces_guardian = self
                .calls
                .iter()
                .any(|c| matches!(c, Call::Council(CouncilChange::Guardian(_))));
            if replaces_guardian {
                return Err(Error::GuardianCannotCancel);
            }
            return Ok(());
        }
        if caller == self.proposer && council.is_member(caller) {
            Ok(())
        } else {
            Err(Error::NotProposerOrGuardian)
        }
    }

    /// `Ok` if it is pending and expired at `now` (anyone may then clear it).
    pub fn check_expired(&self, now: Timestamp) -> Result<()> {
        match self.check_open(now) {
            Err(Error::Expired) if self.state == State::Pending => Ok(()),
            Err(error) => Err(error),
            Ok(()) => Err(Error::NotExpired),
        }
    }
}

/// The council after every `CouncilChange` of `calls`, in order, each checked.
pub fn council_after(council: &Council, calls: &[Call]) -> Result<Council> {
    let mut next = council.clone();
    for call in calls {
        if let Call::Council(change) = call {
            next = next.with(*change)?;
        }
    }
    Ok(next)
}

/// The governor's error for a failed call `index`: a refusal or a broken target.
pub fn call_error(
    index: usize,
    answer: core::result::Result<
        core::result::Result<(), ApplyError>,
        healthcare_traits::PeerError,
    >,
) -> Result<()> {
    let index = u32::try_from(index).map_err(|_| Error::Overflow)?;
    match answer {
        Ok(Ok(())) => Ok(()),
        Ok(Err(reason)) => Err(Error::TargetRefused(index, reason)),
        Err(healthcare_traits::PeerError::Trapped) => Err(Error::TargetTrapped(index)),
        Err(healthcare_traits::PeerError::Unreachable) => Err(Error::TargetUnreachable(index)),
    }
}
