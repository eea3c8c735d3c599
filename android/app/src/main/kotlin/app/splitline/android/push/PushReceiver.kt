package app.splitline.android.push

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.util.Log
import app.splitline.android.splitline
import app.splitline.shell.push.PushEvent
import app.splitline.shell.push.UnifiedPush
import kotlinx.coroutines.launch

/**
 * The UnifiedPush connector's receiver: the distributor's NEW_ENDPOINT,
 * MESSAGE, REGISTRATION_FAILED and UNREGISTERED, as [PushEvent]s for the
 * shell's controller. Exported (the distributor is another app); an intent
 * whose token is not the one the app made is ignored there. Nothing of an
 * intent is logged but its action.
 */
class PushReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val event = event(intent) ?: return
        val app = context.splitline
        val controller = AppPush.controller(app) ?: return
        Log.i(TAG, "distributor: ${intent.action?.substringAfterLast('.')}")
        val pending = goAsync()
        app.scope.launch {
            try {
                controller.handle(event).forEach { Log.w(TAG, it) }
            } finally {
                pending.finish()
            }
        }
    }

    private fun event(intent: Intent): PushEvent? {
        val token = intent.getStringExtra(UnifiedPush.EXTRA_TOKEN) ?: return null
        return when (intent.action) {
            UnifiedPush.NEW_ENDPOINT -> intent.getStringExtra(UnifiedPush.EXTRA_ENDPOINT)?.let { PushEvent.NewEndpoint(token, it) }
            UnifiedPush.MESSAGE -> PushEvent.Message(token, intent.getStringExtra(UnifiedPush.EXTRA_MESSAGE_ID))
            UnifiedPush.REGISTRATION_FAILED -> PushEvent.RegistrationFailed(token, intent.getStringExtra(UnifiedPush.EXTRA_REASON))
            UnifiedPush.UNREGISTERED -> PushEvent.Unregistered(token)
            else -> null
        }
    }

    private companion object {
        const val TAG = "SplitlinePush"
    }
}
