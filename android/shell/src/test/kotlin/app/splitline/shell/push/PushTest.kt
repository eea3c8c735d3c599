package app.splitline.shell.push

import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.core.CoreError
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.splitline_bindings.MessageStatus
import uniffi.splitline_bindings.Timeline

/**
 * Push and syncOnce against the real core, gateway and Prosody
 * (android/test.sh). The gateway's push routes come with #19's gateway
 * side; what needs them is proven in core/ and tests/ there.
 */
class PushTest {
    private val victor = TestNetwork.account("victor")
    private val walter = TestNetwork.account("walter")

    private fun open(address: String, device: String): Account =
        Account.open(
            Files.createTempDirectory("push").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), address, device, "shell-test"),
        ).getOrThrow()

    @Test
    fun syncOnceBringsWhatCameWhileStoppedOnceEach() = runBlocking {
        open(victor.address, "push-victor").use { phone ->
            phone.signIn(victor.password).getOrThrow()
            phone.stop().getOrThrow()
            open(walter.address, "push-walter").use { sender ->
                sender.signIn(walter.password).getOrThrow()
                sender.client.timeline(victor.address).use { chat ->
                    repeat(3) { n -> chat.send("wake $n") }
                    waitUntilSent(chat)
                }
                sender.signOff().getOrThrow()
            }
            val push = Push(phone)
            val first = push.syncOnce(victor.password, 30_000).getOrThrow()
            assertTrue(first.caughtUp)
            assertEquals(mapOf(walter.address to 3), first.newMessages)
            val second = push.syncOnce(victor.password, 30_000).getOrThrow()
            assertEquals("nothing twice", emptyMap<String, Int>(), second.newMessages)
        }
    }

    @Test
    fun aBadEndpointIsInvalidBeforeAnythingIsSentAndPushNeedsASession() = runBlocking {
        open(victor.address, "push-victor-2").use { phone ->
            val push = Push(phone)
            val bad = push.register(PushEndpoint("ftp://push.example/x", WebPushKeys.generate())).exceptionOrNull()
            assertTrue("invalid: $bad", bad is CoreError.Invalid)
            val offline = push.settings().exceptionOrNull()
            assertTrue("unreachable: $offline", offline is CoreError.Unreachable)
        }
    }

    /** Until the chat's last message left the sender's outbox. */
    private suspend fun waitUntilSent(chat: Timeline) {
        repeat(200) {
            val last = chat.messages(null, 10u).lastOrNull()
            if (last?.status == MessageStatus.SENT) return
            kotlinx.coroutines.delay(100)
        }
        error("walter's messages were never sent")
    }
}
