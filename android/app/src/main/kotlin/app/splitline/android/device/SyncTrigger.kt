package app.splitline.android.device

import android.content.Context
import android.content.Intent
import android.util.Log
import app.splitline.shell.device.SyncDecision
import app.splitline.shell.device.SyncNeeds
import app.splitline.shell.device.SyncReason
import app.splitline.shell.device.decideSync

/**
 * The one place that starts and stops [SyncService]. Screens and receivers
 * say what they need ([raise], [clear]); the activity lifecycle says whether
 * a screen shows ([foreground]); the push receiver of #19 calls [wake]. The
 * decision is the shell's [decideSync].
 */
object SyncTrigger {
    private const val TAG = "SplitlineSync"
    private var needs = SyncNeeds(signedIn = false, inForeground = false)

    /** What the policy sees now. */
    @Synchronized
    fun needs(): SyncNeeds = needs

    /**
     * The push wake-up hook (#19): a push message arrived, so sync for a
     * while even with no screen open. Call it from the push receiver's
     * `onReceive` (or `onMessage`); [reason] is for the logs only and must
     * not hold the message's content.
     */
    fun wake(context: Context, reason: String) {
        Log.i(TAG, "woken: $reason")
        raise(context, SyncReason.PUSH_WAKE)
    }

    /** [reason] needs the core to sync while no screen is open, until [clear]. */
    fun raise(context: Context, reason: SyncReason) = update(context) { it.copy(reasons = it.reasons + reason) }

    /** [reason] no longer needs background sync. */
    fun clear(context: Context, reason: SyncReason) = update(context) { it.copy(reasons = it.reasons - reason) }

    /** Whether a screen of the app shows; opening the app lifts a time-out. */
    fun foreground(context: Context, visible: Boolean) =
        update(context) { it.copy(inForeground = visible, timedOut = it.timedOut && !visible) }

    /** Whether an account is signed in (or signing in). */
    fun signedIn(context: Context, signedIn: Boolean) = update(context) { it.copy(signedIn = signedIn) }

    /** The platform stopped the service for its time limit (API 35 `onTimeout`). */
    fun timedOut(context: Context) = update(context) { it.copy(timedOut = true) }

    private fun update(context: Context, change: (SyncNeeds) -> SyncNeeds) {
        val decision = synchronized(this) {
            needs = change(needs)
            decideSync(needs)
        }
        apply(context, decision)
    }

    private fun apply(context: Context, decision: SyncDecision) {
        val intent = Intent(context, SyncService::class.java)
        when (decision) {
            is SyncDecision.Run ->
                try {
                    context.startForegroundService(intent)
                } catch (e: IllegalStateException) {
                    // Android 12+ refuses to start a foreground service from the background
                    // (ForegroundServiceStartNotAllowedException); the core syncs again when the app opens.
                    Log.w(TAG, "the sync service may not start now: ${e.javaClass.simpleName}")
                }
            is SyncDecision.Idle -> {
                Log.d(TAG, "idle: ${decision.why}")
                context.stopService(intent)
            }
        }
    }
}
