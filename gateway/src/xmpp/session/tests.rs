//! The worker's flows driven through a fake link: no server, milliseconds.

use std::{sync::Arc, time::Duration};

use splitline_protocol::{
    Affiliation, ArchivePage, ClosedChat, Event, Room, RoomMember, SessionEndReason,
};
use tokio::{sync::mpsc, task::JoinHandle};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, Jid},
    minidom::Element,
    parsers::{
        iq::Iq,
        stanza_error::{DefinedCondition, ErrorType, StanzaError},
    },
};

use super::{
    Command, CommandError, Worker, WorkerHandle,
    command::Reply,
    fake::{self, FakeServer},
    link::LinkEvent,
    stream::FLAPS_BEFORE_FRESH_STREAM,
};
use crate::{
    event_log::EventLog,
    metrics::Metrics,
    stranger_quota::StrangerLimits,
    xmpp::xep::{bookmarks, mam::PageAt, private_storage},
};

const OWN: &str = "alice@localhost";
const MUC_OWNER: &str = "http://jabber.org/protocol/muc#owner";
const MUC_ADMIN: &str = "http://jabber.org/protocol/muc#admin";
const PRIVATE: &str = "jabber:iq:private";

fn jid(s: &str) -> BareJid {
    BareJid::new(s).unwrap()
}

fn xml(s: &str) -> Element {
    s.parse().unwrap()
}

/// An IQ request the worker sent.
#[derive(Debug)]
struct Request {
    id: String,
    to: Option<Jid>,
    set: bool,
    payload: Element,
}

/// A worker on fake links, and the test's end of the current one.
struct Harness {
    handle: WorkerHandle,
    server: FakeServer,
    streams: mpsc::UnboundedReceiver<FakeServer>,
    log: Arc<EventLog>,
    cursor: String,
    _join: JoinHandle<SessionEndReason>,
}

impl Harness {
    /// A signed-in session whose server knows `roster` (a roster query's
    /// payload) and `bookmarks` (a private storage query's payload).
    async fn start(roster: &str, bookmarks: Option<&str>) -> Self {
        let log = EventLog::new("test".into(), 1_000, 1 << 20);
        Self::start_with(roster, bookmarks, log).await
    }

    /// Like [`Self::start`], publishing to `log`.
    async fn start_with(roster: &str, bookmarks: Option<&str>, log: EventLog) -> Self {
        let (streams_tx, mut streams) = mpsc::unbounded_channel();
        let new_link = move || {
            let (link, server) = fake::pair();
            let _ = streams_tx.send(server);
            link
        };
        let log = Arc::new(log);
        let (online_tx, online_rx) = tokio::sync::oneshot::channel();
        let (handle, join) = Worker::spawn(
            new_link,
            jid(OWN),
            log.clone(),
            Arc::new(Metrics::default()),
            Duration::from_secs(600),
            online_tx,
        );
        let server = streams.try_recv().expect("the worker opens a link at once");
        let mut harness = Self {
            handle,
            server,
            streams,
            cursor: log.start_cursor(),
            log,
            _join: join,
        };
        harness.come_online(roster, bookmarks).await;
        let bound = tokio::time::timeout(Duration::from_secs(2), online_rx)
            .await
            .expect("sign-in answers")
            .unwrap();
        assert_eq!(bound.to_bare(), jid(OWN));
        harness
    }

    /// Brings the current link online and answers what a fresh stream asks:
    /// the bookmarks, the read positions (none), carbons and the roster.
    /// Returns the stanzas sent before the initial presence (room joins).
    async fn come_online(&mut self, roster: &str, bookmarks: Option<&str>) -> Vec<Stanza> {
        let bound = Jid::new(&format!("{OWN}/splitline-test")).unwrap();
        self.push_event(LinkEvent::Online { bound });
        let read_bookmarks = self.request().await;
        assert!(read_bookmarks.payload.is("query", PRIVATE));
        let read_positions = self.request().await;
        assert!(
            read_positions
                .payload
                .is("pubsub", "http://jabber.org/protocol/pubsub")
        );
        let carbons = self.request().await;
        assert!(carbons.set && carbons.payload.is("enable", "urn:xmpp:carbons:2"));
        let fetch = self.request().await;
        assert!(!fetch.set && fetch.payload.is("query", "jabber:iq:roster"));
        self.answer(&read_bookmarks.id, None, bookmarks.map(xml));
        self.refuse(&read_positions.id, None, DefinedCondition::ItemNotFound);
        self.answer(&carbons.id, None, None);
        self.answer(&fetch.id, None, Some(xml(roster)));
        let mut before_presence = Vec::new();
        loop {
            match self.sent().await {
                Stanza::Presence(p) if p.to.is_none() => return before_presence,
                other => before_presence.push(other),
            }
        }
    }

