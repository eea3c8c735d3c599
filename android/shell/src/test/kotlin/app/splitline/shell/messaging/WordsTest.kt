package app.splitline.shell.messaging

import org.junit.Assert.assertEquals
import org.junit.Test

class WordsTest {
    private fun message(outgoing: Boolean, state: MessageState, gap: Boolean = false) =
        Message(1, "bob@example.net", outgoing, if (outgoing) "me@example.net" else "bob@example.net", "Hi", 0, state, gap, false)

    @Test
    fun ownMessagesSayWhereTheyAreAndOthersWhoSentThem() {
        assertEquals("Me: Hi · queued", describe(message(true, MessageState.QUEUED)))
        assertEquals("Me: Hi · read", describe(message(true, MessageState.READ)))
        assertEquals("bob: Hi", describe(message(false, MessageState.DELIVERED)))
        assertEquals("Some messages from around here could not be fetched.", describe(message(false, MessageState.DELIVERED, gap = true)))
    }

    @Test
    fun aContactShowsNamePresenceStatusAndPending() {
        val contact = Contact("dave@example.net", "Dave", Presence.AWAY, "lunch", pending = true)
        assertEquals("Dave · Away (lunch) · waiting for them to accept", describe(contact))
        assertEquals(
            "dave@example.net · Offline",
            describe(contact.copy(name = " ", presence = Presence.OFFLINE, status = null, pending = false)),
        )
    }

    @Test
    fun aChatShowsItsUnreadCountOnlyWhenThereAreAny() {
        val chat = ChatSummary("room@muc.example.net", "Team", 3, message(false, MessageState.DELIVERED), 0)
        assertEquals("Team (3 unread) — Hi", describe(chat))
        assertEquals("room@muc.example.net — Hi", describe(chat.copy(roomName = null, unread = 0)))
    }
}
