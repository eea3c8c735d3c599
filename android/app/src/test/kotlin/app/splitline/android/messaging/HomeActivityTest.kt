package app.splitline.android.messaging

import android.widget.Button
import android.widget.TextView
import app.splitline.android.SplitlineApp
import app.splitline.android.calls.CallSettingsActivity
import app.splitline.android.device.SetupActivity
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** The home screen's navigation, and setup when there is no account. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class HomeActivityTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp

    @After
    fun forgetTheAccount() = app.adopt(null)

    private fun adoptStoredAccount() {
        // Opened on a store, not signed in: nothing here needs the network.
        val account = Account.open(
            Files.createTempDirectory("home").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), TestNetwork.account("peggy").address, "robolectric-home", "app-test"),
        ).getOrThrow()
        app.adopt(account)
    }

    @Test
    fun withoutAnAccountSetupStartsAndHomeFinishes() {
        app.adopt(null)
        val activity = Robolectric.buildActivity(HomeActivity::class.java).setup().get()
        assertEquals(SetupActivity::class.java.name, shadowOf(activity).nextStartedActivity.component?.className)
        assertTrue(activity.isFinishing)
    }

    @Test
    fun eachButtonOpensItsScreenAndTheConnectionIsShown() {
        adoptStoredAccount()
        val activity = Robolectric.buildActivity(HomeActivity::class.java).setup().get()
        val connection = activity.requireViewById<TextView>(MessagingIds.CONNECTION)
        idleUntil("the connection shown") { connection.text.isNotEmpty() }
        assertEquals("Not signed in: messages you write wait until you are.", connection.text.toString())

        val targets = mapOf(
            MessagingIds.CHATS to ChatsActivity::class.java.name,
            MessagingIds.CONTACTS to ContactsActivity::class.java.name,
            MessagingIds.DIALER to "app.splitline.android.calls.DialerActivity",
            MessagingIds.SETTINGS to SettingsActivity::class.java.name,
        )
        for ((button, screen) in targets) {
            activity.requireViewById<Button>(button).performClick()
            val started = shadowOf(activity).nextStartedActivity
            assertEquals(screen, started.component?.className)
            assertEquals(app.packageName, started.component?.packageName)
        }
        assertTrue(!activity.isFinishing)
    }

    @Test
    fun settingsOpensTheCallSettingsByName() {
        adoptStoredAccount()
        val activity = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        activity.requireViewById<Button>(MessagingIds.CALL_SETTINGS).performClick()
        assertEquals(CallSettingsActivity::class.java.name, shadowOf(activity).nextStartedActivity.component?.className)
    }
}
