//! The governor's actions that are this contract's own, applied through
//! [`healthcare_traits::governance::apply`], and the storage a new contract starts with.

use crate::clinical_trials::ClinicalTrials;
use crate::events::*;
use crate::model::*;
use healthcare_traits::{ensure, ApplyError, Governance, PeerRole};
use ink::codegen::Env;
use ink::primitives::AccountId;
use ink::storage::{Lazy, Mapping};

impl healthcare_traits::governance::Governs for ClinicalTrials {
    fn governance(&mut self) -> &mut Governance {
        &mut self.governance
    }

    /// The governor's actions that are this registry's own: peer addresses and
    /// regulators.
    fn apply_own(
        &mut self,
        action: healthcare_traits::Action,
    ) -> core::result::Result<(), ApplyError> {
        use healthcare_traits::Action;
        let done = match action {
            Action::Peer(role @ (PeerRole::Credentials | PeerRole::Consent), address) => {
                let mut peers = self.peers();
                if role == PeerRole::Credentials {
                    peers.credentials = address;
                } else {
                    peers.consent = address;
                }
                self.peers.set(&peers);
                Ok(())
            }
            Action::Regulator(regulator) => self.appoint_regulator(regulator),
            Action::RemoveRegulator(regulator) => self.remove_regulator(regulator),
            _ => return Err(ApplyError::Unsupported),
        };
        done.map_err(|_| ApplyError::Invalid)
    }
}

impl ClinicalTrials {
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
    pub(crate) fn with_storage(
        governor: AccountId,
        credentials: AccountId,
        consent: AccountId,
    ) -> Self {
        let mut peers = Lazy::new();
        peers.set(&Peers {
            credentials,
            consent,
        });
        Self {
            governance: Governance::new(governor),
            peers,
            next_trial: 1,
            next_batch: 1,
            next_event: 1,
            regulators: Mapping::default(),
            trials: Mapping::default(),
            versions: Mapping::default(),
            approved_outcomes: Mapping::default(),
            investigators: Mapping::default(),
            investigator_list: Mapping::default(),
            version_consents: Mapping::default(),
            participants: Mapping::default(),
            participant_of: Mapping::default(),
            batches: Mapping::default(),
            batch_list: Mapping::default(),
            devices: Mapping::default(),
            attestations: Mapping::default(),
            events: Mapping::default(),
            event_list: Mapping::default(),
            open_susar_list: Mapping::default(),
            open_susar_index: Mapping::default(),
            signal_counts: Mapping::default(),
        }
    }
}
