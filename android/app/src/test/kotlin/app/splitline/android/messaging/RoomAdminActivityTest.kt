package app.splitline.android.messaging

import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import app.splitline.android.SplitlineApp
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.account.AccountSettings
import app.splitline.testsupport.TestNetwork
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/** Group admin from the Activity through the real core and gateway: peggy creates a group with erin, then leaves it. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class RoomAdminActivityTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp

    @After
    fun forgetTheAccount() = app.adopt(null)

    @Test
    fun aGroupIsCreatedWithItsMembersShownAndThenLeft() {
        val peggy = TestNetwork.account("peggy")
        val erin = TestNetwork.account("erin")
        val account = Account.open(
            Files.createTempDirectory("room-admin").toFile(),
            AccountSettings(listOf(TestNetwork.gateway), peggy.address, "robolectric-rooms", "app-test"),
        ).getOrThrow()
        runBlocking { account.signIn(peggy.password, 20u).getOrThrow() }
        app.adopt(account)

        val activity = Robolectric.buildActivity(RoomAdminActivity::class.java).setup().get()
        val leave = activity.requireViewById<Button>(MessagingIds.LEAVE)
        assertEquals(View.GONE, leave.visibility)
        activity.requireViewById<EditText>(MessagingIds.NAME).setText("Robolectric group")
        activity.requireViewById<EditText>(MessagingIds.MEMBERS).setText(erin.address)
        activity.requireViewById<Button>(MessagingIds.CREATE).performClick()

        val list = activity.requireViewById<LinearLayout>(MessagingIds.LIST)
        idleUntil("the group's members") { lines(list).containsAll(listOf("${peggy.address} · owner", erin.address)) }
        assertEquals("Robolectric group", activity.title.toString())
        assertEquals(View.VISIBLE, leave.visibility)
        assertEquals(View.GONE, activity.requireViewById<Button>(MessagingIds.CREATE).visibility)

        leave.performClick()
        idleUntil("left") { lines(list) == listOf("You left this group. Its messages stay in your chats.") }
        assertEquals(View.GONE, leave.visibility)
    }
}