    fn push_event(&self, event: LinkEvent) {
        self.server.events.send(event).unwrap();
    }

    fn push(&self, stanza: &str) {
        let stanza = Stanza::try_from(xml(stanza)).unwrap();
        self.push_event(LinkEvent::Stanza(stanza));
    }

    /// The next stanza the worker sent.
    async fn sent(&mut self) -> Stanza {
        tokio::time::timeout(Duration::from_secs(2), self.server.sent.recv())
            .await
            .expect("the worker sends a stanza")
            .expect("the link is open")
    }

    /// The next stanza the worker sent, which must be an IQ request.
    async fn request(&mut self) -> Request {
        match self.sent().await {
            Stanza::Iq(Iq::Get {
                id, to, payload, ..
            }) => Request {
                id,
                to,
                set: false,
                payload,
            },
            Stanza::Iq(Iq::Set {
                id, to, payload, ..
            }) => Request {
                id,
                to,
                set: true,
                payload,
            },
            other => panic!("expected an IQ request, got {other:?}"),
        }
    }

    fn answer(&self, id: &str, from: Option<&str>, payload: Option<Element>) {
        let iq = Iq::Result {
            from: from.map(|f| Jid::new(f).unwrap()),
            to: None,
            id: id.to_owned(),
            payload,
        };
        self.push_event(LinkEvent::Stanza(iq.into()));
    }

    fn refuse(&self, id: &str, from: Option<&str>, condition: DefinedCondition) {
        let iq = Iq::Error {
            from: from.map(|f| Jid::new(f).unwrap()),
            to: None,
            id: id.to_owned(),
            error: StanzaError::new(ErrorType::Cancel, condition, "en", "no"),
            payload: None,
        };
        self.push_event(LinkEvent::Stanza(iq.into()));
    }

    /// Waits until the worker has handled everything pushed so far (it reads
    /// the stream before it takes a command).
    async fn settle(&self) {
        self.handle
            .request(|reply| Command::Snapshot { reply })
            .await
            .unwrap();
    }

    /// Asserts that the worker sent nothing more.
    async fn sent_nothing(&mut self) {
        self.settle().await;
        if let Ok(stanza) = self.server.sent.try_recv() {
            panic!("unexpected {stanza:?}");
        }
    }

    /// The events published since the last call.
    async fn events(&mut self) -> Vec<Event> {
        self.settle().await;
        let (events, next) = self.log.read(&self.cursor).unwrap();
        self.cursor = next;
        events.into_iter().map(|e| e.event).collect()
    }

    /// Starts a command; its answer comes from the returned task. Returns
    /// once the command is on its way to the worker.
    async fn command<T: Send + 'static>(
        &self,
        make: impl FnOnce(Reply<T>) -> Command + Send + 'static,
    ) -> JoinHandle<Result<T, CommandError>> {
        let handle = self.handle.clone();
        let task = tokio::spawn(async move { handle.request(make).await });
        // On the test's one thread the task now runs up to its wait for the answer.
        tokio::task::yield_now().await;
        task
    }
}

async fn answered<T>(task: JoinHandle<Result<T, CommandError>>) -> Result<T, CommandError> {
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("the command is answered")
        .unwrap()
}

const NO_CONTACTS: &str = "<query xmlns='jabber:iq:roster'/>";

fn bookmarks_with(room: &str) -> String {
    format!(
        "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\
         <conference jid='{room}' autojoin='true' name='Team'/></storage></query>"
    )
}

fn form_value(payload: &Element, var: &str) -> Option<String> {
    payload
        .children()
        .flat_map(|x| x.children())
        .find(|f| f.attr("var") == Some(var))
        .and_then(|f| f.children().next())
        .map(|v| v.text())
}

