package app.splitline.shell.push

import app.splitline.shell.account.Account
import app.splitline.shell.core.coreResult
import uniffi.splitline_bindings.PushPayload
import uniffi.splitline_bindings.PushSubscriptionInfo
import uniffi.splitline_bindings.RoomPushSetting

/** A Web Push subscription: the distributor's endpoint and this app's keys (see [WebPushKeys]). */
data class PushEndpoint(val url: String, val keys: WebPushKeys) {
    /** The endpoint is a capability: never in logs. */
    override fun toString(): String = "PushEndpoint(${url.substringBefore("://")}://…)"
}

/** Which of a room's messages wake the phone. */
enum class RoomNotify { ALL, MENTIONS, NEVER }

/** What the gateway says of push for this device. */
data class PushGatewaySettings(
    /** The VAPID public key (base64url) the distributor is given at registration. */
    val vapidKey: String,
    /** Scheme, host and port of the endpoint the gateway has, or null if none. */
    val registeredOrigin: String?,
)

/** What one [Push.syncOnce] brought: each chat's new messages, new contact requests, and whether it caught up. */
data class SyncResult(
    /** Chats with new incoming messages (peer to count), most recent first. */
    val newMessages: Map<String, Int>,
    /** Who newly asks to see the user's presence. */
    val contactRequests: List<String>,
    /** Nothing more waited at the gateway; false when the budget ran out first. */
    val caughtUp: Boolean,
)

/** The gateway side of push that [PushController] drives; [Push] is the real one. */
interface PushGateway {
    /** The gateway's VAPID key and this device's registration. */
    suspend fun settings(): Result<PushGatewaySettings>

    /** Registers (or replaces) this device's subscription at the gateway. */
    suspend fun register(endpoint: PushEndpoint): Result<Unit>

    /** Removes this device's subscription at the gateway. */
    suspend fun unregister(): Result<Unit>
}

/**
 * Push through the account's core: registration at the gateway (each call
 * needs a session: [app.splitline.shell.core.CoreError.Unreachable] before
 * the first sign-in or [syncOnce]) and the sync a push runs. Every call is a
 * [Result] with a [app.splitline.shell.core.CoreError].
 */
class Push(private val account: Account) : PushGateway {
    override suspend fun settings(): Result<PushGatewaySettings> =
        coreResult {
            account.client.push().use { push ->
                val settings = push.settings()
                PushGatewaySettings(settings.vapidPublicKey, settings.registration?.endpointOrigin)
            }
        }

    /** Registers [endpoint] with minimal pushes (counts, never text: notifications come from the sync). */
    override suspend fun register(endpoint: PushEndpoint): Result<Unit> =
        coreResult {
            account.client.push().use { push ->
                val subscription = PushSubscriptionInfo(endpoint.url, endpoint.keys.p256dh, endpoint.keys.auth)
                push.register(subscription, PushPayload.MINIMAL)
                Unit
            }
        }

    override suspend fun unregister(): Result<Unit> = coreResult { account.client.push().use { it.unregister() } }

    /** Which of [room]'s messages wake the phone. */
    suspend fun setRoom(room: String, notify: RoomNotify): Result<Unit> =
        coreResult {
            val setting = when (notify) {
                RoomNotify.ALL -> RoomPushSetting.ALL
                RoomNotify.MENTIONS -> RoomPushSetting.MENTIONS
                RoomNotify.NEVER -> RoomPushSetting.NEVER
            }
            account.client.push().use { it.setRoom(room, setting) }
        }

    /**
     * Fetches what is new within [budgetMs] (signing in with [password] if
     * there is no session), each message once even while the account's own
     * sync runs; the notifications follow from the store, never from a push's body.
     */
    suspend fun syncOnce(password: String, budgetMs: Long): Result<SyncResult> =
        coreResult {
            val summary = account.client.syncOnce(password, budgetMs.coerceAtLeast(0).toULong())
            SyncResult(
                newMessages = summary.chats.associate { it.peer to it.newMessages.toInt() },
                contactRequests = summary.contactRequests,
                caughtUp = summary.caughtUp,
            )
        }
}
