package app.splitline.android.calls

import android.Manifest
import android.app.Application
import android.content.ComponentName
import android.net.Uri
import android.telecom.PhoneAccountHandle
import android.telecom.TelecomManager
import android.widget.Button
import android.widget.TextView
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.calls.CallPreference
import app.splitline.shell.calls.CallState
import app.splitline.shell.calls.DialString
import app.splitline.shell.calls.RedirectRule
import app.splitline.testsupport.TestNetwork
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowCallRedirectionService.RedirectionResult
import org.robolectric.shadows.ShadowCallRedirectionService.RedirectionResult.RedirectionResultType

/**
 * Call-through against the test network's calls gateway (heidi's mobile is
 * verified there; its one access number, +442079460500, sits behind a
 * switchboard that wants `,,2`): the gateway reserves each call, and the
 * phone dials the access number with its post-dial digits, from the call
 * screen and from the phone's own dialer.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class CallThroughTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private lateinit var account: Account

    @Before
    fun signedIn() {
        account = adoptAccount(app, "heidi", signIn = true, gateway = TestNetwork.callsGateway)
        CallCenter.of(app).settings.preference = CallPreference.ACCESS_NUMBER
        shadowOf(app).grantPermissions(Manifest.permission.CALL_PHONE)
    }

    @After
    fun close() = account.close()

    @Test
    fun theCallScreenReservesTheCallThenDialsTheAccessNumberAndItsDigits() {
        val screen = Robolectric.buildActivity(CallActivity::class.java, CallActivity.intent(app, "020 7946 0018", placeAtOnce = false))
            .setup().get()
        val route = screen.requireViewById<TextView>(CallViews.ROUTE)
        idleUntil("the plan (route: ${route.text})") { CallCenter.of(app).driver?.state?.value is CallState.Planned }
        assertTrue(route.text.toString(), route.text.contains("+442079460500"))
        screen.requireViewById<Button>(CallViews.CALL).performClick()
        val center = CallCenter.of(app)
        idleUntil("the reservation (state: ${center.driver?.state?.value})") {
            center.driver?.state?.value is CallState.DiallingAccessNumber
        }
        val dialling = center.driver?.state?.value as CallState.DiallingAccessNumber
        assertEquals(DialString("+442079460500", ",,2"), dialling.dial)
        val telecom = shadowOf(app.getSystemService(TelecomManager::class.java))
        idleUntil("the access number dialled") { telecom.allOutgoingCalls.isNotEmpty() }
        assertEquals("+442079460500,,2", telecom.lastOutgoingCall.address.schemeSpecificPart)

        screen.requireViewById<Button>(CallViews.HANG_UP).performClick()
        idleUntil("the hang-up (state: ${center.driver?.state?.value})") { center.driver?.state?.value is CallState.Ended }
    }

    @Test
    fun aNumberDialledInThePhonesDialerIsRedirectedToTheReservedAccessNumber() {
        CallCenter.of(app).settings.redirectRule = RedirectRule.ALWAYS
        val service = Robolectric.setupService(SplitlineCallRedirectionService::class.java)
        val sim = PhoneAccountHandle(ComponentName("com.android.phone", "Telephony"), "sim1")
        shadowOf(service).placeCall(Uri.fromParts("tel", "020 7946 0018", null), sim, true)
        var result: RedirectionResult? = null
        idleUntil("the redirection") {
            result = shadowOf(service).redirectionResult.orElse(null)
            result != null
        }
        val redirected = result ?: error("no result")
        assertEquals(RedirectionResultType.REDIRECT_CALL, redirected.redirectionResultType)
        val args = redirected.redirectCallArgs.orElseThrow()
        assertEquals("+442079460500,,2", args.handle.schemeSpecificPart)
        assertEquals(sim, args.targetPhoneAccount)
    }
}
