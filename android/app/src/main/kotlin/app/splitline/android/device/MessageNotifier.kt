package app.splitline.android.device

import android.Manifest
import android.app.Notification
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import app.splitline.android.Notifications
import app.splitline.android.SplitlineApp
import app.splitline.android.messaging.ChatActivity
import app.splitline.shell.account.Account
import app.splitline.shell.device.AlertChanges
import app.splitline.shell.device.MessageAlert
import app.splitline.shell.device.UnreadChat
import app.splitline.shell.device.unreadChats
import java.util.WeakHashMap
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/**
 * Message notifications on [Notifications.MESSAGES]: one per chat whose
 * unread count grew while no screen shows that chat (the shell's
 * [AlertChanges] decides). The notification says who wrote and how many,
 * never the text. Without POST_NOTIFICATIONS (API 33+) nothing is posted and
 * the unread counts still show in the app. The chat screen calls [showing].
 */
class MessageNotifier(private val app: SplitlineApp) {
    private val manager = app.getSystemService(NotificationManager::class.java)

    /** Whether notifications may be posted (always below API 33, where no runtime permission exists). */
    fun allowed(): Boolean =
        Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU ||
            app.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) == PackageManager.PERMISSION_GRANTED

    /** Follows [account]'s chats (the app's account now), in place of the account followed before. */
    fun follow(account: Account) {
        val job = app.scope.launch {
            var before = emptyList<UnreadChat>()
            account.unreadChats().collect { now ->
                apply(AlertChanges.between(before, now, Shown.peer))
                before = now
            }
        }
        synchronized(Shown) { Shown.following.put(app, job)?.cancel() }
    }

    /** Posts and cancels as [changes] says; posts nothing without the permission. */
    fun apply(changes: AlertChanges) {
        changes.cancel.forEach { manager?.cancel(it, NOTIFICATION_ID) }
        if (!allowed()) return
        changes.post.forEach { manager?.notify(it.peer, NOTIFICATION_ID, notification(it)) }
    }

    private fun notification(alert: MessageAlert): Notification {
        val open = Intent(app, ChatActivity::class.java)
            .putExtra(ChatActivity.EXTRA_PEER, alert.peer)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        val words = if (alert.unread == 1) "1 new message" else "${alert.unread} new messages"
        return Notification.Builder(app, Notifications.MESSAGES)
            .setSmallIcon(android.R.drawable.stat_notify_chat)
            .setContentTitle(alert.title)
            .setContentText(words)
            .setNumber(alert.unread)
            .setAutoCancel(true)
            .setContentIntent(PendingIntent.getActivity(app, alert.peer.hashCode(), open, PendingIntent.FLAG_IMMUTABLE))
            .build()
    }

    /** The chat on screen (its messages are seen, so they get no notification), and each app's follower. */
    private object Shown {
        @Volatile
        var peer: String? = null
        val following = WeakHashMap<Context, Job>()
    }

    companion object {
        /** The id of every message notification (the tag is the chat's peer). */
        const val NOTIFICATION_ID = 18_002

        /** The chat screen calls this with its peer when it shows, and with null when it stops showing. */
        fun showing(context: Context, peer: String?) {
            Shown.peer = peer
            if (peer != null) context.getSystemService(NotificationManager::class.java)?.cancel(peer, NOTIFICATION_ID)
        }
    }
}
