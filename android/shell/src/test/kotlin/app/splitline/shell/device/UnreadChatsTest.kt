package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Test

/** The unread counts the message notifications follow, from a real message through the gateway and Prosody. */
class UnreadChatsTest {
    private fun signedIn(name: String): Account {
        val who = TestNetwork.account(name)
        val account = Account.open(
            Files.createTempDirectory("unread-$name").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), who.address, "device-unread-$name", "shell-test"),
        ).getOrThrow()
        runBlocking { account.signIn(who.password).getOrThrow() }
        return account
    }

    @Test
    fun aMessageFromMalloryShowsAsOneUnreadInSybilsChatsAndPostsOneAlert() = runBlocking {
        val mallory = TestNetwork.account("mallory")
        val sybil = TestNetwork.account("sybil")
        signedIn("sybil").use { receiver ->
            signedIn("mallory").use { sender ->
                sender.client.timeline(sybil.address).use { it.send("hello from the device test") }
                val chats = withTimeout(30_000) {
                    receiver.unreadChats().first { rows -> rows.any { it.peer == mallory.address && it.unread == 1 } }
                }
                val chat = chats.single { it.peer == mallory.address }
                assertEquals("mallory", chat.title)
                assertEquals(
                    listOf(MessageAlert(mallory.address, "mallory", 1)),
                    AlertChanges.between(emptyList(), chats, showing = null).post.filter { it.peer == mallory.address },
                )
                sender.signOff().getOrThrow()
            }
            receiver.signOff().getOrThrow()
        }
    }
}