#[tokio::test]
async fn a_new_room_is_joined_then_configured_then_given_its_members() {
    let mut h = Harness::start(NO_CONTACTS, None).await;
    h.events().await;
    let bob = jid("bob@localhost");
    let created = h
        .command(move |reply| Command::CreateRoom {
            name: "Team".into(),
            members: vec![bob],
            reply,
        })
        .await;
    let Stanza::Presence(join) = h.sent().await else {
        panic!("the room is joined first")
    };
    let occupant = join.to.expect("a join names the occupant");
    let room = occupant.to_bare();
    assert_eq!(room.domain().as_str(), "conference.localhost");
    assert_eq!(occupant.resource().map(|r| r.as_str()), Some(OWN));
    h.push(&format!(
        "<presence xmlns='jabber:client' from='{occupant}'>\
         <x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/><status code='201'/></x></presence>"
    ));
    let configure = h.request().await;
    assert_eq!(configure.to, Some(Jid::from(room.clone())));
    assert!(configure.set && configure.payload.is("query", MUC_OWNER));
    assert_eq!(
        form_value(&configure.payload, "muc#roomconfig_membersonly"),
        Some("1".into())
    );
    assert_eq!(
        form_value(&configure.payload, "muc#roomconfig_roomname"),
        Some("Team".into())
    );
    h.answer(&configure.id, Some(room.as_str()), None);
    let members = h.request().await;
    assert_eq!(members.to, Some(Jid::from(room.clone())));
    assert!(members.set && members.payload.is("query", MUC_ADMIN));
    let item = members.payload.children().next().unwrap();
    assert_eq!(
        (item.attr("affiliation"), item.attr("jid")),
        (Some("member"), Some("bob@localhost"))
    );
    h.answer(&members.id, Some(room.as_str()), None);
    let store = h.request().await;
    let stored = bookmarks::parse_bookmarks(Some(store.payload));
    assert_eq!(stored.conferences.len(), 1);
    assert_eq!(stored.conferences[0].jid, room);
    let Stanza::Message(invite) = h.sent().await else {
        panic!("the member is invited")
    };
    assert_eq!(invite.to, Some(Jid::from(room.clone())));
    let new_room = Room {
        jid: room.to_string(),
        name: "Team".into(),
    };
    assert_eq!(answered(created).await, Ok(new_room.clone()));
    assert_eq!(h.events().await, vec![Event::RoomJoined { room: new_room }]);
}

#[tokio::test]
async fn a_room_that_refuses_its_configuration_is_left_and_the_creation_fails() {
    let mut h = Harness::start(NO_CONTACTS, None).await;
    let created = h
        .command(|reply| Command::CreateRoom {
            name: "Team".into(),
            members: vec![],
            reply,
        })
        .await;
    let Stanza::Presence(join) = h.sent().await else {
        panic!("the room is joined first")
    };
    let occupant = join.to.unwrap();
    h.push(&format!(
        "<presence xmlns='jabber:client' from='{occupant}'>\
         <x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/></x></presence>"
    ));
    let configure = h.request().await;
    h.refuse(
        &configure.id,
        Some(occupant.to_bare().as_str()),
        DefinedCondition::Forbidden,
    );
    let Stanza::Presence(leave) = h.sent().await else {
        panic!("the room is left")
    };
    assert_eq!(leave.to, Some(occupant));
    assert_eq!(answered(created).await, Err(CommandError::Forbidden));
}

#[tokio::test]
async fn closes_are_one_read_modify_write_at_a_time_and_keep_the_later_time() {
    let mut h = Harness::start(NO_CONTACTS, None).await;
    let close = |peer: &str, up_to_ms| ClosedChat {
        peer: peer.into(),
        up_to_ms,
    };
    let first = close("bob@localhost", 5);
    let first = h
        .command(move |reply| Command::CloseChat { chat: first, reply })
        .await;
    let read = h.request().await;
    assert!(!read.set && read.payload.is("query", PRIVATE));
    // Two more closes while the first is in flight wait for it.
    let (carol, bob_again) = (close("carol@localhost", 7), close("bob@localhost", 3));
    let second = h
        .command(move |reply| Command::CloseChat { chat: carol, reply })
        .await;
    let third = h
        .command(move |reply| Command::CloseChat {
            chat: bob_again,
            reply,
        })
        .await;
    h.sent_nothing().await;
    h.answer(
        &read.id,
        None,
        Some(private_storage::write_query(&[
            close("dave@localhost", 1),
            close("bob@localhost", 9),
        ])),
    );
    let write = h.request().await;
    assert!(write.set);
    assert_eq!(
        private_storage::parse(Some(&write.payload)),
        vec![close("dave@localhost", 1), close("bob@localhost", 9)],
        "the stored later time stays"
    );
    h.answer(&write.id, None, None);
    assert_eq!(answered(first).await, Ok(()));
    // The waiting closes go together; no stored list is an empty one.
    let read = h.request().await;
    h.refuse(&read.id, None, DefinedCondition::ItemNotFound);
    let write = h.request().await;
    assert_eq!(
        private_storage::parse(Some(&write.payload)),
        vec![close("carol@localhost", 7), close("bob@localhost", 3)]
    );
    h.refuse(&write.id, None, DefinedCondition::ItemNotFound);
    let failed = Err(CommandError::NoSuchItem("stored list"));
    assert_eq!(answered(second).await, failed);
    assert_eq!(answered(third).await, failed);
    h.sent_nothing().await;
}

