package app.splitline.android.device

import android.Manifest
import android.app.NotificationManager
import app.splitline.android.Notifications
import app.splitline.android.SplitlineApp
import app.splitline.shell.device.AlertChanges
import app.splitline.shell.device.MessageAlert
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/** The channels made at start, and message notifications with and without POST_NOTIFICATIONS. */
@RunWith(RobolectricTestRunner::class)
class NotificationsTest {
    private val app = RuntimeEnvironment.getApplication() as SplitlineApp
    private val manager: NotificationManager = app.getSystemService(NotificationManager::class.java) ?: error("no NotificationManager")
    private val alert = AlertChanges(listOf(MessageAlert("peggy@example.net", "peggy", 2)), emptyList())

    @Test
    fun theThreeChannelsExistWithTheirImportance() {
        assertEquals(NotificationManager.IMPORTANCE_DEFAULT, manager.getNotificationChannel(Notifications.MESSAGES)?.importance)
        assertEquals(NotificationManager.IMPORTANCE_HIGH, manager.getNotificationChannel(Notifications.CALLS)?.importance)
        assertEquals(NotificationManager.IMPORTANCE_MIN, manager.getNotificationChannel(Notifications.SERVICE)?.importance)
    }

    @Test
    fun withPostNotificationsRefusedNothingIsPosted() {
        shadowOf(app).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        MessageNotifier(app).apply(alert)
        assertTrue(shadowOf(manager).allNotifications.isEmpty())
    }

    @Test
    fun withItANewMessageIsPostedOnTheMessagesChannelWithoutItsTextAndReadingCancelsIt() {
        shadowOf(app).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        val notifier = MessageNotifier(app)
        notifier.apply(alert)
        val posted = shadowOf(manager).allNotifications.single()
        assertEquals(Notifications.MESSAGES, posted.channelId)
        assertEquals("peggy", shadowOf(posted).contentTitle.toString())
        assertEquals("2 new messages", shadowOf(posted).contentText.toString())

        notifier.apply(AlertChanges(emptyList(), listOf("peggy@example.net")))
        assertTrue(shadowOf(manager).allNotifications.isEmpty())
    }
}
