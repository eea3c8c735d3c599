package app.splitline.android.messaging

import android.content.Intent
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import app.splitline.android.SplitlineApp
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.shell.messaging.Messaging
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/**
 * The chat screen from the Activity through the real core (host build, by
 * JNA) to the real gateway and Prosody: peggy writes to erin.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class ChatActivityTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val peggy = TestNetwork.account("peggy")
    private val erin = TestNetwork.account("erin")

    @After
    fun forgetTheAccount() = app.adopt(null)

    private fun open(address: String, device: String): Account =
        Account.open(
            Files.createTempDirectory("chat-activity").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), address, device, "app-test"),
        ).getOrThrow()

    @Test
    fun aMessageTypedAndSentInTheChatReachesTheOtherAccount() {
        val account = open(peggy.address, "robolectric-peggy")
        runBlocking { account.signIn(peggy.password, 20u).getOrThrow() }
        app.adopt(account)

        val intent = Intent(app, ChatActivity::class.java).putExtra(ChatActivity.EXTRA_PEER, erin.address)
        val controller = Robolectric.buildActivity(ChatActivity::class.java, intent).setup()
        val activity = controller.get()
        val list = activity.requireViewById<LinearLayout>(MessagingIds.LIST)
        idleUntil("the empty chat") { lines(list) == listOf("No messages yet.") }

        val field = activity.requireViewById<EditText>(MessagingIds.MESSAGE)
        field.setText("Hello Erin, from an Activity")
        activity.requireViewById<Button>(MessagingIds.SEND).performClick()
        assertEquals("", field.text.toString())
        idleUntil("the message shown, then sent") {
            lines(list).any { it.startsWith("Me: Hello Erin, from an Activity · ") && !it.endsWith("queued") }
        }
        assertEquals("", activity.requireViewById<TextView>(MessagingIds.PROBLEM).text.toString())

        open(erin.address, "robolectric-erin").use { other ->
            runBlocking {
                other.signIn(erin.password, 20u).getOrThrow()
                val chat = Messaging(other).timeline(peggy.address).getOrThrow()
                val rows = withTimeout(30_000) {
                    chat.rows().rows.first { rows -> rows.any { it.body == "Hello Erin, from an Activity" } }
                }
                val message = rows.last { it.body == "Hello Erin, from an Activity" }
                assertTrue(!message.outgoing && message.sender == peggy.address)
                chat.close()
            }
        }
        controller.pause().stop().destroy()
    }

    @Test
    fun aChatWithAnAddressThatIsNotOneSaysSoAndOffersNoSending() {
        app.adopt(open(peggy.address, "robolectric-peggy-2"))
        val intent = Intent(app, ChatActivity::class.java).putExtra(ChatActivity.EXTRA_PEER, "not an address")
        val activity = Robolectric.buildActivity(ChatActivity::class.java, intent).setup().get()
        val problem = activity.requireViewById<TextView>(MessagingIds.PROBLEM).text.toString()
        assertTrue(problem, problem.startsWith("This chat cannot be opened. That is not valid"))
        assertEquals(null, activity.findViewById<Button>(MessagingIds.SEND))
    }
}