#[tokio::test]
async fn a_flapping_stream_is_replaced_by_a_fresh_one() {
    let mut h = Harness::start(NO_CONTACTS, None).await;
    // A resumption clears the count.
    for _ in 1..FLAPS_BEFORE_FRESH_STREAM {
        h.push_event(LinkEvent::Suspended);
    }
    h.push_event(LinkEvent::Resumed);
    h.push_event(LinkEvent::Suspended);
    h.settle().await;
    assert!(h.streams.try_recv().is_err(), "no fresh stream yet");
    // A request in flight on the old stream will get no answer there.
    let page = h
        .command(|reply| Command::Archive {
            with: None,
            room: None,
            at: PageAt::Newest,
            max: 10,
            reply,
        })
        .await;
    h.request().await;
    for _ in 1..FLAPS_BEFORE_FRESH_STREAM {
        h.push_event(LinkEvent::Suspended);
    }
    h.settle().await;
    let fresh = h.streams.try_recv().expect("a fresh stream");
    let old = std::mem::replace(&mut h.server, fresh);
    assert!(old.events.is_closed(), "the old stream is dropped");
    h.come_online(NO_CONTACTS, None).await;
    let reset = answered(page).await;
    assert!(
        matches!(&reset, Err(CommandError::Network(m)) if m.contains("reset")),
        "{reset:?}"
    );
}

#[tokio::test]
async fn roster_pushes_from_the_server_change_contacts_and_are_acknowledged() {
    let mut h = Harness::start(
        "<query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='both'/></query>",
        None,
    )
    .await;
    assert!(matches!(
        &h.events().await[..],
        [Event::ContactAdded { contact }] if contact.jid == "bob@localhost"
    ));
    h.push(
        "<iq xmlns='jabber:client' type='set' id='push-1'><query xmlns='jabber:iq:roster'>\
         <item jid='carol@localhost' subscription='to'/></query></iq>",
    );
    let Stanza::Iq(Iq::Result { id, .. }) = h.sent().await else {
        panic!("the push is acknowledged")
    };
    assert_eq!(id, "push-1");
    assert!(matches!(
        &h.events().await[..],
        [Event::ContactAdded { contact }] if contact.jid == "carol@localhost"
    ));
    // Anyone else's push is refused and changes nothing.
    h.push(
        "<iq xmlns='jabber:client' type='set' id='push-2' from='eve@localhost/x'>\
         <query xmlns='jabber:iq:roster'><item jid='eve@localhost' subscription='both'/></query></iq>",
    );
    let Stanza::Iq(Iq::Error { id, .. }) = h.sent().await else {
        panic!("the forged push is refused")
    };
    assert_eq!(id, "push-2");
    assert_eq!(h.events().await, vec![]);
    h.push(
        "<iq xmlns='jabber:client' type='set' id='push-3' from='alice@localhost'>\
         <query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='remove'/></query></iq>",
    );
    h.sent().await;
    assert_eq!(
        h.events().await,
        vec![Event::ContactRemoved {
            jid: "bob@localhost".into()
        }]
    );
    let snapshot = h
        .handle
        .request(|reply| Command::Snapshot { reply })
        .await
        .unwrap();
    let contacts: Vec<_> = snapshot.contacts.iter().map(|c| c.jid.as_str()).collect();
    assert_eq!(contacts, ["carol@localhost"]);
}

fn archived(from: &str, query_id: &str, archive_id: &str, body: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='alice@localhost/splitline-test'>\
         <result xmlns='urn:xmpp:mam:2' queryid='{query_id}' id='{archive_id}'>\
         <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-01-02T03:04:05Z'/>\
         <message xmlns='jabber:client' type='chat' from='bob@localhost/d' to='alice@localhost'><body>{body}</body></message>\
         </forwarded></result></message>"
    )
}

fn fin(last: &str, complete: bool) -> Element {
    xml(&format!(
        "<fin xmlns='urn:xmpp:mam:2' complete='{complete}'><set xmlns='http://jabber.org/protocol/rsm'>\
         <first>x</first><last>{last}</last></set></fin>"
    ))
}

