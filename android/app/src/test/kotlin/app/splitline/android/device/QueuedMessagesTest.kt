package app.splitline.android.device

import app.splitline.android.SplitlineApp
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.device.SyncReason
import app.splitline.shell.messaging.Messaging
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertFalse
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment

/** A message written while the gateway is away keeps background sync needed until it has gone out. */
@RunWith(RobolectricTestRunner::class)
class QueuedMessagesTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val sybil = TestNetwork.account("sybil")
    private val account: Account =
        Account.open(
            Files.createTempDirectory("queued").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), sybil.address, "queued-test", "queued-test"),
        ).getOrThrow()

    @After
    fun reset() {
        app.adopt(null)
        SyncReason.entries.forEach { SyncTrigger.clear(app, it) }
    }

    @Test
    fun aMessageWrittenOfflineRaisesTheReasonUntilItIsSent() {
        app.adopt(account)
        follow(app, account)
        assertFalse(SyncReason.MESSAGES_QUEUED in SyncTrigger.needs().reasons)

        val chat = Messaging(account).timeline(TestNetwork.account("ivan").address).getOrThrow()
        chat.send("written before signing in").getOrThrow()
        idleUntil("the reason raised") { SyncReason.MESSAGES_QUEUED in SyncTrigger.needs().reasons }

        runBlocking { account.signIn(sybil.password, 20u).getOrThrow() }
        idleUntil("the message sent and the reason cleared") { SyncReason.MESSAGES_QUEUED !in SyncTrigger.needs().reasons }
    }
}
