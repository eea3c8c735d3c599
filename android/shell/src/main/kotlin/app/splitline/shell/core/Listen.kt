package app.splitline.shell.core

import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate
import uniffi.splitline_bindings.ViewHandle

/**
 * A listener of the core as a cold [Flow]: collecting calls [subscribe] with
 * a callback, and ending the collection closes the handle it returned (which
 * cancels the subscription in the core). Nothing is dropped: every call the
 * listener hears is emitted, in order (diffs must all be applied).
 */
internal fun <E> listenerFlow(subscribe: (emit: (E) -> Unit) -> AutoCloseable): Flow<E> =
    callbackFlow {
        val handle = subscribe { event -> trySend(event) }
        awaitClose { handle.close() }
    }.buffer(Channel.UNLIMITED)

/**
 * A list the core keeps current: [rows] emits the whole list after each diff
 * (an empty list first only if the core has no rows). [loadMore] grows the
 * list of the collection running now, if any.
 */
class LiveRows<R> internal constructor(
    private val subscribe: (emit: (List<RowOp<R>>) -> Unit) -> ViewHandle,
) {
    private val handle = AtomicReference<ViewHandle?>()

    /** The rows, after each change. Collect it while the screen shows. */
    val rows: Flow<List<R>> =
        callbackFlow {
            var current = emptyList<R>()
            val view = subscribe { ops ->
                // The listener's own thread calls this, one diff at a time.
                current = current.applying(ops)
                trySend(current)
            }
            handle.set(view)
            awaitClose {
                handle.compareAndSet(view, null)
                view.close()
            }
        }.conflate() // each emission is the whole list: the newest is enough

    /** Shows [rows] more rows (older messages, more contacts) while collected. */
    fun loadMore(rows: Int) {
        if (rows > 0) handle.get()?.loadMore(rows.toUInt())
    }
}