#[tokio::test]
async fn an_archive_page_collects_its_messages_up_to_max_and_ends_where_the_archive_says() {
    let mut h = Harness::start(NO_CONTACTS, None).await;
    let page = h
        .command(|reply| Command::Archive {
            with: None,
            room: None,
            at: PageAt::After("a-1".into()),
            max: 2,
            reply,
        })
        .await;
    let query = h.request().await;
    assert!(query.set && query.payload.is("query", "urn:xmpp:mam:2"));
    assert_eq!(query.payload.attr("queryid"), Some(query.id.as_str()));
    let after = query
        .payload
        .get_child("set", "http://jabber.org/protocol/rsm")
        .and_then(|s| s.get_child("after", "http://jabber.org/protocol/rsm"))
        .map(|a| a.text());
    assert_eq!(after.as_deref(), Some("a-1"));
    h.push(&archived("eve@localhost", &query.id, "forged", "injected"));
    h.push(&archived(OWN, &query.id, "a-2", "one"));
    h.push(&archived(OWN, "another-query", "a-9", "elsewhere"));
    h.push(&archived(OWN, &query.id, "a-3", "two"));
    h.push(&archived(OWN, &query.id, "a-4", "over max"));
    h.answer(&query.id, None, Some(fin("a-3", false)));
    let ArchivePage {
        messages,
        first,
        last,
        complete,
    } = answered(page).await.unwrap();
    let ids: Vec<_> = messages
        .iter()
        .map(|m| m.message.archive_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["a-2", "a-3"]);
    assert_eq!(
        (first.as_deref(), last.as_deref(), complete),
        (Some("x"), Some("a-3"), false)
    );
    // The next page: the archive forgot the position.
    let next = h
        .command(|reply| Command::Archive {
            with: None,
            room: None,
            at: PageAt::After(last.unwrap()),
            max: 2,
            reply,
        })
        .await;
    let query = h.request().await;
    h.refuse(&query.id, None, DefinedCondition::ItemNotFound);
    assert_eq!(
        answered(next).await,
        Err(CommandError::UnknownArchivePosition)
    );
    // The newest page is complete whatever the archive says.
    let newest = h
        .command(|reply| Command::Archive {
            with: None,
            room: None,
            at: PageAt::Newest,
            max: 2,
            reply,
        })
        .await;
    let query = h.request().await;
    h.answer(&query.id, None, Some(fin("a-9", false)));
    assert!(answered(newest).await.unwrap().complete);
}

#[tokio::test]
async fn iq_answers_count_only_from_the_entity_asked() {
    let room = "team@conference.localhost";
    let mut h = Harness::start(NO_CONTACTS, Some(&bookmarks_with(room))).await;
    // A room's request: neither the user's server nor a stranger may answer.
    let members = h
        .command(|reply| Command::RoomMembers {
            room: jid("team@conference.localhost"),
            reply,
        })
        .await;
    let owners = h.request().await;
    assert_eq!(owners.to, Some(Jid::new(room).unwrap()));
    let list = |affiliation: &str, who: &str| {
        xml(&format!(
            "<query xmlns='{MUC_ADMIN}'><item affiliation='{affiliation}' jid='{who}'/></query>"
        ))
    };
    h.answer(
        &owners.id,
        Some("localhost"),
        Some(list("owner", "eve@localhost")),
    );
    h.answer(
        &owners.id,
        Some("eve@localhost/x"),
        Some(list("owner", "eve@localhost")),
    );
    h.answer(&owners.id, None, Some(list("owner", "eve@localhost")));
    h.sent_nothing().await;
    h.answer(&owners.id, Some(room), Some(list("owner", OWN)));
    let admins = h.request().await;
    h.answer(&admins.id, Some(room), Some(list("admin", "x@localhost")));
    let plain = h.request().await;
    h.answer(&plain.id, Some(room), Some(list("member", "bob@localhost")));
    let member = |jid: &str, affiliation| RoomMember {
        jid: jid.into(),
        affiliation,
    };
    assert_eq!(
        answered(members).await,
        Ok(vec![
            member(OWN, Affiliation::Owner),
            member("x@localhost", Affiliation::Admin),
            member("bob@localhost", Affiliation::Member),
        ])
    );
    // The user's own request: a stranger may not answer; the server may.
    let list_request = h.command(|reply| Command::ClosedChats { reply }).await;
    let read = h.request().await;
    let stored = private_storage::write_query(&[ClosedChat {
        peer: "bob@localhost".into(),
        up_to_ms: 4,
    }]);
    h.answer(
        &read.id,
        Some("eve@localhost"),
        Some(private_storage::write_query(&[])),
    );
    h.answer(
        &read.id,
        Some(room),
        Some(private_storage::write_query(&[])),
    );
    h.sent_nothing().await;
    h.answer(&read.id, Some("localhost"), Some(stored));
    assert_eq!(answered(list_request).await.unwrap().len(), 1);
}

