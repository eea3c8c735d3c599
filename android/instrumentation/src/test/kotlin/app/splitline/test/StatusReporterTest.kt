package app.splitline.test

import android.app.Instrumentation
import android.os.Bundle
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Ignore
import org.junit.Test
import org.junit.runner.JUnitCore

/**
 * The runner's reports, on the JVM with the real framework classes (android-all):
 * the status codes and keys `am instrument -r` prints and Android's test tools parse,
 * and the `-e class` selection. (Only a phone shows `am instrument` itself reading them.)
 */
class StatusReporterTest {
    /** Tests for the runner to run: one passes, one fails, one is ignored. */
    class Sample {
        @Test
        fun passes() = Unit

        @Test
        fun fails() {
            assertEquals("the reason", 1, 2)
        }

        @Ignore("not today")
        @Test
        fun ignored() = Unit
    }

    private class Status(val code: Int, val bundle: Bundle)

    private val sent = mutableListOf<Status>()
    private fun run(selection: String) = JUnitCore().apply { addListener(StatusReporter { code, status -> sent += Status(code, status) }) }
        .run(OnDeviceTests.request(selection))

    @Test
    fun eachTestReportsItsStartThenItsOutcomeWithTheKeysAmInstrumentPrints() {
        val result = run(Sample::class.java.name)
        assertEquals(2, result.runCount)
        val byTest = sent.groupBy { it.bundle.getString("test") }
        assertEquals(setOf("passes", "fails", "ignored"), byTest.keys)
        assertEquals(listOf(1, 0), byTest.getValue("passes").map { it.code })
        assertEquals(listOf(1, -2), byTest.getValue("fails").map { it.code })
        assertEquals(listOf(1, -3), byTest.getValue("ignored").map { it.code })
        val stack = byTest.getValue("fails").last().bundle.getString("stack").orEmpty()
        assertTrue("stack: $stack", stack.contains("the reason"))
        for (status in sent) {
            assertEquals(Sample::class.java.name, status.bundle.getString("class"))
            assertEquals(3, status.bundle.getInt("numtests"))
            assertEquals("JUnitInstrumentation", status.bundle.getString(Instrumentation.REPORT_KEY_IDENTIFIER))
        }
        assertEquals(listOf(1, 2, 3), sent.filter { it.code == 1 }.map { it.bundle.getInt("current") })
    }

    @Test
    fun aNamedMethodRunsAlone() {
        val result = run("${Sample::class.java.name}#passes")
        assertEquals(1, result.runCount)
        assertEquals(0, result.failureCount)
        assertEquals(listOf(1, 0), sent.map { it.code })
    }

    @Test
    fun withoutASelectionEveryOnDeviceTestClassIsRequested() {
        val names = OnDeviceTests.request(null).runner.description.children.map { it.className }
        assertEquals(OnDeviceTests.ALL.map { it.name }, names)
    }
}
