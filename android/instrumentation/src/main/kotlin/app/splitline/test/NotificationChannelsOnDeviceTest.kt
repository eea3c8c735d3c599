package app.splitline.test

import android.app.NotificationManager
import app.splitline.android.Notifications
import org.junit.Assert.assertEquals
import org.junit.Test

/** The app's Application created its notification channels when the process started. */
class NotificationChannelsOnDeviceTest {
    private val manager = requireNotNull(OnDevice.app.getSystemService(NotificationManager::class.java))

    @Test
    fun theThreeChannelsExistWithTheirImportance() {
        val expected = mapOf(
            Notifications.MESSAGES to NotificationManager.IMPORTANCE_DEFAULT,
            Notifications.CALLS to NotificationManager.IMPORTANCE_HIGH,
            Notifications.SERVICE to NotificationManager.IMPORTANCE_MIN,
        )
        for ((id, importance) in expected) {
            val channel = requireNotNull(manager.getNotificationChannel(id)) { "no notification channel $id" }
            // The user may lower a channel's importance; a fresh install has the app's.
            assertEquals("channel $id", importance, channel.importance)
        }
    }
}