fn chat_from(from: &str, id: &str, body: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='{OWN}/splitline-test' type='chat' \
         id='{id}'><body>{body}</body></message>"
    )
}

fn stranger_flags(events: &[Event]) -> Vec<(String, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MessageReceived { message } => {
                Some((message.from.clone(), message.from_stranger))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn strangers_messages_are_flagged_and_refused_past_their_share() {
    let limits = StrangerLimits {
        messages_per_minute: 100,
        sender_bytes: 25_000,
        share_bytes: 50_000,
    };
    let log = EventLog::new("test".into(), 1_000, 1 << 20).with_strangers(limits);
    let roster = "<query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='both'/>\
                  <item jid='carol@localhost' subscription='none'/></query>";
    let mut h = Harness::start_with(roster, None, log).await;
    h.push(&chat_from("bob@localhost/pc", "b1", "hi"));
    h.push(&chat_from("carol@localhost/pc", "c1", "remember me?"));
    h.push(&chat_from("eve@elsewhere/pc", "e1", "hello"));
    assert_eq!(
        stranger_flags(&h.events().await),
        [
            ("bob@localhost".to_owned(), false),
            ("carol@localhost".to_owned(), true),
            ("eve@elsewhere".to_owned(), true),
        ]
    );
    h.sent_nothing().await;

    // Eve floods a phone that is not reading: two of her 10 KB messages fit
    // her share, the third comes back to her as an error without its text.
    let big = "x".repeat(10_000);
    for n in 0..3 {
        h.push(&chat_from("eve@elsewhere/pc", &format!("big{n}"), &big));
    }
    let Stanza::Message(bounce) = h.sent().await else {
        panic!("eve is told her message was not delivered");
    };
    assert_eq!(bounce.to, Some(Jid::new("eve@elsewhere/pc").unwrap()));
    assert_eq!(bounce.id.as_ref().map(|id| id.0.as_str()), Some("big2"));
    let error = bounce
        .payloads
        .iter()
        .find_map(|p| StanzaError::try_from(p.clone()).ok())
        .expect("an error payload");
    assert_eq!(
        error.defined_condition,
        DefinedCondition::ResourceConstraint
    );
    assert!(bounce.bodies.is_empty());
    assert!(h.log.stranger_bytes() <= limits.sender_bytes);

    // A contact still gets through, and once the phone reads, eve has room again.
    h.push(&chat_from("bob@localhost/pc", "b2", "still here"));
    let flags = stranger_flags(&h.events().await);
    assert_eq!(flags.len(), 3, "two of eve's and bob's: {flags:?}");
    assert_eq!(flags[2], ("bob@localhost".to_owned(), false));
    // Reading with the new cursor acknowledges them.
    assert!(h.events().await.is_empty());
    h.push(&chat_from("eve@elsewhere/pc", "big3", &big));
    assert_eq!(stranger_flags(&h.events().await).len(), 1);
    h.sent_nothing().await;
}

fn marker_from(from: &str, id: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='{OWN}/splitline-test' type='chat'>\
         <displayed xmlns='urn:xmpp:chat-markers:0' id='{id}'/></message>"
    )
}

#[tokio::test]
async fn strangers_read_markers_and_subscription_requests_are_held_to_their_share() {
    let limits = StrangerLimits {
        messages_per_minute: 3,
        sender_bytes: 25_000,
        share_bytes: 50_000,
    };
    let log = EventLog::new("test".into(), 1_000, 1 << 20).with_strangers(limits);
    let mut h = Harness::start_with(BOB_CONTACT, None, log).await;
    for n in 0..10 {
        h.push(&marker_from("eve@elsewhere/pc", &format!("m{n}")));
        h.push(&format!(
            "<presence xmlns='jabber:client' from='eve@elsewhere' to='{OWN}' type='subscribe' id='s{n}'/>"
        ));
    }
    h.push(&marker_from("bob@localhost/pc", "b1"));
    // An id no message has: ignored, whoever sends it.
    h.push(&marker_from("bob@localhost/pc", &"x".repeat(300)));
    let events = h.events().await;
    let from_eve = events
        .iter()
        .filter(|e| match e {
            Event::Displayed { peer, .. } => peer == "eve@elsewhere",
            Event::SubscriptionRequested { from } => from == "eve@elsewhere",
            _ => false,
        })
        .count();
    assert_eq!(
        from_eve, 3,
        "eve's rate of 3 covers all she causes: {events:?}"
    );
    let from_bob: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Displayed {
                peer, network_id, ..
            } if peer == "bob@localhost" => Some(network_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(from_bob, ["b1"]);
    h.sent_nothing().await;
}

const BOB_CONTACT: &str =
    "<query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='both'/></query>";

fn mediated_invitation(from: &str, inviter: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='{OWN}'>\
         <x xmlns='http://jabber.org/protocol/muc#user'><invite from='{inviter}'/></x></message>"
    )
}

fn disco_info(identity: &str, feature: &str) -> Element {
    xml(&format!(
        "<query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='{identity}' type='text'/><feature var='{feature}'/></query>"
    ))
}

/// The invitation's check: the worker asks the room itself what it is.
async fn asked_what_it_is(h: &mut Harness, room: &str) -> String {
    let info = h.request().await;
    assert_eq!(info.to, Some(Jid::new(room).unwrap()));
    assert!(
        !info.set
            && info
                .payload
                .is("query", "http://jabber.org/protocol/disco#info")
    );
    info.id
}

#[tokio::test]
async fn forged_and_strangers_invitations_join_nothing_and_store_nothing() {
    let room = "team@conference.localhost";
    let mut h = Harness::start(BOB_CONTACT, None).await;
    // A stranger's own login relays a "mediated" invitation claiming bob.
    h.push(&mediated_invitation(
        "eve@localhost/laptop",
        "bob@localhost/desk",
    ));
    // A room relays a stranger's invitation.
    h.push(&mediated_invitation(room, "eve@localhost/laptop"));
    // A stranger invites directly.
    h.push(&format!(
        "<message xmlns='jabber:client' from='eve@localhost/laptop' to='{OWN}'>\
         <x xmlns='jabber:x:conference' jid='{room}'/></message>"
    ));
    h.sent_nothing().await;
    // Bob's invitation into the stranger's own address: what the server
    // answers for an account is no room, and only the address asked may answer.
    h.push(&mediated_invitation("eve@localhost", "bob@localhost"));
    let id = asked_what_it_is(&mut h, "eve@localhost").await;
    h.answer(&id, Some("localhost"), Some(disco_info("conference", MUC)));
    h.sent_nothing().await;
    h.answer(
        &id,
        Some("eve@localhost"),
        Some(disco_info("account", "http://jabber.org/protocol/pubsub")),
    );
    h.sent_nothing().await;
    // A room that refuses to say what it is is not joined either.
    h.push(&mediated_invitation(room, "bob@localhost/desk"));
    let id = asked_what_it_is(&mut h, room).await;
    h.refuse(&id, Some(room), DefinedCondition::ItemNotFound);
    h.sent_nothing().await;
    let events = h.events().await;
    assert!(
        !events.iter().any(|e| matches!(e, Event::RoomJoined { .. })),
        "{events:?}"
    );
    let rooms = h.command(|reply| Command::Rooms { reply }).await;
    assert_eq!(answered(rooms).await, Ok(vec![]));
}

const MUC: &str = "http://jabber.org/protocol/muc";

#[tokio::test]
async fn a_contacts_invitation_into_a_real_room_is_joined_and_bookmarked() {
    let mut h = Harness::start(BOB_CONTACT, None).await;
    let joined_and_stored = async |h: &mut Harness, room: &str| {
        let Stanza::Presence(join) = h.sent().await else {
            panic!("the room is joined")
        };
        assert_eq!(
            join.to.map(|t| t.to_bare()),
            Some(Jid::new(room).unwrap().to_bare())
        );
        let store = h.request().await;
        assert!(store.set);
        let stored = bookmarks::parse_bookmarks(Some(store.payload));
        assert!(stored.conferences.iter().any(|c| c.jid.as_str() == room));
    };
    // Mediated: relayed by the room.
    let team = "team@conference.localhost";
    h.push(&mediated_invitation(team, "bob@localhost/desk"));
    let id = asked_what_it_is(&mut h, team).await;
    h.answer(&id, Some(team), Some(disco_info("conference", MUC)));
    joined_and_stored(&mut h, team).await;
    // Direct (XEP-0249): sent by bob himself.
    let games = "games@conference.localhost";
    h.push(&format!(
        "<message xmlns='jabber:client' from='bob@localhost/desk' to='{OWN}'>\
         <x xmlns='jabber:x:conference' jid='{games}'/></message>"
    ));
    let id = asked_what_it_is(&mut h, games).await;
    h.answer(&id, Some(games), Some(disco_info("conference", MUC)));
    joined_and_stored(&mut h, games).await;
    // A second invitation into a room the user is in asks nothing.
    h.push(&mediated_invitation(team, "bob@localhost/desk"));
    h.sent_nothing().await;
}

fn bookmarks_pushed(from: &str, changes: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='{OWN}/splitline-test'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='urn:xmpp:bookmarks:1'>{changes}</items></event></message>"
    )
}

