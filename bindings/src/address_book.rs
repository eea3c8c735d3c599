//! `AddressBook`: the phone's contacts matched to the network's by number,
//! and what a call to a number would cost. Nothing of the phone's address
//! book leaves the phone; import, matching and lookup work offline.

use std::sync::Arc;

use splitline_core::{
    address_book::{
        CallContext, CallCost, CallerName, ImportReport, Lookup, NativeContact, NativeNumber,
    },
    client::Client,
    store::{ContactMatch, NativeMatch, NetworkMatch, UnreadNumber},
};

use crate::{CallAsk, CallCallee, CallPlanInfo, SplitlineError, types::to_u32};

/// One entry of the phone's address book, as the app reads it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeContactInfo {
    /// The platform's stable id of the entry (Android's contact id).
    pub native_id: String,
    /// The display name.
    pub name: String,
    /// Its numbers, as written.
    pub numbers: Vec<NativeNumberInfo>,
}

/// A number of a native entry.
#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeNumberInfo {
    /// "mobile", "work", … if the address book has one.
    pub label: Option<String>,
    /// The number as written, in any format.
    pub number: String,
}

impl From<NativeContactInfo> for NativeContact {
    fn from(c: NativeContactInfo) -> Self {
        Self {
            native_id: c.native_id,
            name: c.name,
            numbers: c
                .numbers
                .into_iter()
                .map(|n| NativeNumber {
                    label: n.label,
                    number: n.number,
                })
                .collect(),
        }
    }
}

/// A number that could not be read, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnreadNumberInfo {
    /// The entry's id.
    pub native_id: String,
    /// The entry's name.
    pub name: String,
    /// The number as written.
    pub written: String,
}

impl From<UnreadNumber> for UnreadNumberInfo {
    fn from(u: UnreadNumber) -> Self {
        Self {
            native_id: u.native_id,
            name: u.name,
            written: u.written,
        }
    }
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReportInfo {
    /// Entries new since the last import.
    pub added: u32,
    /// Entries whose name or numbers changed.
    pub updated: u32,
    /// Entries gone from the address book.
    pub removed: u32,
    /// Entries as they were.
    pub unchanged: u32,
    /// Every number that could not be read.
    pub unread: Vec<UnreadNumberInfo>,
}

impl From<ImportReport> for ImportReportInfo {
    fn from(r: ImportReport) -> Self {
        Self {
            added: to_u32(r.added),
            updated: to_u32(r.updated),
            removed: to_u32(r.removed),
            unchanged: to_u32(r.unchanged),
            unread: r.unread.into_iter().map(UnreadNumberInfo::from).collect(),
        }
    }
}

/// A native entry with the number looked up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NativeMatchInfo {
    /// The entry's id.
    pub native_id: String,
    /// Its display name.
    pub name: String,
    /// The number's label, if any.
    pub label: Option<String>,
}

impl From<NativeMatch> for NativeMatchInfo {
    fn from(m: NativeMatch) -> Self {
        Self {
            native_id: m.native_id,
            name: m.name,
            label: m.label,
        }
    }
}

/// A network contact whose vCard has the number looked up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NetworkMatchInfo {
    /// The contact's address.
    pub jid: String,
    /// The name the user gave it, if any.
    pub name: Option<String>,
}

impl From<NetworkMatch> for NetworkMatchInfo {
    fn from(m: NetworkMatch) -> Self {
        Self {
            jid: m.jid,
            name: m.name,
        }
    }
}

/// What a call to the number would cost at the far end.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CallCostInfo {
    /// A network contact has the number: the call goes to `jid`, free.
    FreeNetworkCall {
        /// The contact called.
        jid: String,
    },
    /// No network contact has it: a carrier call to the number.
    CarrierCall,
}

impl From<CallCost> for CallCostInfo {
    fn from(c: CallCost) -> Self {
        match c {
            CallCost::FreeNetworkCall { jid } => Self::FreeNetworkCall { jid },
            CallCost::CarrierCall => Self::CarrierCall,
        }
    }
}

/// Who a number is, and what calling it costs.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LookupInfo {
    /// The number in E.164.
    pub number: String,
    /// The native entries with it, by name.
    pub native: Vec<NativeMatchInfo>,
    /// The network contacts with it, by address.
    pub contacts: Vec<NetworkMatchInfo>,
    /// Free to a contact, or a carrier call.
    pub cost: CallCostInfo,
    /// The route a call would take; none when no route can place it now.
    pub plan: Option<CallPlanInfo>,
    /// Why the call would go so (or why it cannot), as one sentence.
    pub explanation: String,
    /// The number is not of the caller's home country (an international
    /// call from there), for the app's redirection rule.
    pub international: bool,
}

impl LookupInfo {
    /// `l` as the FFI shows it, for a caller whose home is `home_country`.
    fn new(l: Lookup, home_country: &str) -> Self {
        let explanation = l.explanation();
        Self {
            international: l.number.country.as_deref() != Some(home_country),
            number: l.number.e164,
            native: l.native.into_iter().map(NativeMatchInfo::from).collect(),
            contacts: l.contacts.into_iter().map(NetworkMatchInfo::from).collect(),
            cost: l.cost.into(),
            plan: l.plan.ok().map(CallPlanInfo::from),
            explanation,
        }
    }
}

