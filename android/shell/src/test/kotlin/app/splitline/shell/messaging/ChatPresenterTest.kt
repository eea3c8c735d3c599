package app.splitline.shell.messaging

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** A chat through real sign-ins (bob, carol, dave) against the core, the gateway and Prosody. */
class ChatPresenterTest {
    private fun SignedIn.chat(peer: String): ChatPresenter =
        ChatPresenter(messaging.timeline(peer).getOrThrow(), messaging, scope)

    @Test
    fun bobsMessageShowsInCarolsChatAndCarolReadingItShowsItReadToBob() = runBlocking {
        SignedIn.open("bob").use { bob ->
            SignedIn.open("carol").use { carol ->
                val bobsChat = bob.chat(carol.address)
                bobsChat.send("  Hello Carol, from the shell  ")
                val sent = bobsChat.state.await("bob's message") { s -> s.messages.any { it.body == "Hello Carol, from the shell" } }
                assertTrue(sent.messages.last().outgoing)
                assertFalse(sent.isRoom)

                val carolsChat = carol.chat(bob.address)
                val received = carolsChat.state.await("carol receiving it") { s ->
                    s.messages.any { it.body == "Hello Carol, from the shell" }
                }
                val message = received.messages.last { it.body == "Hello Carol, from the shell" }
                assertFalse(message.outgoing)
                assertEquals(bob.address, message.sender)

                carolsChat.shown(true)
                bobsChat.state.await("bob seeing it read") { s ->
                    s.messages.any { it.body == "Hello Carol, from the shell" && it.state == MessageState.READ }
                }
                Unit
            }
        }
    }

    @Test
    fun aMessageWrittenWhileStoppedShowsQueuedThenGoesOutAfterSignIn() = runBlocking {
        SignedIn.open("dave").use { dave ->
            dave.account.stop().getOrThrow()
            val chat = dave.chat("bob@${dave.address.substringAfter('@')}")
            chat.send("Written offline")
            val queued = chat.state.await("the queued message") { s -> s.messages.any { it.body == "Written offline" } }
            assertEquals(MessageState.QUEUED, queued.messages.last { it.body == "Written offline" }.state)

            dave.signIn()
            chat.state.await("the message sent") { s ->
                s.messages.any { it.body == "Written offline" && it.state != MessageState.QUEUED && it.state != MessageState.FAILED }
            }
            SignedIn.open("bob").use { bob ->
                bob.chat(dave.address).state.await("bob receiving it") { s ->
                    s.messages.any { it.body == "Written offline" && !it.outgoing }
                }
            }
            Unit
        }
    }

    @Test
    fun pagingBackOnANewDeviceReadsHistoryPastTheStoreToTheBeginning() = runBlocking {
        val bodies = (1..60).map { "History $it" }
        SignedIn.open("carol").use { carol ->
            val chat = carol.messaging.timeline("dave@${carol.address.substringAfter('@')}").getOrThrow()
            bodies.forEach { chat.send(it).getOrThrow() }
            chat.rows(500).rows.await("all sent") { rows ->
                bodies.all { b -> rows.any { it.body == b && it.state != MessageState.QUEUED } }
            }
            chat.close()
        }
        SignedIn.open("dave").use { dave ->
            val carol = "carol@${dave.address.substringAfter('@')}"
            val stored = dave.messaging.timeline(carol).getOrThrow()
            val inStore = stored.rows(500).rows.await("the store's rows") { rows -> rows.any { it.body == "History 60" } }
            assertFalse("a new device's store holds only the newest page", inStore.any { it.body == "History 1" })
            stored.close()

            val chat = ChatPresenter(dave.messaging.timeline(carol).getOrThrow(), dave.messaging, dave.scope)
            chat.state.await("the newest messages") { s -> s.messages.any { it.body == "History 60" } }
            var pages = 0
            while (chat.state.value.history != HistoryEnd.Beginning && pages < 20) {
                chat.loadOlder()
                chat.state.await("a page back") { !it.loadingOlder }
                pages++
            }
            // The page's rows reach the view just after pageBack returns.
            val all = chat.state.await("the oldest message shown") { s -> s.messages.any { it.body == "History 1" } }
            val shown = all.messages.map { it.body }.filter { it.startsWith("History ") }
            assertEquals(bodies, shown)
            assertEquals(HistoryEnd.Beginning, chat.state.value.history)
            chat.dispose()
        }
    }
}
