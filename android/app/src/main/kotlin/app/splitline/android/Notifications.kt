package app.splitline.android

import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.Context

/** The app's notification channels (API 26+, which is the app's minimum). */
object Notifications {
    /** New messages in 1:1 and group chats. */
    const val MESSAGES = "messages"

    /** A callback ringing, a call in progress: high importance, may use a full-screen intent. */
    const val CALLS = "calls"

    /** The foreground service's own notification while it syncs: silent. */
    const val SERVICE = "service"

    /** Creates (or updates the names of) the three channels. Safe to call again. */
    fun createChannels(context: Context) {
        val manager = context.getSystemService(NotificationManager::class.java) ?: return
        manager.createNotificationChannels(
            listOf(
                NotificationChannel(MESSAGES, "Messages", NotificationManager.IMPORTANCE_DEFAULT).apply {
                    description = "New messages in your chats"
                },
                NotificationChannel(CALLS, "Calls", NotificationManager.IMPORTANCE_HIGH).apply {
                    description = "Calls being set up, and the network calling you back"
                },
                NotificationChannel(SERVICE, "Staying in sync", NotificationManager.IMPORTANCE_MIN).apply {
                    description = "Shown while Splitline keeps your chats in sync in the background"
                    setShowBadge(false)
                },
            ),
        )
    }
}
