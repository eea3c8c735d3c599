package app.splitline.shell.messaging

import app.splitline.shell.core.LiveRows
import app.splitline.shell.core.coreResult
import uniffi.splitline_bindings.ChatListDiff
import uniffi.splitline_bindings.ChatListListener
import uniffi.splitline_bindings.Chats

/** The open chats, most recent first, with their unread counts. */
class ChatList internal constructor(private val chats: Chats) {
    /** The first [limit] chats, kept current (more with `loadMore`). */
    fun rows(limit: Int = PAGE): LiveRows<ChatSummary> =
        LiveRows { emit ->
            chats.subscribe(
                limit.toUInt(),
                object : ChatListListener {
                    override fun onUpdate(diff: ChatListDiff) = emit(diff.ops.map { it.toRowOp() })
                },
            )
        }

    /** Marks every chat viewed; the peers of the chats that had unread messages. */
    fun markAllViewed(): Result<List<String>> = coreResult { chats.markAllViewed() }

    /** How many messages written on this device still wait for the gateway. */
    fun waitingToSend(): Result<Int> = coreResult { chats.waitingToSend().toInt() }

    /** Closes the chat with [peer] on every device until a newer message arrives; false if there was none. */
    fun close(peer: String): Result<Boolean> = coreResult { chats.close(peer) }

    private companion object {
        const val PAGE = 100
    }
}
