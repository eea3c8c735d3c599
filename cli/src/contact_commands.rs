//! The contact commands: add, rename and remove contacts, answer
//! subscription requests, and set one's own presence. Each is stored at
//! once and sent when the gateway can be reached.

use splitline_core::{client::Client, store::ContactOpKind};
use splitline_protocol::Availability;

/// `/add ADDRESS [NAME]`, `/rename ADDRESS NAME` and `/remove ADDRESS`.
pub fn change(client: &Client, command: &str, jid: &str, arg: &str) {
    let contacts = client.contacts_api();
    let name = Some(arg).filter(|a| !a.is_empty());
    let result = match command {
        "/add" => contacts
            .add(jid, name)
            .map(|c| format!("added {} (asking to see their presence)", c.jid)),
        "/rename" if name.is_none() => return println!("usage: /rename ADDRESS NAME"),
        "/rename" => contacts
            .rename(jid, name)
            .map(|c| format!("renamed {} to {arg}", c.jid)),
        _ => contacts.remove(jid).map(|()| format!("removed {jid}")),
    };
    match result {
        Ok(done) => println!("{done}"),
        Err(e) => println!("error: {e}"),
    }
}

/// `/accept ADDRESS` and `/refuse ADDRESS`.
pub fn answer(client: &Client, jid: &str, accept: bool) {
    let contacts = client.contacts_api();
    let (result, done) = if accept {
        (contacts.accept(jid), "accepted")
    } else {
        (contacts.refuse(jid), "refused")
    };
    match result {
        Ok(()) => println!("{done} {}", jid.trim()),
        Err(e) => println!("error: {e}"),
    }
}

/// `/presence [available|away|dnd [STATUS TEXT]]`: shows or sets one's own presence.
pub fn presence(client: &Client, rest: &str) {
    let contacts = client.contacts_api();
    if rest.is_empty() {
        match contacts.own_presence() {
            Ok(own) => println!(
                "you are {}{}",
                availability_word(own.availability),
                own.status.map(|s| format!(" ({s})")).unwrap_or_default()
            ),
            Err(e) => println!("error: {e}"),
        }
        return;
    }
    let (word, status) = rest
        .split_once(' ')
        .map_or((rest, ""), |(w, s)| (w, s.trim()));
    let availability = match word {
        "available" => Availability::Available,
        "away" => Availability::Away,
        "dnd" => Availability::DoNotDisturb,
        _ => return println!("usage: /presence available|away|dnd [STATUS TEXT]"),
    };
    let status = Some(status).filter(|s| !s.is_empty());
    match contacts.set_presence(availability, status) {
        Ok(()) => println!("presence set to {word}"),
        Err(e) => println!("error: {e}"),
    }
}

fn availability_word(a: Availability) -> &'static str {
    match a {
        Availability::Available | Availability::Chat => "available",
        Availability::Away | Availability::ExtendedAway => "away",
        Availability::DoNotDisturb => "dnd",
        Availability::Offline => "offline",
    }
}

/// Prints who asks to see the user's presence, and the changes the gateway
/// refused for good (then forgets those: they have been shown).
pub fn list_requests_and_failures(client: &Client) {
    let contacts = client.contacts_api();
    match contacts.requests() {
        Ok(requests) => {
            for jid in requests {
                println!("  {jid} asks to see your presence (/accept or /refuse)");
            }
        }
        Err(e) => println!("error: {e}"),
    }
    if let Ok(failures) = contacts.failures()
        && !failures.is_empty()
    {
        for failure in failures {
            let what = match failure.kind {
                ContactOpKind::Add => "adding",
                ContactOpKind::Rename => "renaming",
                ContactOpKind::Remove => "removing",
                ContactOpKind::Accept => "accepting",
                ContactOpKind::Refuse => "refusing",
            };
            println!("  {what} {} failed: {}", failure.jid, failure.reason);
        }
        if let Err(e) = contacts.clear_failures() {
            println!("error: {e}");
        }
    }
}
