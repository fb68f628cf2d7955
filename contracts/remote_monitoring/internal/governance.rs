//! The governor's actions that are this contract's own, applied through
//! [`healthcare_traits::governance::apply`], and the storage a new contract starts with.

use crate::model::*;
use crate::remote_monitoring::RemoteMonitoring;
use healthcare_traits::{ApplyError, Governance, PeerRole};
use ink::primitives::AccountId;
use ink::storage::{Lazy, Mapping};

impl healthcare_traits::governance::Governs for RemoteMonitoring {
    fn governance(&mut self) -> &mut Governance {
        &mut self.governance
    }

    /// The governor's actions that are this contract's own: its peer addresses.
    fn apply_own(
        &mut self,
        action: healthcare_traits::Action,
    ) -> core::result::Result<(), ApplyError> {
        use healthcare_traits::Action;
        match action {
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
            _ => Err(ApplyError::Unsupported),
        }
    }
}

impl RemoteMonitoring {
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
            next_model: 1,
            next_batch: 1,
            next_alert: 1,
            models: Mapping::default(),
            devices: Mapping::default(),
            attestations: Mapping::default(),
            device_batches: Mapping::default(),
            batches: Mapping::default(),
            pairings: Mapping::default(),
            pairing_count: Mapping::default(),
            patient_days: Mapping::default(),
            device_days: Mapping::default(),
            provider_days: Mapping::default(),
            thresholds: Mapping::default(),
            care_teams: Mapping::default(),
            alerts: Mapping::default(),
            patient_alerts: Mapping::default(),
            alert_count: Mapping::default(),
        }
    }
}
