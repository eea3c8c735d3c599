//! A direct XMPP client standing in for the same user's desktop login (or any
//! other party), owned by one task that reads it continuously.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_xmpp::{
    Stanza,
    connect::{DnsConfig, TcpServerConnector},
    jid::{BareJid, FullJid, Jid},
    minidom::Element,
    parsers::{
        iq::Iq,
        message::{Id, Lang, Message},
        presence::Presence,
    },
    stanzastream::{Event, StanzaStream, StreamEvent},
    xmlstream::Timeouts,
};

pub struct Desktop {
    pub jid: FullJid,
    outgoing: mpsc::Sender<Stanza>,
    incoming: mpsc::Receiver<Message>,
    presences: mpsc::Receiver<Presence>,
    answers: mpsc::Receiver<Iq>,
    next_iq: u32,
}

impl Desktop {
    /// Logs in as `jid` (full), turns carbons on and goes available.
    pub async fn connect(jid: &str, password: &str, port: u16) -> Self {
        Self::connect_with_priority(jid, password, port, 0).await
    }

    /// Like [`Self::connect`], available at presence `priority`: the server
    /// gives a message to the user's bare address to the highest only.
    pub async fn connect_with_priority(jid: &str, password: &str, port: u16, priority: i8) -> Self {
        let jid = FullJid::new(jid).unwrap();
        let connector = TcpServerConnector::from(DnsConfig::no_srv("127.0.0.1", port));
        let mut stream = StanzaStream::new_c2s(
            connector,
            jid.clone().into(),
            password.to_owned(),
            Timeouts::default(),
            256,
        );
        let (outgoing, mut out_rx) = mpsc::channel::<Stanza>(64);
        let (in_tx, incoming) = mpsc::channel::<Message>(1024);
        let (answer_tx, answers) = mpsc::channel::<Iq>(64);
        let (presence_tx, presences) = mpsc::channel::<Presence>(1024);
        let (online_tx, online_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let mut online_tx = Some(online_tx);
            loop {
                tokio::select! {
                    event = stream.next() => match event {
                        Some(Event::Stream(StreamEvent::Reset { .. })) => {
                            let carbons = Iq::Set { from: None, to: None, id: "carbons-1".into(), payload: tokio_xmpp::parsers::carbons::Enable.into() };
                            stream.send(Box::new(carbons.into())).await;
                            stream.send(Box::new(Presence::available().with_priority(priority).into())).await;
                            if let Some(tx) = online_tx.take() { let _ = tx.send(()); }
                        }
                        Some(Event::Stanza(Stanza::Message(m))) => { let _ = in_tx.send(m).await; }
                        // Kept for the tests that count them; never blocks the reader.
                        Some(Event::Stanza(Stanza::Presence(p))) => { let _ = presence_tx.try_send(p); }
                        Some(Event::Stanza(Stanza::Iq(iq @ (Iq::Result { .. } | Iq::Error { .. })))) => {
                            let _ = answer_tx.send(iq).await;
                        }
                        Some(_) => {}
                        None => break,
                    },
                    stanza = out_rx.recv() => match stanza {
                        Some(s) => { stream.send(Box::new(s)).await; }
                        None => { stream.close().await; break; }
                    },
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(15), online_rx)
            .await
            .expect("desktop login timed out")
            .unwrap();
        Self {
            jid,
            outgoing,
            incoming,
            presences,
            answers,
            next_iq: 0,
        }
    }

    /// Sends a chat message with this id.
    pub async fn send_chat(&self, to: &str, id: &str, body: &str) {
        let mut message = Message::chat(Some(Jid::from(BareJid::new(to).unwrap())))
            .with_body(Lang::default(), body.to_owned());
        message.id = Some(Id(id.to_owned()));
        self.outgoing.send(message.into()).await.unwrap();
    }

    /// Sends a displayed marker (XEP-0333): this login has seen the chat with
    /// `to` up to its message `id`.
    pub async fn send_displayed(&self, to: &str, id: &str) {
        let message = Message::chat(Some(Jid::from(BareJid::new(to).unwrap()))).with_payload(
            tokio_xmpp::parsers::displayed_markers::Displayed {
                id: Id(id.to_owned()),
            },
        );
        self.outgoing.send(message.into()).await.unwrap();
    }

    /// Enters a room with the login's bare address as nickname (as
    /// Splitline does), without its history.
    pub async fn join_room(&self, room: &str) {
        let occupant = FullJid::new(&format!("{room}/{}", self.jid.to_bare())).unwrap();
        let muc = tokio_xmpp::parsers::muc::Muc::new()
            .with_history(tokio_xmpp::parsers::muc::muc::History::new().with_maxstanzas(0));
        let presence = Presence::available().with_to(occupant).with_payload(muc);
        self.outgoing.send(presence.into()).await.unwrap();
    }

    /// Posts in a room with this id.
    pub async fn send_groupchat(&self, room: &str, id: &str, body: &str) {
        let mut message = Message::groupchat(Some(Jid::from(BareJid::new(room).unwrap())))
            .with_body(Lang::default(), body.to_owned());
        message.id = Some(Id(id.to_owned()));
        self.outgoing.send(message.into()).await.unwrap();
    }

    /// Sends a displayed marker to a room: this login has read it up to the
    /// message the room knows as `id`.
    pub async fn send_room_displayed(&self, room: &str, id: &str) {
        let message = Message::groupchat(Some(Jid::from(BareJid::new(room).unwrap())))
            .with_payload(tokio_xmpp::parsers::displayed_markers::Displayed {
                id: Id(id.to_owned()),
            });
        self.outgoing.send(message.into()).await.unwrap();
    }

    /// Sends an IQ request with `payload` to `to` (the own account without
    /// it) and waits for its answer: the payload of a result, or the error.
    pub async fn iq(
        &mut self,
        to: Option<&str>,
        set: bool,
        payload: Element,
    ) -> Result<Option<Element>, tokio_xmpp::parsers::stanza_error::StanzaError> {
        self.next_iq += 1;
        let id = format!("desk-{}", self.next_iq);
        let to = to.map(|t| Jid::new(t).unwrap());
        let iq = if set {
            Iq::Set {
                from: None,
                to,
                id: id.clone(),
                payload,
            }
        } else {
            Iq::Get {
                from: None,
                to,
                id: id.clone(),
                payload,
            }
        };
        self.outgoing.send(iq.into()).await.unwrap();
        let deadline = tokio::time::Instant::now() + crate::phone::EVENT_WAIT;
        loop {
            let answer = tokio::time::timeout_at(deadline, self.answers.recv())
                .await
                .unwrap_or_else(|_| panic!("{} never got an answer to {id}", self.jid))
                .unwrap();
            match answer {
                Iq::Result {
                    id: got, payload, ..
                } if got == id => return Ok(payload),
                Iq::Error { id: got, error, .. } if got == id => return Err(error),
                _ => {}
            }
        }
    }

    /// Bookmarks `room` to be joined on every device, as XEP-0402 clients
    /// (Conversations, Dino, Gajim) do: an item of the user's
    /// `urn:xmpp:bookmarks:1` PEP node, published with the node options the
    /// XEP requires (ejabberd 23.01 refuses the recommended `max_items` among
    /// publish options).
    pub async fn bookmark_room(&mut self, room: &str, name: &str) {
        let field =
            |var: &str, value: &str| format!("<field var='{var}'><value>{value}</value></field>");
        let publish: Element = format!(
            "<pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <publish node='urn:xmpp:bookmarks:1'><item id='{room}'>\
             <conference xmlns='urn:xmpp:bookmarks:1' name='{name}' autojoin='true'>\
             <nick>{nick}</nick></conference></item></publish>\
             <publish-options><x xmlns='jabber:x:data' type='submit'>{form}{persist}{access}</x>\
             </publish-options></pubsub>",
            nick = self.jid.to_bare(),
            form = field(
                "FORM_TYPE",
                "http://jabber.org/protocol/pubsub#publish-options"
            ),
            persist = field("pubsub#persist_items", "true"),
            access = field("pubsub#access_model", "whitelist"),
        )
        .parse()
        .unwrap();
        self.iq(None, true, publish)
            .await
            .unwrap_or_else(|e| panic!("{} could not bookmark {room}: {e:?}", self.jid));
    }

    /// Sends any stanza.
    pub async fn send(&self, stanza: Stanza) {
        self.outgoing.send(stanza).await.unwrap();
    }

    /// The next message that matches, within `EVENT_WAIT`.
    pub async fn expect_message(
        &mut self,
        what: &str,
        matches: impl Fn(&Message) -> bool,
    ) -> Message {
        let deadline = tokio::time::Instant::now() + crate::phone::EVENT_WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.incoming.recv())
                .await
                .unwrap_or_else(|_| panic!("{} never got {what}", self.jid))
                .unwrap();
            if matches(&message) {
                return message;
            }
        }
    }

