package app.splitline.android.calls

import android.Manifest
import android.app.Application
import android.app.NotificationManager
import app.splitline.android.Notifications
import app.splitline.android.idleUntil
import app.splitline.shell.account.Account
import app.splitline.shell.calls.CallState
import app.splitline.shell.calls.NumberCheckState
import app.splitline.shell.calls.Verification
import java.util.concurrent.TimeUnit
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowLooper

/** The screening service: the pending callback answered (or one tap away), a stranger's call untouched. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], shadows = [AnsweringTelecomManager::class])
class CallbackScreeningServiceTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private lateinit var account: Account

    @Before
    fun aCallbackIsPending() {
        AnsweringTelecomManager.accepted = 0
        account = adoptAccount(app, "grace")
        CallCenter.of(app).resume(CallState.WaitingForCallback(londonCallback, "c1", "+441234000000"))
    }

    @After
    fun close() = account.close()

    private fun screen(number: String): android.telecom.CallScreeningService.CallResponse {
        val service = Robolectric.setupService(CallbackScreeningService::class.java)
        service.onScreenCall(incomingCall(number))
        return shadowOf(service).lastRespondToCallInput.get().callResponse
    }

    private fun assertAllowedUntouched(response: android.telecom.CallScreeningService.CallResponse) {
        assertFalse(response.disallowCall)
        assertFalse(response.rejectCall)
        assertFalse(response.silenceCall)
        assertFalse(response.skipCallLog)
        assertFalse(response.skipNotification)
    }

    @Test
    fun theCallbackIsAnsweredWithoutATouchWhenAllowed() {
        shadowOf(app).grantPermissions(Manifest.permission.ANSWER_PHONE_CALLS)
        assertAllowedUntouched(screen("+44 1234 000000"))
        assertEquals(0, AnsweringTelecomManager.accepted)
        ShadowLooper.idleMainLooper(CallbackScreeningService.ANSWER_AFTER_MS, TimeUnit.MILLISECONDS)
        assertEquals(1, AnsweringTelecomManager.accepted)
        assertTrue(shadowOf(app.getSystemService(NotificationManager::class.java)).allNotifications.isEmpty())
    }

    @Test
    fun aCallbackWhoseCallerIdTheNetworkShowsInNationalFormIsStillRecognised() {
        shadowOf(app).grantPermissions(Manifest.permission.ANSWER_PHONE_CALLS)
        CallCenter.of(app).resume(CallState.WaitingForCallback(londonCallback, "c2", "+442079460999"))
        assertAllowedUntouched(screen("020 7946 0999"))
        ShadowLooper.idleMainLooper(CallbackScreeningService.ANSWER_AFTER_MS, TimeUnit.MILLISECONDS)
        assertEquals(1, AnsweringTelecomManager.accepted)
    }

    @Test
    fun withoutThePermissionTheCallbackIsAOneTapNotificationNamingWhomItReaches() {
        shadowOf(app).denyPermissions(Manifest.permission.ANSWER_PHONE_CALLS)
        assertAllowedUntouched(screen("+441234000000"))
        ShadowLooper.idleMainLooper(CallbackScreeningService.ANSWER_AFTER_MS, TimeUnit.MILLISECONDS)
        assertEquals(0, AnsweringTelecomManager.accepted)
        val notification = shadowOf(app.getSystemService(NotificationManager::class.java)).getNotification(CallbackNotification.ID)
        assertNotNull(notification)
        assertEquals(Notifications.CALLS, notification.channelId)
        // Nobody in the (empty) address book has the number: the number is the name.
        assertEquals("Answer to reach +442079460018", notification.extras.getString(android.app.Notification.EXTRA_TITLE))
        assertNotNull(notification.fullScreenIntent)
        assertEquals("Answer", notification.actions.single().title.toString())
    }

    @Test
    fun aStrangersCallIsLeftAloneEvenWithThePermission() {
        shadowOf(app).grantPermissions(Manifest.permission.ANSWER_PHONE_CALLS)
        assertAllowedUntouched(screen("+33142000000"))
        ShadowLooper.idleMainLooper(CallbackScreeningService.ANSWER_AFTER_MS * 2, TimeUnit.MILLISECONDS)
        assertEquals(0, AnsweringTelecomManager.accepted)
        assertTrue(shadowOf(app.getSystemService(NotificationManager::class.java)).allNotifications.isEmpty())
    }

    @Test
    fun theFlashCallIsRejectedSilentlyAndItsCodeGoesToTheCore() {
        val center = CallCenter.of(app)
        center.resume(CallState.Idle)
        center.resumeCheck(NumberCheckState.WaitingForFlashCall(Verification("+447400123456", "+4420794", 4, 60)))
        val response = screen("+44 20794 1234")
        assertTrue(response.disallowCall && response.rejectCall && response.skipCallLog && response.skipNotification)
        // The code went to the core; this account is not signed in, so the check fails in words.
        val check = requireNotNull(center.numberCheck)
        idleUntil("the code is confirmed") { check.state.value is NumberCheckState.Failed }
        assertEquals(0, AnsweringTelecomManager.accepted)
    }

    @Test
    fun aCallLikeTheFlashCallWithTheWrongLengthIsLeftAlone() {
        val center = CallCenter.of(app)
        center.resume(CallState.Idle)
        center.resumeCheck(NumberCheckState.WaitingForFlashCall(Verification("+447400123456", "+4420794", 4, 60)))
        assertAllowedUntouched(screen("+44 20794 123456"))
        assertTrue(center.numberCheck?.state?.value is NumberCheckState.WaitingForFlashCall)
    }

    @Test
    fun withNoCallPendingEvenTheGatewaysNumberIsLeftAlone() {
        shadowOf(app).grantPermissions(Manifest.permission.ANSWER_PHONE_CALLS)
        CallCenter.of(app).resume(CallState.Idle)
        assertAllowedUntouched(screen("+441234000000"))
        ShadowLooper.idleMainLooper(CallbackScreeningService.ANSWER_AFTER_MS * 2, TimeUnit.MILLISECONDS)
        assertEquals(0, AnsweringTelecomManager.accepted)
    }
}
