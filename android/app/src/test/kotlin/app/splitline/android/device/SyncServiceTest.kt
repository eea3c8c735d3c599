package app.splitline.android.device

import android.content.pm.ServiceInfo
import app.splitline.android.Notifications
import app.splitline.android.SplitlineApp
import app.splitline.shell.device.SyncReason
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/** The foreground sync service: started by the policy, in the foreground with type dataSync, stopped by its time limit. */
@RunWith(RobolectricTestRunner::class)
class SyncServiceTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp

    @After
    fun reset() {
        SyncReason.entries.forEach { SyncTrigger.clear(app, it) }
        SyncTrigger.signedIn(app, false)
        SyncTrigger.foreground(app, true)
    }

    @Test
    fun aPendingCallInTheBackgroundStartsTheServiceInTheForegroundWithTypeDataSync() {
        SyncTrigger.signedIn(app, true)
        SyncTrigger.foreground(app, false)
        SyncTrigger.raise(app, SyncReason.CALL_PENDING)
        assertEquals(SyncService::class.java.name, shadowOf(app).nextStartedService?.component?.className)

        val service = Robolectric.buildService(SyncService::class.java).create().startCommand(0, 1).get()
        assertEquals(ServiceInfo.FOREGROUND_SERVICE_TYPE_DATA_SYNC, service.foregroundServiceType)
        val notification = shadowOf(service).lastForegroundNotification
        assertEquals(Notifications.SERVICE, notification.channelId)
        assertEquals("Setting up your call", shadowOf(notification).contentText.toString())
        assertFalse(shadowOf(service).isStoppedBySelf)
    }

    @Test
    fun theTimeLimitStopsTheServiceUntilTheAppIsOpened() {
        SyncTrigger.signedIn(app, true)
        SyncTrigger.foreground(app, false)
        SyncTrigger.raise(app, SyncReason.MESSAGES_QUEUED)
        val service = Robolectric.buildService(SyncService::class.java).create().startCommand(0, 1).get()
        shadowOf(app).clearStartedServices()

        service.onTimeout(1, ServiceInfo.FOREGROUND_SERVICE_TYPE_DATA_SYNC)
        assertTrue(shadowOf(service).isStoppedBySelf)
        assertTrue(SyncTrigger.needs().timedOut)
        SyncTrigger.wake(app, "test push")
        assertNull(shadowOf(app).nextStartedService)

        SyncTrigger.foreground(app, true)
        assertFalse(SyncTrigger.needs().timedOut)
    }

    @Test
    fun withAScreenOpenThePushWakeUpStartsNoService() {
        SyncTrigger.signedIn(app, true)
        SyncTrigger.foreground(app, true)
        SyncTrigger.wake(app, "test push")
        assertNull(shadowOf(app).nextStartedService)
    }
}
