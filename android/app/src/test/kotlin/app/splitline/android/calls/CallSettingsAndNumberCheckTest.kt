package app.splitline.android.calls

import android.app.Application
import android.app.role.RoleManager
import android.widget.Button
import android.widget.EditText
import android.widget.RadioButton
import android.widget.TextView
import app.splitline.android.idleUntil
import app.splitline.shell.calls.CallPreference
import app.splitline.shell.calls.RedirectRule
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config

/** The call settings keep the user's choices; the number check goes to the real gateway, which checks no numbers. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class CallSettingsAndNumberCheckTest {
    private val app: Application = RuntimeEnvironment.getApplication()

    @Test
    fun choicesAreKeptAndARedirectionRuleAsksForTheRole() {
        shadowOf(app.getSystemService(RoleManager::class.java)).addAvailableRole(CallRoles.REDIRECTION)
        val screen = Robolectric.buildActivity(CallSettingsActivity::class.java).setup().get()
        assertEquals(
            "Callbacks are not recognised: answer them yourself. The phone's dialer calls as usual.",
            screen.requireViewById<TextView>(CallViews.ROLES).text.toString(),
        )
        screen.requireViewById<RadioButton>(CallViews.PREFERENCE * 10 + 2).performClick()
        screen.requireViewById<RadioButton>(CallViews.REDIRECT * 10 + 1).performClick()
        val settings = CallCenter.of(app).settings
        assertEquals(CallPreference.CALLBACK, settings.preference)
        assertEquals(RedirectRule.INTERNATIONAL_ONLY, settings.redirectRule)
        val asked = shadowOf(screen).nextStartedActivityForResult
        // RoleManager.createRequestRoleIntent's action and extra (system API names).
        assertEquals("android.app.role.action.REQUEST_ROLE", asked.intent.action)
        assertEquals(CallRoles.REDIRECTION, asked.intent.getStringExtra("android.intent.extra.ROLE_NAME"))
    }

    @Test
    fun aPhoneWithoutTheRoleSaysWhatItCannotDo() {
        val screen = Robolectric.buildActivity(CallSettingsActivity::class.java).setup().get()
        screen.requireViewById<RadioButton>(CallViews.REDIRECT * 10 + 3).performClick()
        assertEquals(RedirectRule.ALWAYS, CallCenter.of(app).settings.redirectRule)
        assertEquals(
            "Redirecting the phone's calls needs Android 10 or later with the telecom roles; this phone has none.",
            screen.requireViewById<TextView>(CallViews.ROLES).text.toString(),
        )
    }

    @Test
    fun theNumberCheckSaysInPlainWordsThatThisNetworkChecksNoNumbers() {
        adoptAccount(app, "heidi", signIn = true).use {
            val screen = Robolectric.buildActivity(VerifyNumberActivity::class.java).setup().get()
            screen.requireViewById<EditText>(CallViews.NUMBER).setText("+447400123456")
            screen.requireViewById<Button>(CallViews.SEND).performClick()
            val status = screen.requireViewById<TextView>(CallViews.STATUS)
            idleUntil { status.text.toString() == "Your network does not check mobile numbers (it places no calls)." }
        }
    }

    @Test
    fun beforeSetupTheNumberCheckSaysItNeedsTheAccount() {
        val screen = Robolectric.buildActivity(VerifyNumberActivity::class.java).setup().get()
        assertEquals(
            "Set up your network account first: it checks the number.",
            screen.requireViewById<TextView>(CallViews.STATUS).text.toString(),
        )
        assertFalse(screen.requireViewById<Button>(CallViews.SEND).isEnabled)
    }
}
