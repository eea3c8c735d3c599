package app.splitline.shell.core

/**
 * One step of a keyed row diff from the core, with the row already in the
 * app's type. Indexes are into the list as the steps before left it.
 */
sealed class RowOp<out R> {
    /** [row] goes in at [index]. */
    data class Insert<R>(val index: Int, val row: R) : RowOp<R>()

    /** The row at [index] is now [row]. */
    data class Update<R>(val index: Int, val row: R) : RowOp<R>()

    /** The row at [index] goes. */
    data class Remove(val index: Int) : RowOp<Nothing>()
}

/**
 * The rows after [ops], applied in order. A step whose index is out of range
 * (a core bug) fails loudly rather than showing a wrong list.
 */
fun <R> List<R>.applying(ops: List<RowOp<R>>): List<R> {
    val rows = toMutableList()
    for (op in ops) {
        when (op) {
            is RowOp.Insert -> {
                require(op.index in 0..rows.size) { "insert at ${op.index} into ${rows.size} rows" }
                rows.add(op.index, op.row)
            }
            is RowOp.Update -> {
                require(op.index in rows.indices) { "update at ${op.index} of ${rows.size} rows" }
                rows[op.index] = op.row
            }
            is RowOp.Remove -> {
                require(op.index in rows.indices) { "remove at ${op.index} of ${rows.size} rows" }
                rows.removeAt(op.index)
            }
        }
    }
    return rows
}
