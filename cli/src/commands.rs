//! The terminal client's commands and how it prints what happens.

use splitline_core::{
    client::Client,
    history::HistoryEnd,
    store::{MessageKind, MessageRow},
    sync::SyncUpdate,
};
use splitline_protocol::Availability;

use crate::{
    address_book_commands,
    call_commands::{self, CallSettings},
    contact_commands,
};

/// What the terminal shows for a gap marker in a timeline.
const GAP_NOTICE: &str = "... messages from here may be missing (the archive no longer had them)";

/// Rows a chat shows at a time, on `/open` and on each `/older`.
const PAGE: u32 = 20;

const HELP: &str = "\
commands:
  /contacts            list contacts with presence, and who asks to see yours
  /add ADDRESS [NAME]  add ADDRESS as a contact (named NAME) and ask to see their presence
  /rename ADDRESS NAME rename the contact ADDRESS
  /remove ADDRESS      remove the contact ADDRESS
  /accept ADDRESS      let ADDRESS see your presence (answers their request)
  /refuse ADDRESS      refuse ADDRESS's request to see your presence
  /presence [available|away|dnd [TEXT]]  show or set your presence, with a status TEXT
  /chats               list chats, most recent first
  /open ADDRESS        open the chat with ADDRESS, show its latest messages, mark it viewed
  /older               show the open chat's previous page (from the archive when the store runs out)
  /read                mark every chat viewed
  /close ADDRESS       close the chat with ADDRESS everywhere until a new message arrives
  /msg ADDRESS TEXT    send TEXT to ADDRESS (a contact or a room)
  /rooms               list your group chats (ROOM below is one of them)
  /newroom NAME        create a group chat named NAME (you own it)
  /add ROOM ADDRESS    add ADDRESS to the room ROOM and invite them
  /remove ROOM ADDRESS remove ADDRESS from the room ROOM
  /rename ROOM NAME    rename the room ROOM
  /leave ROOM          leave the room ROOM on every device
  /numbers             list the gateway's access numbers
  /plan CALLEE         show how a call to CALLEE (number or address) would be placed
  /call CALLEE         place a call to CALLEE through the gateway (callback or access number)
  /hangup CALL         hang up or cancel the call CALL
  /calls               list your call records
  /verify NUMBER       prove NUMBER (E.164) is your mobile: the gateway rings it once
  /confirm CODE        confirm the code the verification call came from
  /import CONTACTS.csv import an address book (rows: native id,name,label,number)
  /lookup NUMBER       who NUMBER is (address book, network contact) and how a call would go
  TEXT                 send TEXT to the open chat
  /signoff             sign off: end the gateway session now (contacts see you leave), then stop
  /quit                stop (the gateway keeps the session until its idle timeout)";

/// What the terminal is showing.
pub struct Terminal {
    open_chat: Option<String>,
    /// The oldest row of the open chat shown so far, for `/older`.
    oldest_shown: Option<i64>,
    here: CallSettings,
}

fn availability(a: Availability) -> &'static str {
    match a {
        Availability::Available => "available",
        Availability::Chat => "chatty",
        Availability::Away => "away",
        Availability::ExtendedAway => "away (long)",
        Availability::DoNotDisturb => "busy",
        Availability::Offline => "offline",
    }
}

impl Terminal {
    /// Nothing open yet; `country` and `mobile` are for planning calls.
    pub fn new(country: Option<String>, mobile: Option<String>) -> Self {
        Self {
            open_chat: None,
            oldest_shown: None,
            here: CallSettings { country, mobile },
        }
    }

