package app.splitline.shell.device

import app.splitline.shell.account.Account
import app.splitline.shell.core.LiveRows
import app.splitline.shell.core.RowOp
import kotlinx.coroutines.flow.Flow
import uniffi.splitline_bindings.ChatInfo
import uniffi.splitline_bindings.ChatListDiff
import uniffi.splitline_bindings.ChatListListener
import uniffi.splitline_bindings.ChatRowOp

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
fun Account.unreadChats(limit: Int = 200): Flow<List<UnreadChat>> =
    LiveRows<UnreadChat> { emit ->
        client.chats().use { chats ->
            chats.subscribe(
                limit.toUInt(),
                object : ChatListListener {
                    override fun onUpdate(diff: ChatListDiff) = emit(diff.ops.map { it.toRowOp() })
                },
            )
        }
    }.rows

private fun ChatInfo.toUnread() = UnreadChat(peer, roomName ?: peer.substringBefore('@'), unread.toInt())

private fun ChatRowOp.toRowOp(): RowOp<UnreadChat> =
    when (this) {
        is ChatRowOp.Insert -> RowOp.Insert(index.toInt(), row.toUnread())
        is ChatRowOp.Update -> RowOp.Update(index.toInt(), row.toUnread())
        is ChatRowOp.Remove -> RowOp.Remove(index.toInt())
    }
