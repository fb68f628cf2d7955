//! The governor's actions that are this contract's own, applied through
//! [`healthcare_traits::governance::apply`], and the storage a new contract starts with.

use crate::consent_registry::ConsentRegistry;
use crate::events::*;
use crate::model::*;
use healthcare_traits::{ensure, ApplyError, Governance, PeerRole};
use ink::codegen::Env;
use ink::primitives::AccountId;
use ink::storage::{Lazy, Mapping};

impl healthcare_traits::governance::Governs for ConsentRegistry {
    fn governance(&mut self) -> &mut Governance {
        &mut self.governance
    }

    /// The governor's actions that are this registry's own: the staff_credentials
    /// address and the break-glass settings.
    fn apply_own(
        &mut self,
        action: healthcare_traits::Action,
    ) -> core::result::Result<(), ApplyError> {
        use healthcare_traits::Action;
        match action {
            Action::Peer(PeerRole::Credentials, address) => {
                self.credentials.set(&address);
                Ok(())
            }
            Action::BreakGlass(break_glass_window, max_per_window, rate_window) => self
                .set_config(Config {
                    break_glass_window,
                    max_per_window,
                    rate_window,
                })
                .map_err(|_| ApplyError::Invalid),
            _ => Err(ApplyError::Unsupported),
        }
    }
}

impl ConsentRegistry {
    /// The governor's `BreakGlass`: sets the break-glass window (1 h ..= 7 days) and the
    /// sliding rate limit (`max_per_window` 1 ..= 16 per `rate_window`, 1 h ..= 30
    /// days).
    pub(crate) fn set_config(&mut self, config: Config) -> Result<()> {
        ensure!(config.is_valid(), Error::BadConfig);
        self.config.set(&config);
        self.env().emit_event(ConfigChanged {
            break_glass_window: config.break_glass_window,
            max_per_window: config.max_per_window,
            rate_window: config.rate_window,
        });
        Ok(())
    }

    /// The storage of a new registry, every map empty, every counter at its start and
    /// the default configuration.
    pub(crate) fn with_storage(governor: AccountId, credentials: AccountId) -> Self {
        let mut peer = Lazy::new();
        peer.set(&credentials);
        let mut config = Lazy::new();
        config.set(&Config::DEFAULT);
        Self {
            governance: Governance::new(governor),
            credentials: peer,
            config,
            next_consent: 1,
            next_care: 1,
            next_record: 1,
            next_grant: 1,
            consents: Mapping::default(),
            index_headers: Mapping::default(),
            index_buckets: Mapping::default(),
            patient_consents: Mapping::default(),
            patient_consent_count: Mapping::default(),
            care: Mapping::default(),
            open_care: Mapping::default(),
            patient_care: Mapping::default(),
            patient_care_count: Mapping::default(),
            delegates: Mapping::default(),
            delegate_list: Mapping::default(),
            delegate_count: Mapping::default(),
            terms: Mapping::default(),
            last_term: Mapping::default(),
            records: Mapping::default(),
            patient_records: Mapping::default(),
            patient_record_count: Mapping::default(),
            access_log: Mapping::default(),
            access_count: Mapping::default(),
            grants: Mapping::default(),
            live_grant: Mapping::default(),
            rate: Mapping::default(),
        }
    }
}