    /// Carries out one input line; false means quit.
    pub async fn handle(&mut self, client: &Client, line: &str) -> bool {
        let line = line.trim();
        let (command, rest) = line
            .split_once(' ')
            .map_or((line, ""), |(c, r)| (c, r.trim()));
        match command {
            "" => {}
            "/quit" | "/exit" => return false,
            "/signoff" => {
                match client.sign_off().await {
                    Ok(()) => println!("signed off"),
                    Err(e) => println!("error: {e}"),
                }
                return false;
            }
            "/help" => println!("{HELP}"),
            "/contacts" => self.list_contacts(client),
            "/chats" => self.list_chats(client),
            "/open" if !rest.is_empty() => {
                self.open_chat = Some(rest.to_owned());
                self.oldest_shown = None;
                self.show_chat(client, rest);
                if let Err(e) = client.mark_chat_viewed(rest) {
                    println!("error: {e}");
                }
            }
            "/close" if !rest.is_empty() => match client.close_chat(rest) {
                Ok(true) => println!("closed the chat with {rest}"),
                Ok(false) => println!("no chat with {rest}"),
                Err(e) => println!("error: {e}"),
            },
            "/read" => match client.mark_all_viewed() {
                Ok(chats) => println!("marked {} chat(s) viewed", chats.len()),
                Err(e) => println!("error: {e}"),
            },
            "/older" => self.show_older(client).await,
            "/rooms" => list_rooms(client),
            "/numbers" => call_commands::list_numbers(client).await,
            "/plan" if !rest.is_empty() => call_commands::plan(client, &self.here, rest).await,
            "/call" if !rest.is_empty() => call_commands::call(client, &self.here, rest).await,
            "/hangup" if !rest.is_empty() => call_commands::hang_up(client, rest).await,
            "/calls" => call_commands::records(client).await,
            "/verify" if !rest.is_empty() => call_commands::verify(client, rest).await,
            "/confirm" if !rest.is_empty() => call_commands::confirm(client, rest).await,
            "/import" if !rest.is_empty() => {
                address_book_commands::import(client, &self.here, rest).await
            }
            "/lookup" if !rest.is_empty() => {
                address_book_commands::lookup(client, &self.here, rest).await
            }
            "/newroom" if !rest.is_empty() => {
                let created = match client.room_admin() {
                    Ok(admin) => admin
                        .create_room(rest, &[])
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match created {
                    Ok(room) => println!("created {} ({})", room.name, room.jid),
                    Err(e) => println!("error: {e}"),
                }
            }
            "/add" | "/remove" | "/rename" if !rest.is_empty() => {
                let (target, arg) = rest
                    .split_once(' ')
                    .map_or((rest, ""), |(t, a)| (t, a.trim()));
                match is_room(client, target) {
                    true if arg.is_empty() => println!("usage: {command} ROOM ADDRESS (or NAME)"),
                    true => room_command(client, command, target, arg).await,
                    false => contact_commands::change(client, command, target, arg),
                }
            }
            "/accept" if !rest.is_empty() => contact_commands::answer(client, rest, true),
            "/refuse" if !rest.is_empty() => contact_commands::answer(client, rest, false),
            "/presence" => contact_commands::presence(client, rest),
            "/leave" if !rest.is_empty() => room_command(client, command, rest, "").await,
            "/msg" => match rest.split_once(' ') {
                Some((peer, text)) => send(client, peer, text),
                None => println!("usage: /msg ADDRESS TEXT"),
            },
            other if other.starts_with('/') => {
                println!("unknown command {other}; /help lists them")
            }
            _ => match &self.open_chat {
                Some(peer) => send(client, peer, line),
                None => println!("open a chat first: /open ADDRESS"),
            },
        }
        true
    }

    fn list_contacts(&self, client: &Client) {
        match client.contacts_api().page(0, 500) {
            Ok(contacts) if contacts.is_empty() => println!("no contacts"),
            Ok(contacts) => {
                for c in contacts {
                    let pending = if c.pending_out { " [asked]" } else { "" };
                    let status = c
                        .presence
                        .status
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default();
                    let name = c.name.map(|n| format!("{n} ")).unwrap_or_default();
                    println!(
                        "  {name}<{}> {}{status}{pending}",
                        c.jid,
                        availability(c.presence.availability)
                    );
                }
            }
            Err(e) => println!("error: {e}"),
        }
        contact_commands::list_requests_and_failures(client);
    }

    fn list_chats(&self, client: &Client) {
        match client.chats(0, 100) {
            Ok(chats) if chats.is_empty() => println!("no chats"),
            Ok(chats) => {
                for chat in chats {
                    match &chat.room_name {
                        Some(name) => {
                            println!("  {name} [room {}] ({} unread)", chat.peer, chat.unread)
                        }
                        None => println!("  {} ({} unread)", chat.peer, chat.unread),
                    }
                }
            }
            Err(e) => println!("error: {e}"),
        }
    }

    fn show_chat(&mut self, client: &Client, peer: &str) {
        match client.messages(peer, None, PAGE) {
            Ok(messages) => {
                self.oldest_shown = messages.first().map(|m| m.id);
                print_rows(&messages);
            }
            Err(e) => println!("error: {e}"),
        }
    }

    /// `/older`: the page before the oldest row shown, from the store, then
    /// from the chat's archive.
    async fn show_older(&mut self, client: &Client) {
        let Some(peer) = self.open_chat.clone() else {
            return println!("open a chat first: /open ADDRESS");
        };
        let page = match client.history().older(&peer, self.oldest_shown, PAGE).await {
            Ok(page) => page,
            Err(e) => return println!("error: {e}"),
        };
        print_rows(&page.rows);
        if let Some(first) = page.rows.first() {
            self.oldest_shown = Some(first.id);
        }
        match page.end {
            HistoryEnd::More => {}
            HistoryEnd::Beginning => println!("* the beginning of the chat with {peer}"),
            HistoryEnd::ArchiveUnavailable(reason) => {
                println!("* older messages could not be fetched ({reason}); try /older again later")
            }
        }
    }

    /// Prints what an update changed.
    pub fn show_update(&self, client: &Client, update: &SyncUpdate) {
        match update {
            SyncUpdate::Online(endpoint) => println!("* online via {endpoint}"),
            SyncUpdate::Offline(reason) => println!("* offline: {reason}; retrying"),
            SyncUpdate::Changed(changes) => {
                for from in &changes.subscription_requests {
                    println!("* {from} asks to see your presence");
                }
                if changes.new_messages > 0 {
                    for peer in &changes.chats {
                        if let Ok(messages) = client.messages(peer, None, 1) {
                            for m in messages.iter().filter(|m| !m.outgoing) {
                                match m.kind {
                                    MessageKind::Gap => println!("[{peer}] {GAP_NOTICE}"),
                                    MessageKind::Message => println!("[{}] {}", m.sender, m.body),
                                }
                            }
                        }
                    }
                }
                for call in &changes.incoming_calls {
                    let name = match (&call.caller_name, call.caller_verified) {
                        (Some(name), true) => format!("{name}, "),
                        (Some(name), false) => format!("says \"{name}\", unverified, "),
                        (None, _) => String::new(),
                    };
                    println!(
                        "* {} ({name}call {}) calls you: your mobile rings from {}",
                        call.caller, call.call_id, call.callback_from
                    );
                }
                for update in &changes.calls {
                    match update.reason {
                        Some(reason) => {
                            println!("* call {}: {:?} ({reason:?})", update.call_id, update.state);
                        }
                        None => println!("* call {}: {:?}", update.call_id, update.state),
                    }
                }
                if let Some(number) = &changes.mobile_verified {
                    println!("* your mobile {number} is verified");
                }
                if let Some(reason) = changes.session_ended {
                    println!("* the gateway ended the session ({reason:?}); signing in again");
                }
            }
        }
    }
}

/// Prints timeline rows, oldest first.
fn print_rows(rows: &[MessageRow]) {
    for m in rows {
        if m.kind == MessageKind::Gap {
            println!("  {GAP_NOTICE}");
            continue;
        }
        let who = if m.outgoing { "me" } else { m.sender.as_str() };
        println!("  [{who}] {} ({:?})", m.body, m.state);
    }
}

fn list_rooms(client: &Client) {
    match client.rooms() {
        Ok(rooms) if rooms.is_empty() => println!("no rooms"),
        Ok(rooms) => {
            for room in rooms {
                println!("  {} ({})", room.name, room.jid);
            }
        }
        Err(e) => println!("error: {e}"),
    }
}

/// True when `jid` is one of the user's rooms (`/add`, `/remove` and
/// `/rename` then mean the room's members or name, else a contact).
fn is_room(client: &Client, jid: &str) -> bool {
    client
        .rooms()
        .is_ok_and(|rooms| rooms.iter().any(|r| r.jid == jid))
}

/// `/add`, `/remove`, `/rename` and `/leave`, which need the gateway now.
async fn room_command(client: &Client, command: &str, room: &str, arg: &str) {
    let admin = match client.room_admin() {
        Ok(admin) => admin,
        Err(e) => return println!("error: {e}"),
    };
    let result = match command {
        "/add" => admin.add_member(room, arg).await,
        "/remove" => admin.remove_member(room, arg).await,
        "/rename" => admin.rename_room(room, arg).await,
        _ => admin.leave_room(room).await,
    };
    match result {
        Ok(()) => println!("done"),
        Err(e) => println!("error: {e}"),
    }
}

fn send(client: &Client, peer: &str, text: &str) {
    match client.send_message(peer, text) {
        Ok(message) => println!("  queued to {peer}: {}", message.body),
        Err(e) => println!("error: {e}"),
    }
}
