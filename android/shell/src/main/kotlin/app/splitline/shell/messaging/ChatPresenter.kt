package app.splitline.shell.messaging

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/**
 * One chat: [messages] oldest first; [roomName] set for a group chat;
 * [history] where paging back stopped (null before the first page);
 * [closed] once the user closed the chat.
 */
data class ChatState(
    val peer: String,
    val roomName: String? = null,
    val messages: List<Message> = emptyList(),
    val loadingOlder: Boolean = false,
    val history: HistoryEnd? = null,
    val closed: Boolean = false,
) {
    /** Whether this is a group chat. */
    val isRoom: Boolean get() = roomName != null

    /** The title: the room's name, else the peer's address. */
    val title: String get() = roomName ?: peer
}

/**
 * Holds one chat's state while [scope] lives: 1:1 or a room's. While the
 * screen is [shown], new incoming messages are marked viewed (so the sender
 * sees them read). Call [dispose] when the screen ends.
 */
class ChatPresenter(
    private val timeline: ChatTimeline,
    private val messaging: Messaging,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : Presenter(scope, io) {
    private val states = MutableStateFlow(ChatState(timeline.peer))

    @Volatile private var visible = false

    @Volatile private var lastIncoming: Long? = null

    /** What the screen shows. */
    val state: StateFlow<ChatState> = states.asStateFlow()

    init {
        perform({ messaging.rooms.list() }) { rooms ->
            states.update { s -> s.copy(roomName = rooms.firstOrNull { it.address == timeline.peer }?.name) }
        }
        follow(timeline.rows().rows) { rows ->
            states.update { it.copy(messages = rows) }
            markNewIncoming(rows)
        }
    }

    /** The screen shows (true) or went to the background (false); shown, the chat is marked viewed. */
    fun shown(visible: Boolean) {
        this.visible = visible
        if (visible) markViewed()
    }

    /** Sends [text] (trimmed; nothing if blank). Offline, it shows as queued and goes out later. */
    fun send(text: String) {
        val body = text.trim()
        if (body.isEmpty()) return
        perform({ timeline.send(body) })
    }

    /** Reads older messages in at the top (scrolling back), unless a page is loading or the beginning is shown. */
    fun loadOlder() {
        val now = states.value
        if (now.loadingOlder || now.history == HistoryEnd.Beginning) return
        states.update { it.copy(loadingOlder = true) }
        perform({
            timeline.pageBack().onFailure { states.update { it.copy(loadingOlder = false) } }
        }) { page -> states.update { it.copy(loadingOlder = false, history = page.end) } }
    }

    /** Marks the chat viewed; the peer sees their messages read. */
    fun markViewed() = perform({ timeline.markViewed() })

    /** Closes the chat on every device (it comes back with a newer message). */
    fun close() = perform({ messaging.chats.close(timeline.peer) }) { states.update { it.copy(closed = true) } }

    /** Ends the chat's view in the core. */
    fun dispose() = timeline.close()

    private fun markNewIncoming(rows: List<Message>) {
        val newest = rows.lastOrNull { !it.outgoing && !it.isGap }?.id ?: return
        if (newest != lastIncoming) {
            lastIncoming = newest
            if (visible) markViewed()
        }
    }
}
