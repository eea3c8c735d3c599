package app.splitline.shell.messaging

import app.splitline.shell.core.LiveRows
import app.splitline.shell.core.coreResult
import uniffi.splitline_bindings.Timeline
import uniffi.splitline_bindings.TimelineDiff
import uniffi.splitline_bindings.TimelineListener

/** What one page back into a chat's history brought: [added] rows, and whether more may follow. */
data class HistoryPage(val added: Int, val end: HistoryEnd)

/**
 * The chat with one peer (a contact or a room). Its [rows] grow at the top
 * when [pageBack] reads older messages (from the store, then the archive).
 */
class ChatTimeline internal constructor(private val timeline: Timeline) : AutoCloseable {
    /** The chat's address. */
    val peer: String = timeline.peer()

    /** The newest [window] messages, kept current; grows with [pageBack]. */
    fun rows(window: Int = WINDOW): LiveRows<Message> =
        LiveRows { emit ->
            timeline.subscribe(
                window.toUInt(),
                object : TimelineListener {
                    override fun onUpdate(diff: TimelineDiff) = emit(diff.ops.map { it.toRowOp() })
                },
            )
        }

    /** Reads [limit] (1 to 100) older messages into the rows. */
    suspend fun pageBack(limit: Int = PAGE): Result<HistoryPage> =
        coreResult {
            val page = timeline.pageBack(limit.toUInt())
            HistoryPage(page.messages.size, page.end.toHistoryEnd())
        }

    /** Queues [body]: it shows at once as queued and goes out once the gateway can be reached. */
    fun send(body: String): Result<Message> = coreResult { timeline.send(body).toMessage() }

    /** Marks the chat viewed (the peer is told it was read); true if it had unread messages. */
    fun markViewed(): Result<Boolean> = coreResult { timeline.markViewed() }

    override fun close() = timeline.close()

    private companion object {
        const val WINDOW = 50
        const val PAGE = 30
    }
}