#[tokio::test]
async fn rooms_another_login_bookmarks_or_drops_are_joined_or_left_here_too() {
    let team = "team@conference.localhost";
    let mut h = Harness::start(NO_CONTACTS, None).await;
    let bookmark = format!(
        "<item id='{team}'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item>"
    );
    // Only the user's own account may push the user's bookmarks.
    h.push(&bookmarks_pushed("eve@localhost", &bookmark));
    h.sent_nothing().await;
    // The desktop bookmarked a room it was invited into: it is joined here.
    h.push(&bookmarks_pushed(OWN, &bookmark));
    let Stanza::Presence(join) = h.sent().await else {
        panic!("the room is joined")
    };
    assert_eq!(join.to.map(|t| t.to_bare()), Some(jid(team)));
    let store = h.request().await;
    let stored = bookmarks::parse_bookmarks(Some(store.payload));
    assert_eq!(stored.conferences.len(), 1);
    assert!(stored.conferences[0].autojoin);
    h.answer(&store.id, None, None);
    h.push(&format!(
        "<presence xmlns='jabber:client' from='{team}/{OWN}'>\
         <x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/></x></presence>"
    ));
    let name = h.request().await;
    h.answer(&name.id, Some(team), None);
    let events = h.events().await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::RoomJoined { room } if room.jid == team)),
        "{events:?}"
    );
    // The same push again (the server echoes the gateway's own writes) asks nothing.
    h.push(&bookmarks_pushed(OWN, &bookmark));
    h.sent_nothing().await;
    // Another login stops joining it: it is left here, and its bookmark kept.
    h.push(&bookmarks_pushed(
        OWN,
        &format!("<item id='{team}'><conference xmlns='urn:xmpp:bookmarks:1' name='T'/></item>"),
    ));
    let Stanza::Presence(leave) = h.sent().await else {
        panic!("the room is left")
    };
    assert_eq!(
        leave.type_,
        tokio_xmpp::parsers::presence::Type::Unavailable
    );
    let store = h.request().await;
    let stored = bookmarks::parse_bookmarks(Some(store.payload));
    assert_eq!(stored.conferences.len(), 1);
    assert!(!stored.conferences[0].autojoin, "{stored:?}");
    assert!(h.events().await.iter().any(
        |e| matches!(e, Event::RoomLeft { room, reason: splitline_protocol::RoomLeftReason::Left } if room == team)
    ));
    // Bookmarked again, then removed: joined, then left.
    h.push(&bookmarks_pushed(OWN, &bookmark));
    assert!(matches!(h.sent().await, Stanza::Presence(_)));
    let store = h.request().await;
    assert!(bookmarks::parse_bookmarks(Some(store.payload)).conferences[0].autojoin);
    h.push(&bookmarks_pushed(OWN, &format!("<retract id='{team}'/>")));
    assert!(matches!(h.sent().await, Stanza::Presence(_)));
    let store = h.request().await;
    assert!(
        bookmarks::parse_bookmarks(Some(store.payload))
            .conferences
            .is_empty()
    );
}