/// A name for an incoming call's caller: a label only, not proof of who calls.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CallerNameInfo {
    /// The name to show.
    pub label: String,
    /// The native entries with the number.
    pub native: Vec<NativeMatchInfo>,
    /// The network contacts with it.
    pub contacts: Vec<NetworkMatchInfo>,
}

impl From<CallerName> for CallerNameInfo {
    fn from(c: CallerName) -> Self {
        Self {
            label: c.label(),
            native: c.native.into_iter().map(NativeMatchInfo::from).collect(),
            contacts: c.contacts.into_iter().map(NetworkMatchInfo::from).collect(),
        }
    }
}

/// A native entry that shares a number with a network contact.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactMatchInfo {
    /// The entry's id.
    pub native_id: String,
    /// The entry's name.
    pub name: String,
    /// The contact's address.
    pub jid: String,
    /// The number they share (E.164).
    pub e164: String,
}

impl From<ContactMatch> for ContactMatchInfo {
    fn from(m: ContactMatch) -> Self {
        Self {
            native_id: m.native_id,
            name: m.name,
            jid: m.jid,
            e164: m.e164,
        }
    }
}

/// The phone's address book beside the network contacts' vCard numbers.
#[derive(uniffi::Object)]
pub struct AddressBook {
    client: Arc<Client>,
}

impl AddressBook {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AddressBook {
    /// Imports the whole native address book, with `home_country` (the
    /// SIM's, like `"GB"`) for numbers written without a country code.
    /// Incremental; a number that cannot be read is kept and reported.
    /// `Invalid` (nothing changed) for a bad country or entry.
    pub fn import(
        &self,
        entries: Vec<NativeContactInfo>,
        home_country: String,
    ) -> Result<ImportReportInfo, SplitlineError> {
        let entries: Vec<NativeContact> = entries.into_iter().map(NativeContact::from).collect();
        Ok(self
            .client
            .address_book()
            .import(&entries, &home_country)?
            .into())
    }

    /// Asks the gateway for the numbers in the contacts' vCards (done at
    /// every sign-in too); returns how many contacts have numbers.
    pub async fn refresh_contact_phones(&self) -> Result<u32, SplitlineError> {
        Ok(to_u32(
            self.client.address_book().refresh_contact_phones().await?,
        ))
    }

    /// Publishes `numbers` (E.164) as the user's own in their vCard, so
    /// their contacts can match them; empty removes them.
    pub async fn publish_own_numbers(&self, numbers: Vec<String>) -> Result<(), SplitlineError> {
        Ok(self
            .client
            .address_book()
            .publish_own_numbers(&numbers)
            .await?)
    }

    /// Who the number of `ask` (a `CallCallee.Number`, read in its home
    /// country) is, and how a call to it would go, planned as `Calls.plan`
    /// plans. The gateway's access numbers are asked for when the rules
    /// offer them; offline there are none. `Invalid` for a contact callee
    /// or a bad number.
    pub async fn lookup(&self, ask: CallAsk) -> Result<LookupInfo, SplitlineError> {
        let CallCallee::Number { number } = &ask.callee else {
            return Err(SplitlineError::invalid(
                "a lookup is of a number, not a contact's address",
            ));
        };
        let number = number.clone();
        let (_, preference, device, policy, caller) = ask.parts()?;
        let directory = match (policy.access_numbers, self.client.calls()) {
            (true, Ok(calls)) => calls.access_numbers().await.unwrap_or_else(|error| {
                tracing::info!(%error, "no access numbers for the lookup");
                Vec::new()
            }),
            _ => Vec::new(),
        };
        let home_country = caller.home_country.clone();
        let context = CallContext {
            preference,
            device,
            policy,
            caller,
        };
        let book = self.client.address_book();
        let lookup =
            tokio::task::spawn_blocking(move || book.lookup(&number, &context, &directory))
                .await
                .map_err(|e| {
                    SplitlineError::internal(format!("the lookup did not finish: {e}"))
                })??;
        Ok(LookupInfo::new(lookup, &home_country))
    }

    /// A name for the caller from `number` (E.164, or local to the home
    /// country of the last import), or none.
    pub fn caller_name(&self, number: String) -> Result<Option<CallerNameInfo>, SplitlineError> {
        Ok(self
            .client
            .address_book()
            .caller_name(&number)?
            .map(CallerNameInfo::from))
    }

    /// Every native entry that shares a number with a network contact.
    pub fn matches(&self) -> Result<Vec<ContactMatchInfo>, SplitlineError> {
        Ok(self
            .client
            .address_book()
            .matches()?
            .into_iter()
            .map(ContactMatchInfo::from)
            .collect())
    }
}

/// `written` (a caller id as the network presents it, or a number as typed)
/// in E.164, read in `home_country` when it has no country code; none if it
/// is no number.
#[uniffi::export]
pub fn read_phone_number(written: String, home_country: String) -> Option<String> {
    splitline_core::address_book::read_number(&written, &home_country)
}
