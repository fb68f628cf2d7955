//! The governor's actions that are this contract's own, applied through
//! [`healthcare_traits::governance::apply`], and the storage a new contract starts with.

use crate::claims_adjudication::ClaimsAdjudication;
use crate::events::*;
use crate::model::*;
use healthcare_traits::{ensure, ApplyError, Governance, PeerRole};
use ink::codegen::Env;
use ink::primitives::AccountId;
use ink::storage::{Lazy, Mapping};

type Balance = u128;

impl healthcare_traits::governance::Governs for ClaimsAdjudication {
    fn governance(&mut self) -> &mut Governance {
        &mut self.governance
    }

    /// The governor's actions that are this contract's own: peer addresses, the
    /// surplus.
    fn apply_own(
        &mut self,
        action: healthcare_traits::Action,
    ) -> core::result::Result<(), ApplyError> {
        use healthcare_traits::Action;
        match action {
            Action::Peer(role, address) => {
                let mut peers = self.peers();
                match role {
                    PeerRole::Credentials => peers.credentials = address,
                    PeerRole::Consent => peers.consent = address,
                    PeerRole::Monitoring => peers.monitoring = address,
                }
                self.peers.set(&peers);
                Ok(())
            }
            Action::RecoverSurplus(to) => self
                .recover_surplus(to)
                .map(|_| ())
                .map_err(|_| ApplyError::Invalid),
            _ => Err(ApplyError::Unsupported),
        }
    }
}

impl ClaimsAdjudication {
    /// The storage of a new contract, every map empty and every counter at its start.
    pub(crate) fn with_storage(
        governor: AccountId,
        credentials: AccountId,
        consent: AccountId,
        monitoring: AccountId,
    ) -> Self {
        let mut peers = Lazy::new();
        peers.set(&Peers {
            credentials,
            consent,
            monitoring,
        });
        // Every line of a new contract is held in `day_lines` (see the field).
        let mut day_lines_from = Lazy::new();
        day_lines_from.set(&0);
        Self {
            governance: Governance::new(governor),
            peers,
            next_plan: 1,
            next_claim: 1,
            total_escrow: 0,
            plans: Mapping::default(),
            fees: Mapping::default(),
            adjusters: Mapping::default(),
            members: Mapping::default(),
            accumulators: Mapping::default(),
            claims: Mapping::default(),
            line_keys: Mapping::default(),
            member_claims: Mapping::default(),
            member_tails: Mapping::default(),
            provider_claims: Mapping::default(),
            provider_tails: Mapping::default(),
            references: Mapping::default(),
            supply_lines: Mapping::default(),
            owed_queue: Mapping::default(),
            owed_ends: Mapping::default(),
            day_lines: Mapping::default(),
            day_lines_from,
            member_states: Mapping::default(),
            correctors: Mapping::default(),
            replacements: Mapping::default(),
            rechecked: Mapping::default(),
            denied_supplies: Mapping::default(),
        }
    }

    /// The governor's `RecoverSurplus`: sends to `to` the native tokens no escrow
    /// accounts for (tokens sent to the contract outside `fund`). Returns the amount.
    pub(crate) fn recover_surplus(&mut self, to: AccountId) -> Result<Balance> {
        let amount = self.surplus();
        ensure!(amount > 0, Error::ZeroAmount);
        self.transfer_out(to, amount)?;
        self.env().emit_event(SurplusRecovered { to, amount });
        Ok(amount)
    }
}