#[tokio::test]
async fn renaming_a_contact_sets_its_name_and_asks_nothing_of_the_contact() {
    let mut h = Harness::start(
        "<query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='both'/></query>",
        None,
    )
    .await;
    h.events().await;
    let renamed = h
        .command(|reply| Command::RenameContact {
            jid: jid("bob@localhost"),
            name: Some("Bobby".into()),
            reply,
        })
        .await;
    let set = h.request().await;
    assert!(set.set && set.payload.is("query", "jabber:iq:roster"));
    let item = set.payload.children().next().unwrap();
    assert_eq!(
        (
            item.attr("jid"),
            item.attr("name"),
            item.attr("subscription")
        ),
        (Some("bob@localhost"), Some("Bobby"), None)
    );
    h.answer(&set.id, None, None);
    assert_eq!(answered(renamed).await, Ok(()));
    // No subscription request follows, unlike an add.
    h.sent_nothing().await;

    // Someone not in the list cannot be renamed; nothing is sent.
    let stranger = h
        .command(|reply| Command::RenameContact {
            jid: jid("eve@localhost"),
            name: Some("Eve".into()),
            reply,
        })
        .await;
    assert_eq!(answered(stranger).await, Err(CommandError::NotAContact));
    h.sent_nothing().await;
}

mod vcards;
