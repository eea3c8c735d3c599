package app.splitline.android.calls

import android.app.Application
import android.content.ComponentName
import android.net.Uri
import android.telecom.PhoneAccountHandle
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.calls.RedirectRule
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowCallRedirectionService.RedirectionResult.RedirectionResultType

/** Numbers dialled in the phone's own dialer, by the user's rule, over the core's real lookup (offline: callbacks). */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class SplitlineCallRedirectionServiceTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private lateinit var account: Account
    private val phoneAccount = PhoneAccountHandle(ComponentName("com.android.phone", "Telephony"), "sim1")

    @Before
    fun signedUp() {
        account = adoptAccount(app, "heidi")
    }

    @After
    fun close() = account.close()

    private fun dial(rule: RedirectRule, number: String): RedirectionResultType {
        CallCenter.of(app).settings.redirectRule = rule
        val service = Robolectric.setupService(SplitlineCallRedirectionService::class.java)
        shadowOf(service).placeCall(Uri.fromParts("tel", number, null), phoneAccount, true)
        var result: RedirectionResultType? = null
        idleUntil {
            result = shadowOf(service).redirectionResult.map { it.redirectionResultType }.orElse(null)
            result != null
        }
        return result ?: error("no result")
    }

    @Test
    fun neverPlacesEveryCallUnmodified() {
        assertEquals(RedirectionResultType.PLACE_CALL_UNMODIFIED, dial(RedirectRule.NEVER, "+33142000000"))
        assertNull(shadowOf(app).nextStartedActivity)
    }

    @Test
    fun internationalOnlyLeavesANationalNumberAlone() {
        assertEquals(RedirectionResultType.PLACE_CALL_UNMODIFIED, dial(RedirectRule.INTERNATIONAL_ONLY, "020 7946 0018"))
        assertNull(shadowOf(app).nextStartedActivity)
    }

    @Test
    fun internationalOnlyTurnsAnInternationalNumberIntoACallback() {
        assertEquals(RedirectionResultType.CANCEL_CALL, dial(RedirectRule.INTERNATIONAL_ONLY, "+33 1 42 00 00 00"))
        val started = shadowOf(app).nextStartedActivity
        assertEquals(CallActivity::class.java.name, started.component?.className)
        assertEquals("+33 1 42 00 00 00", started.data?.schemeSpecificPart)
        assertTrue(started.getBooleanExtra(CallActivity.EXTRA_PLACE_AT_ONCE, false))
    }

    @Test
    fun alwaysAskHoldsTheCallAndOpensTheDialerWithTheNumber() {
        assertEquals(RedirectionResultType.CANCEL_CALL, dial(RedirectRule.ALWAYS_ASK, "020 7946 0018"))
        val started = shadowOf(app).nextStartedActivity
        assertEquals(DialerActivity::class.java.name, started.component?.className)
        assertEquals("020 7946 0018", DialerActivity.numberOf(started))
    }

    @Test
    fun withoutAnAccountEveryCallIsPlacedUnmodified() {
        app.let { app.splitlineAdoptNone() }
        assertEquals(RedirectionResultType.PLACE_CALL_UNMODIFIED, dial(RedirectRule.ALWAYS, "+33142000000"))
    }
}

private fun Application.splitlineAdoptNone() = (this as app.splitline.android.SplitlineApp).adopt(null)
