package app.splitline.shell.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Test

class RowsTest {
    @Test
    fun stepsApplyInOrderEachIndexIntoTheListTheStepsBeforeLeft() {
        val rows = listOf("a", "b", "c").applying(
            listOf(RowOp.Remove(0), RowOp.Insert(2, "d"), RowOp.Update(0, "B")),
        )
        assertEquals(listOf("B", "c", "d"), rows)
    }

    @Test
    fun aStepOutOfRangeFailsRatherThanShowingAWrongList() {
        assertThrows(IllegalArgumentException::class.java) { listOf("a").applying(listOf(RowOp.Remove(1))) }
        assertThrows(IllegalArgumentException::class.java) { emptyList<String>().applying(listOf(RowOp.Insert(1, "x"))) }
    }
}
