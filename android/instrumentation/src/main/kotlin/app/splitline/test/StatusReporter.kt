package app.splitline.test

import android.app.Instrumentation
import android.os.Bundle
import org.junit.runner.Description
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener

/**
 * Reports each test to `am instrument -r` through [send] ([Instrumentation.sendStatus]),
 * in the keys and codes Android's test tools parse (as AndroidJUnitRunner's
 * InstrumentationResultPrinter sends them): a start status (1) with `class`,
 * `test`, `numtests` and `current`, then OK (0), FAILURE (-2, with `stack`),
 * IGNORED (-3) or ASSUMPTION_FAILURE (-4).
 */
class StatusReporter(private val send: (code: Int, status: Bundle) -> Unit) : RunListener() {
    private var total = 0
    private var current = 0
    private var code = OK
    private var stack: String? = null

    override fun testRunStarted(description: Description) {
        total = description.testCount()
    }

    override fun testStarted(description: Description) {
        current++
        code = OK
        stack = null
        send(START, status(description))
    }

    override fun testFailure(failure: Failure) {
        code = FAILURE
        stack = failure.trace
    }

    override fun testAssumptionFailure(failure: Failure) {
        code = ASSUMPTION_FAILURE
        stack = failure.trace
    }

    override fun testFinished(description: Description) {
        val bundle = status(description)
        stack?.let { bundle.putString(KEY_STACK, it) }
        send(code, bundle)
    }

    override fun testIgnored(description: Description) {
        current++
        send(START, status(description))
        send(IGNORED, status(description))
    }

    private fun status(description: Description) = Bundle().apply {
        putString(Instrumentation.REPORT_KEY_IDENTIFIER, JUnitInstrumentation::class.java.simpleName)
        putString(KEY_CLASS, description.className)
        putString(KEY_TEST, description.methodName)
        putInt(KEY_TOTAL, total)
        putInt(KEY_CURRENT, current)
        putString(Instrumentation.REPORT_KEY_STREAMRESULT, "")
    }

    private companion object {
        const val START = 1
        const val OK = 0
        const val FAILURE = -2
        const val IGNORED = -3
        const val ASSUMPTION_FAILURE = -4
        const val KEY_CLASS = "class"
        const val KEY_TEST = "test"
        const val KEY_TOTAL = "numtests"
        const val KEY_CURRENT = "current"
        const val KEY_STACK = "stack"
    }
}
