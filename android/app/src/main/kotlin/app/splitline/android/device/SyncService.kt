package app.splitline.android.device

import android.app.Notification
import android.app.PendingIntent
import android.app.Service
import android.content.Intent
import android.content.pm.ServiceInfo
import android.os.Build
import android.os.IBinder
import app.splitline.android.Notifications
import app.splitline.shell.device.SyncDecision
import app.splitline.shell.device.decideSync
import app.splitline.shell.device.describeSync

/**
 * Keeps the process (and so the core's sync) alive while no screen is open
 * and [SyncTrigger] says there is work: a pending call, queued messages, a
 * push wake-up. Type `dataSync` (see docs/android.md, "Setup, address book,
 * background and notifications"): on Android 15 the platform allows it 6
 * hours a day and then calls [onTimeout], after which it stays off until the
 * app is opened. The core itself runs in the Application; this service only
 * holds the foreground state and its notification on [Notifications.SERVICE].
 */
class SyncService : Service() {
    override fun onBind(intent: Intent?): IBinder? = null

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        // A service started with startForegroundService must enter the foreground, even to stop at once.
        val decision = decideSync(SyncTrigger.needs())
        val text = if (decision is SyncDecision.Run) describeSync(decision.reasons) else "Stopping background sync"
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.Q) {
            startForeground(NOTIFICATION_ID, notification(text), ServiceInfo.FOREGROUND_SERVICE_TYPE_DATA_SYNC)
        } else {
            startForeground(NOTIFICATION_ID, notification(text))
        }
        if (decision is SyncDecision.Idle) stopSelf(startId)
        return START_NOT_STICKY
    }

    /** Android 15's time limit for `dataSync` was reached: stop now (else the app is killed), until the app is opened. */
    override fun onTimeout(startId: Int, fgsType: Int) {
        SyncTrigger.timedOut(this)
        stopSelf(startId)
    }

    private fun notification(text: String): Notification {
        val open = packageManager.getLaunchIntentForPackage(packageName)
        val tap = open?.let { PendingIntent.getActivity(this, 0, it, PendingIntent.FLAG_IMMUTABLE) }
        return Notification.Builder(this, Notifications.SERVICE)
            .setSmallIcon(android.R.drawable.stat_notify_sync)
            .setContentTitle("Splitline")
            .setContentText(text)
            .setOngoing(true)
            .setContentIntent(tap)
            .build()
    }

    companion object {
        /** The service notification's id. */
        const val NOTIFICATION_ID = 18_001
    }
}
