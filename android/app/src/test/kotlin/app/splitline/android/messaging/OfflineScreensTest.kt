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
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/** The screens over an account that is stored but not signed in (the real core, no network). */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class OfflineScreensTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val domain = TestNetwork.account("peggy").address.substringAfter('@')

    @Before
    fun adoptStoredAccount() {
        app.adopt(
            Account.open(
                Files.createTempDirectory("offline").toFile(),
                AccountSettings(listOf(TestNetwork.gateway), "peggy@$domain", "robolectric-offline", "app-test"),
            ).getOrThrow(),
        )
    }

    @After
    fun forgetTheAccount() = app.adopt(null)

    @Test
    fun aMessageWrittenOfflineShowsQueuedAndItsChatIsListed() {
        val intent = Intent(app, ChatActivity::class.java).putExtra(ChatActivity.EXTRA_PEER, "erin@$domain")
        val chat = Robolectric.buildActivity(ChatActivity::class.java, intent).setup().get()
        chat.requireViewById<EditText>(MessagingIds.MESSAGE).setText("Written on the train")
        chat.requireViewById<Button>(MessagingIds.SEND).performClick()
        val messages = chat.requireViewById<LinearLayout>(MessagingIds.LIST)
        idleUntil("the queued message") { lines(messages) == listOf("Me: Written on the train · queued") }

        val chats = Robolectric.buildActivity(ChatsActivity::class.java).setup().get()
        val list = chats.requireViewById<LinearLayout>(MessagingIds.LIST)
        idleUntil("the chat listed") { lines(list) == listOf("erin@$domain — Written on the train") }
    }

    @Test
    fun aContactAddedOfflineIsListedAsWaitingAndABadAddressIsRefusedInWords() {
        val contacts = Robolectric.buildActivity(ContactsActivity::class.java).setup().get()
        val address = contacts.requireViewById<EditText>(MessagingIds.ADDRESS)
        val add = contacts.requireViewById<Button>(MessagingIds.ADD)
        address.setText("erin@$domain")
        contacts.requireViewById<EditText>(MessagingIds.NAME).setText("Erin")
        add.performClick()
        val list = contacts.requireViewById<LinearLayout>(MessagingIds.LIST)
        idleUntil("erin listed") { lines(list).contains("Erin · Offline · waiting for them to accept") }

        address.setText("erin")
        add.performClick()
        val problem = contacts.requireViewById<TextView>(MessagingIds.PROBLEM)
        idleUntil("the refusal") { problem.text.startsWith("That is not valid") }
        assertEquals("", address.text.toString())
    }
}
