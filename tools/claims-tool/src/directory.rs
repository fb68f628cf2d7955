//! `DIRECTORY.csv`: who is who on chain. Header `kind,id,account`; `kind` is `member`
//! (the 837's subscriber member id, NM1*IL NM109) or `provider` (an NPI); `account` is
//! the SS58 address of the member's or provider's account.

use healthcare_traits::credentials::is_valid_npi;
use ink::primitives::AccountId;
use std::collections::HashMap;
use std::path::Path;

/// The accounts of members and providers.
#[derive(Debug, Default, Clone)]
pub struct Directory {
    members: HashMap<String, AccountId>,
    providers: HashMap<String, AccountId>,
}

#[derive(serde::Deserialize)]
struct Row {
    kind: String,
    id: String,
    account: String,
}

/// The rows of the CSV file `path`, which must have the header `header`, each with its
/// line number (the header is line 1); the first row that does not read is the error.
pub(crate) fn csv_rows<T: serde::de::DeserializeOwned>(
    path: &Path,
    header: &[&str],
) -> Result<Vec<(usize, T)>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let found = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    if found.iter().collect::<Vec<_>>() != header {
        return Err(format!(
            "{}: the header must be {}",
            path.display(),
            header.join(",")
        ));
    }
    reader
        .deserialize::<T>()
        .enumerate()
        .map(|(i, row)| {
            let line = i + 2;
            row.map(|row| (line, row))
                .map_err(|e| format!("{} line {line}: {e}", path.display()))
        })
        .collect()
}

impl Directory {
    /// Reads `path`; every row is checked (kind, NPI check digit, SS58 address).
    pub fn load(path: &Path) -> Result<Self, String> {
        let mut directory = Directory::default();
        for (line, row) in csv_rows::<Row>(path, &["kind", "id", "account"])? {
            let account = suite_client::parse_account(&row.account)
                .map_err(|e| format!("{} line {line}: {e}", path.display()))?;
            let id = row.id.trim().to_string();
            match row.kind.trim() {
                "member" => directory.members.insert(id, account),
                "provider" if is_valid_npi(id.as_bytes()) => {
                    directory.providers.insert(id, account)
                }
                "provider" => {
                    return Err(format!(
                        "{} line {line}: {id:?} is no NPI (ten digits with a valid check digit)",
                        path.display()
                    ))
                }
                other => {
                    return Err(format!(
                        "{} line {line}: kind {other:?} is neither member nor provider",
                        path.display()
                    ))
                }
            };
        }
        Ok(directory)
    }

    /// Adds a member (tests, demo setup).
    pub fn add_member(&mut self, id: &str, account: AccountId) {
        self.members.insert(id.to_string(), account);
    }

    /// Adds a provider (tests, demo setup).
    pub fn add_provider(&mut self, npi: &str, account: AccountId) {
        self.providers.insert(npi.to_string(), account);
    }

    /// The member's account.
    pub fn member(&self, id: &str) -> Option<AccountId> {
        self.members.get(id).copied()
    }

    /// The provider's account.
    pub fn provider(&self, npi: &str) -> Option<AccountId> {
        self.providers.get(npi).copied()
    }

    /// Every provider's NPI and account.
    pub fn providers(&self) -> impl Iterator<Item = (&str, AccountId)> + '_ {
        self.providers
            .iter()
            .map(|(npi, account)| (npi.as_str(), *account))
    }

    /// The file's rows (members first), for writing it.
    pub fn to_csv(&self) -> String {
        let mut rows: Vec<String> = vec!["kind,id,account".into()];
        let mut members: Vec<_> = self.members.iter().collect();
        members.sort();
        let mut providers: Vec<_> = self.providers.iter().collect();
        providers.sort();
        for (id, account) in members {
            rows.push(format!("member,{id},{}", suite_client::ss58(account)));
        }
        for (id, account) in providers {
            rows.push(format!("provider,{id},{}", suite_client::ss58(account)));
        }
        rows.join("\n") + "\n"
    }
}
