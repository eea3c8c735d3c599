package app.splitline.android.calls

import android.app.Notification
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import app.splitline.android.Notifications
import app.splitline.shell.calls.CallState

/**
 * The one-tap answer for a callback when Splitline may not answer calls
 * itself: a heads-up (or, on a locked phone, full-screen) notification on
 * the calls channel naming the person being reached; tapping it opens the
 * call screen, which answers once `ANSWER_PHONE_CALLS` is allowed there.
 */
object CallbackNotification {
    /** The notification's id (one callback at a time). */
    const val ID = 1801

    /** Shows it for the callback the flow waits for. */
    fun show(context: Context, center: CallCenter) {
        val waiting = center.driver?.state?.value as? CallState.WaitingForCallback ?: return
        val name = center.calleeName(waiting.plan)
        val open = PendingIntent.getActivity(
            context,
            0,
            Intent(context, CallActivity::class.java)
                .putExtra(CallActivity.EXTRA_ANSWER, true)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_SINGLE_TOP),
            PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        val notification = Notification.Builder(context, Notifications.CALLS)
            .setSmallIcon(android.R.drawable.sym_call_incoming)
            .setContentTitle("Answer to reach $name")
            .setContentText("This call is Splitline connecting you to $name.")
            .setCategory(Notification.CATEGORY_CALL)
            .setContentIntent(open)
            .setFullScreenIntent(open, true)
            .addAction(Notification.Action.Builder(null, "Answer", open).build())
            .setAutoCancel(true)
            .setTimeoutAfter(TIMEOUT_MS)
            .build()
        context.getSystemService(NotificationManager::class.java)?.notify(ID, notification)
    }

    private const val TIMEOUT_MS = 60_000L
}
