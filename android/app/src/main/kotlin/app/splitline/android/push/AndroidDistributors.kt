package app.splitline.android.push

import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import app.splitline.shell.push.DistributorLink
import app.splitline.shell.push.UnifiedPush

/**
 * The distributors on this phone, reached by the UnifiedPush broadcasts: an
 * installed distributor is an app with a receiver of `REGISTER` (the
 * manifest's `<queries>` makes them visible from API 30).
 */
class AndroidDistributors(context: Context) : DistributorLink {
    private val context = context.applicationContext

    override fun installed(): List<String> =
        context.packageManager.queryBroadcastReceivers(Intent(UnifiedPush.REGISTER), 0)
            .map { it.activityInfo.packageName }
            .filter { it != context.packageName }
            .distinct()
            .sorted()

    override fun register(distributor: String, token: String, vapidKey: String) =
        send(distributor, UnifiedPush.REGISTER, token) {
            putExtra(UnifiedPush.EXTRA_VAPID, vapidKey)
            putExtra(UnifiedPush.EXTRA_MESSAGE, "Splitline messages and calls")
            putExtra(UnifiedPush.EXTRA_APPLICATION, context.packageName)
            // AND_3: the distributor learns who registers from this PendingIntent's creator.
            val identity = Intent(IDENTITY).setPackage(context.packageName)
            putExtra(UnifiedPush.EXTRA_PI, PendingIntent.getBroadcast(context, 0, identity, PendingIntent.FLAG_IMMUTABLE))
        }

    override fun unregister(distributor: String, token: String) = send(distributor, UnifiedPush.UNREGISTER, token) {}

    override fun acknowledge(distributor: String, token: String, messageId: String) =
        send(distributor, UnifiedPush.MESSAGE_ACK, token) { putExtra(UnifiedPush.EXTRA_MESSAGE_ID, messageId) }

    private fun send(distributor: String, action: String, token: String, extras: Intent.() -> Unit) {
        context.sendBroadcast(Intent(action).setPackage(distributor).putExtra(UnifiedPush.EXTRA_TOKEN, token).apply(extras))
    }

    companion object {
        /** The action of the identity PendingIntent (never sent; it only names the app). */
        const val IDENTITY = "app.splitline.push.IDENTITY"
    }
}
