package app.splitline.shell.messaging

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** The chat list: most recent first, with the unread messages of each and in all. */
data class ChatsState(val chats: List<ChatSummary> = emptyList()) {
    /** Unread messages in all chats. */
    val unread: Int get() = chats.sumOf { it.unread }
}

/** Holds the chat list's state while [scope] lives; its methods are the user's intents. */
class ChatsPresenter(
    private val chats: ChatList,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : Presenter(scope, io) {
    private val states = MutableStateFlow(ChatsState())

    /** What the screen shows. */
    val state: StateFlow<ChatsState> = states.asStateFlow()

    init {
        follow(chats.rows().rows) { states.value = ChatsState(it) }
    }

    /** Marks every chat viewed. */
    fun markAllViewed() = perform({ chats.markAllViewed() })

    /** Closes the chat with [peer] (it comes back with a newer message). */
    fun close(peer: String) = perform({ chats.close(peer) })
}