    /// The next presence stanza that matches, within `EVENT_WAIT`; the
    /// others before it are returned too, in order, ending with the match.
    pub async fn expect_presence(
        &mut self,
        what: &str,
        matches: impl Fn(&Presence) -> bool,
    ) -> Vec<Presence> {
        let deadline = tokio::time::Instant::now() + crate::phone::EVENT_WAIT;
        let mut seen = Vec::new();
        loop {
            let presence = tokio::time::timeout_at(deadline, self.presences.recv())
                .await
                .unwrap_or_else(|_| panic!("{} never got {what}; it got {seen:#?}", self.jid))
                .unwrap();
            let found = matches(&presence);
            seen.push(presence);
            if found {
                return seen;
            }
        }
    }

    /// The presence stanzas received so far, without waiting.
    pub fn drain_presences(&mut self) -> Vec<Presence> {
        let mut out = Vec::new();
        while let Ok(presence) = self.presences.try_recv() {
            out.push(presence);
        }
        out
    }

    /// The messages with a body received so far, without waiting.
    pub fn drain_bodies(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(message) = self.incoming.try_recv() {
            if let Some((_, body)) = message.get_best_body(vec![]) {
                out.push(body.clone());
            }
        }
        out
    }
}

/// The id in the displayed marker a message carries, directly or inside a
/// carbon, with the bare address of the chat's other party as the carbon or
/// message names it (`to` of the marked message).
pub fn displayed_marker(message: &Message) -> Option<(String, String)> {
    fn find(element: &Element, to: Option<&str>) -> Option<(String, String)> {
        let to = element.attr("to").or(to);
        if element.is("displayed", "urn:xmpp:chat-markers:0") {
            let peer = to.map(|t| t.split('/').next().unwrap_or(t).to_owned())?;
            return Some((peer, element.attr("id")?.to_owned()));
        }
        element.children().find_map(|child| find(child, to))
    }
    find(&Element::from(message.clone()), None)
}

/// The id an archive (a room's or the user's own) gave a message: its
/// XEP-0359 stanza id by `by`.
pub fn stanza_id_by(message: &Message, by: &str) -> Option<String> {
    message
        .payloads
        .iter()
        .find(|p| p.is("stanza-id", "urn:xmpp:sid:0") && p.attr("by") == Some(by))
        .and_then(|p| p.attr("id"))
        .map(str::to_owned)
}

/// The text of a message.
pub fn body(message: &Message) -> String {
    message
        .get_best_body(vec![])
        .map(|(_, b)| b.clone())
        .unwrap_or_default()
}
