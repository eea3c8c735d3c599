package app.splitline.android.calls

import android.Manifest
import android.app.AlertDialog
import android.app.Application
import android.telecom.TelecomManager
import android.widget.Button
import android.widget.TextView
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.calls.CallState
import app.splitline.shell.calls.Callee
import app.splitline.shell.calls.DialString
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
import org.robolectric.shadows.ShadowAlertDialog

/** The call screen: the real plan shown before the call; a refused CALL_PHONE says what it cannot do. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34])
class CallActivityTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private lateinit var account: Account

    @Before
    fun signedUp() {
        account = adoptAccount(app, "rupert", signIn = true)
    }

    @After
    fun close() = account.close()

    @Test
    fun aNumberIsPlannedByTheCoreAndShownBeforeTheCall() {
        val screen = Robolectric.buildActivity(CallActivity::class.java, CallActivity.intent(app, "020 7946 0018", placeAtOnce = false))
            .setup().get()
        val progress = screen.requireViewById<TextView>(CallViews.PROGRESS)
        idleUntil("the plan (the screen says: ${progress.text})") { progress.text.startsWith("Ready to call") }
        assertEquals("Ready to call +442079460018.", progress.text.toString())
        val route = screen.requireViewById<TextView>(CallViews.ROUTE).text.toString()
        assertEquals("Callback: your network calls your mobile, then connects you", route)
        assertTrue(CallCenter.of(app).driver?.state?.value is CallState.Planned)
    }

    @Test
    fun refusingCallPhoneKeepsTheCallUnplacedAndSaysWhy() {
        shadowOf(app).denyPermissions(Manifest.permission.CALL_PHONE)
        val center = CallCenter.of(app)
        val planned = CallState.Planned(center.request(Callee.Number("020 7946 0018")), londonAccessNumber)
        center.resume(planned)
        val screen = Robolectric.buildActivity(CallActivity::class.java).setup().get()
        screen.requireViewById<Button>(CallViews.CALL).performClick()
        val dialog = ShadowAlertDialog.getLatestAlertDialog()
        assertEquals(CallActivity.DIAL_REASON, shadowOf(dialog).message.toString())
        dialog.getButton(AlertDialog.BUTTON_NEGATIVE).performClick()
        shadowOf(android.os.Looper.getMainLooper()).idle()
        assertEquals(TelecomPhone.NO_CALL_PHONE, screen.requireViewById<TextView>(CallViews.PROGRESS).text.toString())
        assertEquals(planned, center.driver?.state?.value)
    }

    @Test
    fun theAccessNumberIsDialledWithTelecomOnlyWithCallPhone() {
        val phone = TelecomPhone(app)
        shadowOf(app).denyPermissions(Manifest.permission.CALL_PHONE)
        assertEquals(TelecomPhone.NO_CALL_PHONE, phone.dial(DialString("+442071234567", "")).exceptionOrNull()?.message)
        val telecom = shadowOf(app.getSystemService(TelecomManager::class.java))
        assertTrue(telecom.allOutgoingCalls.isEmpty())
        shadowOf(app).grantPermissions(Manifest.permission.CALL_PHONE)
        assertTrue(phone.dial(DialString("+442071234567", ",,12")).isSuccess)
        assertEquals("+442071234567,,12", telecom.lastOutgoingCall.address.schemeSpecificPart)
    }
}
