package app.splitline.android.calls

import android.app.Application
import android.content.Intent
import android.net.Uri
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** `tel:` intents open the dialer with the number, and the dialer shows the core's cost before the call. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class DialerActivityTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private var account: Account? = null

    @After
    fun close() {
        account?.close()
    }

    private fun open(action: String, number: String): DialerActivity =
        Robolectric.buildActivity(DialerActivity::class.java, Intent(action, Uri.parse("tel:$number"))).setup().get()

    @Test
    fun dialViewAndCallIntentsFillInTheNumber() {
        account = adoptAccount(app, "rupert")
        for (action in listOf(Intent.ACTION_DIAL, Intent.ACTION_VIEW, Intent.ACTION_CALL)) {
            val dialer = open(action, "02079460018")
            assertEquals(action, "02079460018", dialer.requireViewById<EditText>(CallViews.NUMBER).text.toString())
        }
    }

    @Test
    fun theDialerShowsACallbacksCostAndTheCoresExplanationBeforeTheCall() {
        account = adoptAccount(app, "rupert")
        val dialer = open(Intent.ACTION_DIAL, "020%207946%200018")
        assertEquals("020 7946 0018", dialer.requireViewById<EditText>(CallViews.NUMBER).text.toString())
        val cost = dialer.requireViewById<TextView>(CallViews.COST)
        idleUntil { cost.text.startsWith("Callback") }
        assertEquals("Callback: your network calls your mobile, then connects you", cost.text.toString())
        val explanation = dialer.requireViewById<TextView>(CallViews.EXPLANATION).text.toString()
        assertFalse(explanation, explanation.isBlank())

        dialer.requireViewById<Button>(CallViews.CALL).performClick()
        val started = shadowOf(app).nextStartedActivity
        assertEquals(CallActivity::class.java.name, started.component?.className)
        assertEquals("020 7946 0018", DialerActivity.numberOf(started))
    }

    @Test
    fun aNumberThatCannotBeReadSaysSo() {
        account = adoptAccount(app, "rupert")
        val dialer = open(Intent.ACTION_DIAL, "12")
        val cost = dialer.requireViewById<TextView>(CallViews.COST)
        idleUntil { cost.text.toString() == "Can't be called now" }
        val explanation = dialer.requireViewById<TextView>(CallViews.EXPLANATION).text.toString()
        assertEquals(true, explanation.startsWith("That number or address can't be called"))
    }

    @Test
    fun beforeSetupTheDialerSaysCallsNeedTheAccount() {
        val dialer = open(Intent.ACTION_DIAL, "02079460018")
        assertEquals(
            "Set up your network account first: calls go through it.",
            dialer.requireViewById<TextView>(CallViews.COST).text.toString(),
        )
        assertFalse(dialer.requireViewById<Button>(CallViews.CALL).isEnabled)
    }
}
