//! The governor's actions that are this registry's own (the staff_credentials address,
//! regulators, the surplus), applied through [`healthcare_traits::governance::apply`].

use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::{Error, Result};
use healthcare_traits::{ensure, ApplyError, Governance, PeerRole};
use ink::codegen::Env;
use ink::primitives::AccountId;
use ink::storage::{Lazy, Mapping};

type Balance = u128;

impl healthcare_traits::governance::Governs for DrugProvenance {
    fn governance(&mut self) -> &mut Governance {
        &mut self.governance
    }

    /// The governor's actions that are this registry's own: the staff_credentials
    /// address, regulators, the surplus.
    fn apply_own(
        &mut self,
        action: healthcare_traits::Action,
    ) -> core::result::Result<(), ApplyError> {
        use healthcare_traits::Action;
        let done = match action {
            Action::Peer(PeerRole::Credentials, address) => {
                self.credentials.set(&address);
                Ok(())
            }
            Action::Regulator(regulator) => self.appoint_regulator(regulator),
            Action::RemoveRegulator(regulator) => self.remove_regulator(regulator),
            Action::RecoverSurplus(to) => self.recover_surplus(to).map(|_| ()),
            _ => return Err(ApplyError::Unsupported),
        };
        done.map_err(|_| ApplyError::Invalid)
    }
}

impl DrugProvenance {
    /// The governor's `RemoveRegulator`: removes a regulator, at once (appointing one is
    /// a `Regulator` action, after the governor's delay).
    pub(crate) fn remove_regulator(&mut self, regulator: AccountId) -> Result<()> {
        ensure!(self.regulators.contains(regulator), Error::UnknownRegulator);
        self.regulators.remove(regulator);
        self.env().emit_event(RegulatorChanged {
            regulator,
            active: false,
        });
        Ok(())
    }

    /// The governor's `RecoverSurplus`: sends to `to` the native tokens no escrow or
    /// owed payout accounts for (tokens sent to the contract outside
    /// `escrow_payment`). Returns the amount.
    pub(crate) fn recover_surplus(&mut self, to: AccountId) -> Result<Balance> {
        let amount = self.surplus();
        ensure!(amount > 0, Error::NothingOwed);
        self.transfer_out(to, amount)?;
        self.env().emit_event(SurplusRecovered { to, amount });
        Ok(amount)
    }

    pub(crate) fn appoint_regulator(&mut self, regulator: AccountId) -> Result<()> {
        ensure!(!self.regulators.contains(regulator), Error::RegulatorExists);
        self.regulators.insert(regulator, &());
        self.env().emit_event(RegulatorChanged {
            regulator,
            active: true,
        });
        Ok(())
    }

    /// The storage of a new contract, every map empty and every counter at its start.
    pub(crate) fn with_storage(governor: AccountId, credentials: AccountId) -> Self {
        let mut lazy = Lazy::new();
        lazy.set(&credentials);
        Self {
            governance: Governance::new(governor),
            credentials: lazy,
            next_batch: 1,
            next_shipment: 1,
            next_investigation: 1,
            total_escrow: 0,
            total_owed: 0,
            total_held: 0,
            held: Mapping::default(),
            regulators: Mapping::default(),
            prefixes: Mapping::default(),
            extended_prefixes: Mapping::default(),
            batches: Mapping::default(),
            by_gtin_lot: Mapping::default(),
            holdings: Mapping::default(),
            holder_list: Mapping::default(),
            suppliers: Mapping::default(),
            surrendered: Mapping::default(),
            shipments: Mapping::default(),
            sensors: Mapping::default(),
            history: Mapping::default(),
            investigations: Mapping::default(),
            suspect: Mapping::default(),
            open_list: Mapping::default(),
            open_count: 0,
            owed: Mapping::default(),
        }
    }
}
