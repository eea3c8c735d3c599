package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.messaging.Messaging
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.map

/** A chat's unread count, as the message notifications need it. */
data class UnreadChat(val peer: String, val title: String, val unread: Int)

/** A notification to post: [peer]'s chat has [unread] unread messages. */
data class MessageAlert(val peer: String, val title: String, val unread: Int)

/**
 * Which chats get a notification: those whose unread count grew since
 * [before], except the chat on screen ([showing]); and which lose theirs
 * (read now, or gone). Message text is never part of it.
 */
data class AlertChanges(val post: List<MessageAlert>, val cancel: List<String>) {
    companion object {
        /** From the unread counts [before] to [now], with the chat [showing] (null: none). */
        fun between(before: List<UnreadChat>, now: List<UnreadChat>, showing: String?): AlertChanges {
            val was = before.associate { it.peer to it.unread }
            val post = now.filter { it.unread > (was[it.peer] ?: 0) && it.peer != showing }
                .map { MessageAlert(it.peer, it.title, it.unread) }
            val unreadNow = now.filter { it.unread > 0 && it.peer != showing }.map { it.peer }.toSet()
            val cancel = was.filter { (peer, count) -> count > 0 && peer !in unreadNow }.keys.toList()
            return AlertChanges(post, cancel)
        }
    }
}

/** The account's chats with their unread counts, kept current by the core (for notifications). */
fun Account.unreadChats(limit: Int = CHATS_FOLLOWED): Flow<List<UnreadChat>> =
    Messaging(this).chats.rows(limit).rows.map { chats ->
        chats.map { UnreadChat(it.peer, it.roomName ?: it.peer.substringBefore('@'), it.unread) }
    }

/**
 * Whether a message written on this device still waits for the gateway (the
 * core's outbox is not empty), asked again at each change of the first
 * [limit] chats, which every queued, sent or failed message in them changes. A store the core
 * cannot read counts as waiting, so background sync is kept rather than
 * dropped.
 */
fun Account.waitingToSend(limit: Int = CHATS_FOLLOWED): Flow<Boolean> {
    val chats = Messaging(this).chats
    return chats.rows(limit).rows.map { chats.waitingToSend().getOrDefault(1) > 0 }.distinctUntilChanged()
}

private const val CHATS_FOLLOWED = 200
