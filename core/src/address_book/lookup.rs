//! Who a number is, and what a call to it would cost: the native entries
//! and network contacts with that number, and the route
//! [`routing::plan`] chooses for it (to the contact's address when a
//! network contact has the number, otherwise to the number).

use splitline_protocol::{AccessNumber, PhoneNumber};

use super::AddressBookError;
use crate::{
    calls::routing::{
        self, CallPlan, CallPolicy, CallRequest, CalleeInput, Caller, DeviceReport, Preference,
        RoutingError,
    },
    store::{NativeMatch, NetworkMatch, Store},
};

/// What a call's route depends on, besides whom it goes to: the same
/// inputs as [`routing::CallRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    /// How the user would like to call.
    pub preference: Preference,
    /// What the device reports now.
    pub device: DeviceReport,
    /// The carrier's rules.
    pub policy: CallPolicy,
    /// The user's account; its home country reads the number looked up.
    pub caller: Caller,
}

/// What a call to the number would cost at the far end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallCost {
    /// A network contact has the number: the call goes to the contact's
    /// address over the network, free; the plan says how the user's own
    /// side is connected.
    FreeNetworkCall {
        /// The contact called.
        jid: String,
    },
    /// No network contact has it: a carrier call to the number, by the
    /// plan's route.
    CarrierCall,
}

/// Who a number is and what calling it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The number, normalised.
    pub number: PhoneNumber,
    /// The native entries with it, by name.
    pub native: Vec<NativeMatch>,
    /// The network contacts whose vCard has it, by address.
    pub contacts: Vec<NetworkMatch>,
    /// Free to a contact, or a carrier call.
    pub cost: CallCost,
    /// The route [`routing::plan`] chooses, with its reasons, or why the
    /// call cannot be placed.
    pub plan: Result<CallPlan, RoutingError>,
}

impl Lookup {
    /// Why the call would go as it goes, as one sentence.
    pub fn explanation(&self) -> String {
        match &self.plan {
            Ok(plan) => plan.explanation(),
            Err(error) => error.to_string(),
        }
    }
}

/// A name for an incoming call's caller (a label only: see
/// [`super::AddressBook::caller_name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerName {
    /// The native entries with the number.
    pub native: Vec<NativeMatch>,
    /// The network contacts with it.
    pub contacts: Vec<NetworkMatch>,
}

impl CallerName {
    /// The name to show: the first native entry's, else the first
    /// contact's name in the contact list, else its address.
    pub fn label(&self) -> String {
        self.native
            .first()
            .map(|n| n.name.clone())
            .or_else(|| {
                self.contacts
                    .first()
                    .map(|c| c.name.clone().unwrap_or_else(|| c.jid.clone()))
            })
            .unwrap_or_default()
    }
}

pub(super) fn lookup(
    store: &Store,
    number: &str,
    context: &CallContext,
    directory: &[AccessNumber],
) -> Result<Lookup, AddressBookError> {
    let number = PhoneNumber::parse(number, &context.caller.home_country)?;
    let native = store.native_with_number(&number.e164)?;
    let contacts = store.contacts_with_number(&number.e164)?;
    let (callee, cost) = match contacts.first() {
        Some(contact) => (
            CalleeInput::Contact(contact.jid.clone()),
            CallCost::FreeNetworkCall {
                jid: contact.jid.clone(),
            },
        ),
        None => (
            CalleeInput::Number(number.e164.clone()),
            CallCost::CarrierCall,
        ),
    };
    let request = CallRequest {
        callee: &callee,
        preference: context.preference,
        device: &context.device,
        policy: &context.policy,
        caller: &context.caller,
    };
    let plan = routing::plan(request, directory);
    Ok(Lookup {
        number,
        native,
        contacts,
        cost,
        plan,
    })
}

pub(super) fn caller_name(
    store: &Store,
    number: &str,
) -> Result<Option<CallerName>, AddressBookError> {
    let number = match store.home_country()? {
        Some(home) => PhoneNumber::parse(number, &home)?,
        None => PhoneNumber::parse_e164(number)?,
    };
    let native = store.native_with_number(&number.e164)?;
    let contacts = store.contacts_with_number(&number.e164)?;
    Ok((!native.is_empty() || !contacts.is_empty()).then_some(CallerName { native, contacts }))
}
